import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import type { Customer } from './customers-api';

/** The five keys of 重複会員統合 (メールアドレス・お名前・名前(漢字)・名前(カナ)・電話). */
export const DUPLICATE_KEYS = ['email', 'fullName', 'kanjiName', 'kanaName', 'phone'] as const;
export type DuplicateKey = (typeof DUPLICATE_KEYS)[number];

/** Fields whose surviving value is chosen customer by customer, in the order the comparison shows them. */
export const MERGE_FIELDS = [
  'lastName',
  'firstName',
  'lastNameKana',
  'firstNameKana',
  'companyName',
  'department',
  'email',
  'tel',
  'mobile',
  'postalCode',
  'address',
  'branch',
  'birthday',
  'comment',
  'registrationState',
  'listFlag',
  'withdrawnAt',
] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

/** What else each customer has, counted by the libs that keep it. */
export type RelatedCounts = Partial<
  Record<
    'tickets' | 'threads' | 'smsMessages' | 'historyEntries' | 'visits' | 'images' | 'portalAccounts',
    number
  >
>;

export interface DuplicateGroup {
  key: string;
  customers: (Customer & { related: RelatedCounts })[];
}

export interface DuplicatePage {
  items: DuplicateGroup[];
  total: number;
  page: number;
  pageSize: number;
}

@Injectable({ providedIn: 'root' })
export class CustomerMergeApi {
  private readonly http = inject(HttpClient);

  duplicates(
    key: DuplicateKey,
    birthdayOnly: boolean,
    page: number,
    pageSize: number,
  ): Observable<DuplicatePage> {
    const params = new HttpParams()
      .set('key', key)
      .set('birthdayOnly', birthdayOnly)
      .set('page', page)
      .set('pageSize', pageSize);
    return this.http.get<DuplicatePage>('/api/customers/duplicates', { params });
  }

  merge(
    survivorId: number,
    mergedIds: number[],
    fields: Partial<Record<MergeField, number>>,
  ): Observable<Customer> {
    return this.http.post<Customer>('/api/customers/merge', { survivorId, mergedIds, fields });
  }
}
