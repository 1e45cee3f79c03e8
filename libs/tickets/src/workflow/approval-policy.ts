import type { ApprovalStep } from '@madoguchi/workflow';

/**
 * Per mailbox (§2): approval off, for every reply, or for replies written by members of chosen
 * groups; 1–3 steps, each decided by any member of its approver groups.
 */
export interface ApprovalPolicy {
  mode: 'off' | 'all' | 'groups';
  groupIds: number[];
  steps: ApprovalStep[];
  /** Also mail approvers (and the author on rejection), not only notify them in the console. */
  notifyByMail: boolean;
}

export const NO_APPROVAL: ApprovalPolicy = { mode: 'off', groupIds: [], steps: [], notifyByMail: false };

/** The steps a reply by this author must pass; empty when it may go out at once. */
export function stepsFor(policy: ApprovalPolicy | null, authorGroupIds: number[]): ApprovalStep[] {
  if (!policy || policy.mode === 'off') return [];
  if (policy.mode === 'groups' && !policy.groupIds.some((g) => authorGroupIds.includes(g))) return [];
  return policy.steps;
}
