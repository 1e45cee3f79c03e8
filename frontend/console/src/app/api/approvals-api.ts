import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import type { Reply } from './replies-api';

export const APPROVAL_MODES = ['off', 'all', 'groups'] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];
export const MAX_APPROVAL_STEPS = 3;

/** Who must approve a mailbox's replies before they go out. */
export interface ApprovalPolicy {
  mode: ApprovalMode;
  /** mode `groups`: replies written by members of these groups need approval. */
  groupIds: number[];
  /** 1–3 steps in order (when mode is not `off`); members of any listed group may approve a step. */
  steps: { approverGroupIds: number[] }[];
  /** Also mail the approvers when a reply waits for them. */
  notifyByMail: boolean;
}

@Injectable({ providedIn: 'root' })
export class ApprovalsApi {
  private readonly http = inject(HttpClient);

  /** Replies the caller may approve now, oldest first. */
  pending(): Observable<Reply[]> {
    return this.http.get<Reply[]>('/api/approvals');
  }

  /**
   * `step` is the step the approver saw: of two approvers clicking at once exactly one wins, the
   * other gets a 409 saying so.
   */
  approve(replyId: number, step: number | null): Observable<Reply> {
    return this.http.post<Reply>(`/api/replies/${replyId}/approve`, step === null ? {} : { step });
  }

  /** Takes back one's own final approval within the undo window: the reply waits for approval again. */
  undoApproval(replyId: number): Observable<Reply> {
    return this.http.post<Reply>(`/api/replies/${replyId}/undo-approval`, {});
  }

  /** Like approve, `step` guards against deciding a step someone else already decided. */
  reject(replyId: number, reason: string, step: number | null = null): Observable<Reply> {
    return this.http.post<Reply>(`/api/replies/${replyId}/reject`, step === null ? { reason } : { reason, step });
  }

  policy(mailboxId: number): Observable<ApprovalPolicy> {
    return this.http.get<ApprovalPolicy>(`/api/mailboxes/${mailboxId}/approval-policy`);
  }

  savePolicy(mailboxId: number, policy: ApprovalPolicy): Observable<ApprovalPolicy> {
    return this.http.put<ApprovalPolicy>(`/api/mailboxes/${mailboxId}/approval-policy`, policy);
  }
}
