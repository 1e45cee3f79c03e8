import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import type { Customer } from './customers-api';

/** The server's limits (libs/customers/src/visits/visit.dto.ts, images/image-errors.ts). */
export const MAX_VISIT_AMOUNT = 100_000_000;
export const VISIT_MEMO_MAX = 2000;
export const VISIT_BRANCH_MAX = 100;
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/** What the server keeps, by the bytes; the file picker offers these. */
export const IMAGE_ACCEPT =
  'image/jpeg,image/png,image/gif,image/webp,application/pdf,.jpg,.jpeg,.png,.gif,.webp,.pdf';

/** 来店・利用金額: one visit. */
export interface Visit {
  id: number;
  customerId: number;
  visitedAt: string;
  branch: string | null;
  staffId: number | null;
  amount: number;
  serviceMemo: string | null;
  proposalMemo: string | null;
  createdById: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface VisitInput {
  visitedAt: string;
  branch: string | null;
  staffId: number | null;
  amount: number;
  serviceMemo: string | null;
  proposalMemo: string | null;
}

/** 最終来店日, 来店回数, 利用金額合計, 平均: over every visit of the customer. */
export interface VisitSummary {
  lastVisitAt: string | null;
  count: number;
  totalAmount: number;
  averageAmount: number;
}

export interface VisitPage {
  items: Visit[];
  total: number;
  page: number;
  pageSize: number;
  summary: VisitSummary;
}

export interface CustomerImage {
  id: number;
  customerId: number;
  filename: string;
  contentType: string;
  size: number;
  createdById: number | null;
  createdAt: string;
  /** The bytes, permission-checked (images inline, PDFs as a download). */
  url: string;
}

@Injectable({ providedIn: 'root' })
export class CustomerVisitsApi {
  private readonly http = inject(HttpClient);

  visits(customerId: number, page = 1, pageSize = 10): Observable<VisitPage> {
    return this.http.get<VisitPage>(`/api/customers/${customerId}/visits`, { params: { page, pageSize } });
  }

  createVisit(customerId: number, input: VisitInput): Observable<Visit> {
    return this.http.post<Visit>(`/api/customers/${customerId}/visits`, input);
  }

  updateVisit(customerId: number, visitId: number, input: VisitInput): Observable<Visit> {
    return this.http.patch<Visit>(`/api/customers/${customerId}/visits/${visitId}`, input);
  }

  deleteVisit(customerId: number, visitId: number): Observable<void> {
    return this.http.delete<void>(`/api/customers/${customerId}/visits/${visitId}`);
  }

  images(customerId: number): Observable<CustomerImage[]> {
    return this.http.get<CustomerImage[]>(`/api/customers/${customerId}/images`);
  }

  uploadImage(customerId: number, file: File): Observable<CustomerImage> {
    const body = new FormData();
    body.append('file', file, file.name);
    return this.http.post<CustomerImage>(`/api/customers/${customerId}/images`, body);
  }

  deleteImage(customerId: number, imageId: number): Observable<void> {
    return this.http.delete<void>(`/api/customers/${customerId}/images/${imageId}`);
  }

  withdraw(customerId: number, reason: string | null): Observable<Customer> {
    return this.http.post<Customer>(`/api/customers/${customerId}/withdraw`, { reason });
  }

  reinstate(customerId: number): Observable<Customer> {
    return this.http.post<Customer>(`/api/customers/${customerId}/reinstate`, {});
  }
}
