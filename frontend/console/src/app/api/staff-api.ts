import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

/** A staff member as offered in assignee pickers. */
export interface Staff {
  id: number;
  name: string;
  email: string;
  branch: string | null;
}

@Injectable({ providedIn: 'root' })
export class StaffApi {
  private readonly http = inject(HttpClient);

  list(): Observable<Staff[]> {
    return this.http.get<Staff[]>('/api/staff');
  }
}
