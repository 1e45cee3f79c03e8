import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

/** One address of a postal code; `town` is empty when the code covers a whole city. */
export interface PostalAddress {
  prefecture: string;
  city: string;
  town: string;
}

export interface PostalCodeResult {
  /** `123-4567` */
  postalCode: string;
  addresses: PostalAddress[];
}

@Injectable({ providedIn: 'root' })
export class PostalCodesApi {
  private readonly http = inject(HttpClient);

  /** 400 POSTAL_CODE_INVALID when not 7 digits, 404 POSTAL_CODE_NOT_FOUND when no address has it. */
  lookup(code: string): Observable<PostalCodeResult> {
    return this.http.get<PostalCodeResult>(`/api/postal-codes/${encodeURIComponent(code)}`);
  }
}
