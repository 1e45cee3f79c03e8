import { Injectable, inject } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { Observable, catchError, map, of, tap } from 'rxjs';

import { ApprovalsApi } from '../api/approvals-api';
import type { Reply } from '../api/replies-api';
import { Notifier } from '../core/notifier';
import { PendingApprovals } from './pending-approvals';
import { RejectDialog } from './reject-dialog';

/** Approving and rejecting, the same from the approval queue and from a ticket. */
@Injectable({ providedIn: 'root' })
export class ApprovalActions {
  private readonly approvalsApi = inject(ApprovalsApi);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);
  private readonly pending = inject(PendingApprovals);

  /** Approves the step shown (so of two approvers at once only one counts); null when it failed. */
  approve(reply: Reply): Observable<Reply | null> {
    return this.approvalsApi.approve(reply.id, reply.step).pipe(
      tap((approved) =>
        this.notifier.success(
          approved.status === 'awaiting_approval' ? 'approvals.approvedStep' : 'approvals.approved',
          { step: reply.step ?? 1, steps: reply.steps },
        ),
      ),
      catchError((error: unknown) => {
        // A 409 (another approver was first, the author withdrew it) carries the server's sentence.
        this.notifier.error(error);
        return of(null);
      }),
      tap(() => this.pending.refresh()),
    );
  }

  /** Asks for the reason and rejects; null when the dialog was closed without rejecting. */
  reject(reply: Reply): Observable<Reply | null> {
    return this.dialog
      .open<RejectDialog, Reply, Reply>(RejectDialog, { data: reply, width: '520px' })
      .afterClosed()
      .pipe(
        map((rejected) => rejected ?? null),
        tap((rejected) => {
          if (rejected) {
            this.notifier.success('approvals.rejected');
            this.pending.refresh();
          }
        }),
      );
  }
}
