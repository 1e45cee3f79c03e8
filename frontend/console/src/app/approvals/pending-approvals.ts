import { Injectable, inject, signal } from '@angular/core';

import { ApprovalsApi } from '../api/approvals-api';

/** How many replies wait for the signed-in user's approval, for the navigation's badge. */
@Injectable({ providedIn: 'root' })
export class PendingApprovals {
  private readonly approvalsApi = inject(ApprovalsApi);
  private readonly current = signal(0);
  private loading = false;
  private again = false;

  readonly count = this.current.asReadonly();

  /** One request at a time; a change noticed meanwhile asks once more afterwards. */
  refresh(): void {
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = true;
    const done = () => {
      this.loading = false;
      if (this.again) {
        this.again = false;
        this.refresh();
      }
    };
    this.approvalsApi.pending().subscribe({
      next: (replies) => {
        // The badge counts what waits for this user; their own requests (申請中) are listed, not counted.
        this.current.set(replies.filter((r) => r.canApprove).length);
        done();
      },
      // The badge is a convenience: an error leaves the last count.
      error: done,
    });
  }
}
