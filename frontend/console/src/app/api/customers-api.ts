import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

export type RegistrationState = 'provisional' | 'registered';
export type ListFlag = 'normal' | 'grey' | 'black';

export interface Customer {
  id: number;
  code: string;
  lastName: string;
  firstName: string | null;
  lastNameKana: string | null;
  firstNameKana: string | null;
  /** 会社名 and 部署, for business customers. */
  companyName: string | null;
  department: string | null;
  email: string | null;
  tel: string | null;
  mobile: string | null;
  postalCode: string | null;
  address: string | null;
  branch: string | null;
  assigneeIds: number[];
  registrationState: RegistrationState;
  listFlag: ListFlag;
  comment: string | null;
  /** `YYYY-MM-DD` */
  birthday: string | null;
  smsConsent: boolean;
  /** 退会済み since then; null (or absent) while a member. Changed only by withdraw/reinstate. */
  withdrawnAt?: string | null;
  /** 重複会員統合: set when this customer was merged into another; the karte links there. */
  mergedInto?: { id: number; code: string } | null;
  createdAt: string;
  updatedAt: string;
}

/** Columns of the customer CSV, in the file's order (the server's CUSTOMER_CSV_COLUMNS). */
export const CUSTOMER_CSV_COLUMNS = [
  'code',
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
  'assignees',
  'registrationState',
  'listFlag',
  'comment',
  'birthday',
  'smsConsent',
  'withdrawnAt',
  'createdAt',
  'updatedAt',
] as const;
export type CustomerCsvColumn = (typeof CUSTOMER_CSV_COLUMNS)[number];

export type CustomerInput = Omit<Customer, 'id' | 'code' | 'createdAt' | 'updatedAt'>;

/** Per-field filters of the customer search; every one matches any substring. */
export const CUSTOMER_FILTERS = [
  'code',
  'name',
  'kana',
  'lastName',
  'firstName',
  'email',
  'tel',
  'mobile',
  'postalCode',
  'address',
  'branch',
  'registrationState',
  'listFlag',
  /** 会社名 or 部署, any part. */
  'company',
  /** 担当: a staff user's id. */
  'assigneeId',
  /** 登録日 / 更新日 from–to, `YYYY-MM-DD` (whole days). */
  'registeredFrom',
  'registeredTo',
  'updatedFrom',
  'updatedTo',
  /** 誕生月 1–12. */
  'birthdayMonth',
  /** `true` / `false` */
  'smsConsent',
  /** 携帯あり: `true` / `false` */
  'hasMobile',
] as const;
export type CustomerFilter = (typeof CUSTOMER_FILTERS)[number];

export interface CustomerSearch {
  /** Free text over every field. */
  q: string;
  filters: Partial<Record<CustomerFilter, string>>;
  /** 1-based */
  page: number;
  pageSize: number;
}

export interface CustomerPage {
  items: Customer[];
  total: number;
  page: number;
  pageSize: number;
}

@Injectable({ providedIn: 'root' })
export class CustomersApi {
  private readonly http = inject(HttpClient);

  search(search: CustomerSearch): Observable<CustomerPage> {
    const params = filterParams(search).set('page', search.page).set('pageSize', search.pageSize);
    return this.http.get<CustomerPage>('/api/customers', { params });
  }

  /** Plain URL, so the browser downloads it with the session cookie. */
  exportUrl(search: CustomerSearch, columns: readonly CustomerCsvColumn[] = []): string {
    let params = filterParams(search);
    if (columns.length) {
      params = params.set('columns', columns.join(','));
    }
    const query = params.toString();
    return query ? `/api/customers/export.csv?${query}` : '/api/customers/export.csv';
  }

  /** カルテCSV: the customer's fields, visits and history in one file. */
  karteCsvUrl(id: number): string {
    return `/api/customers/${id}/karte.csv`;
  }

  get(id: number): Observable<Customer> {
    return this.http.get<Customer>(`/api/customers/${id}`);
  }

  /** `notify`: 登録通知メールを送る (the registration 通知メール, as set in 通知メール編集). */
  create(input: CustomerInput, options: { notify?: boolean } = {}): Observable<Customer> {
    return this.http.post<Customer>('/api/customers', options.notify ? { ...input, notify: true } : input);
  }

  /** Fields left out keep their value (the karte leaves out smsConsent: consent is recorded through /sms-consent). */
  update(id: number, input: Partial<CustomerInput>): Observable<Customer> {
    return this.http.patch<Customer>(`/api/customers/${id}`, input);
  }

  delete(id: number): Observable<void> {
    return this.http.delete<void>(`/api/customers/${id}`);
  }
}

function filterParams(search: CustomerSearch): HttpParams {
  let params = new HttpParams();
  if (search.q) {
    params = params.set('q', search.q);
  }
  for (const key of CUSTOMER_FILTERS) {
    const value = search.filters[key];
    if (value) {
      params = params.set(key, value);
    }
  }
  return params;
}
