import { Injectable, inject } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Observable, catchError, map, of, tap } from 'rxjs';

import { ApprovalsApi } from '../api/approvals-api';
import type { Reply } from '../api/replies-api';
import { Notifier } from '../core/notifier';
import { I18n } from '../i18n/i18n';
import { PendingApprovals } from './pending-approvals';
import { RejectDialog } from './reject-dialog';

/** Approving and rejecting, the same from the approval queue and from a ticket. */
@Injectable({ providedIn: 'root' })
export class ApprovalActions {
  private readonly approvalsApi = inject(ApprovalsApi);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);
  private readonly pending = inject(PendingApprovals);
  private readonly snackBar = inject(MatSnackBar);
  private readonly i18n = inject(I18n);

  /** Approves the step shown (so of two approvers at once only one counts); null when it failed. */
  approve(reply: Reply): Observable<Reply | null> {
    return this.approvalsApi.approve(reply.id, reply.step).pipe(
      tap((approved) => {
        if (approved.approvalUndo && approved.approvalUndo.remainingMs > 0) this.offerUndo(approved, approved.approvalUndo.remainingMs);
        else
          this.notifier.success(
            approved.status === 'awaiting_approval' ? 'approvals.approvedStep' : 'approvals.approved',
            { step: reply.step ?? 1, steps: reply.steps },
          );
      }),
      catchError((error: unknown) => {
        // A 409 (another approver was first, the author withdrew it) carries the server's sentence.
        this.notifier.error(error);
        return of(null);
      }),
      tap(() => this.pending.refresh()),
    );
  }

  /**
   * The final approval sends after the same short window as 送信: a bar fixed in the viewport
   * (the snack bar) offers to take it back until then; undone, the reply waits for approval again.
   */
  private offerUndo(reply: Reply, remainingMs: number): void {
    const seconds = Math.max(1, Math.round(remainingMs / 1000));
    const bar = this.snackBar.open(this.i18n.t('approvals.undoBar', { seconds }), this.i18n.t('approvals.undoApproval'), { duration: remainingMs, panelClass: 'approval-undo-bar' });
    bar.onAction().subscribe(() =>
      this.approvalsApi.undoApproval(reply.id).subscribe({
        next: () => {
          this.notifier.success('approvals.approvalUndone');
          this.pending.refresh();
        },
        error: (error: unknown) => this.notifier.error(error),
      }),
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
