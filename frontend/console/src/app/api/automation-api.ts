import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import { ticketSearchParams, type TicketPage, type TicketSearch } from './tickets-api';

/** A user folder of a mailbox (flat; the tree is built from `parentId`). */
export interface Folder {
  id: number;
  mailboxId: number;
  /** null: at the mailbox's top level. */
  parentId: number | null;
  name: string;
  position: number;
  /** Tickets directly in this folder (not in its subfolders). */
  count: number;
  /** Unhandled tickets directly in this folder. */
  unhandled: number;
}

export interface FolderInput {
  name: string;
  parentId?: number | null;
}

/** Where a deleted folder's tickets go: another folder, or the mailbox's top level. */
export type FolderTarget = number | 'root';

export const RULE_FIELDS = ['from', 'to', 'cc', 'subject', 'body', 'channel', 'hasAttachment'] as const;
export type RuleField = (typeof RULE_FIELDS)[number];
/** The prefix of a form field condition: `form.<fieldKey>`. */
export const FORM_FIELD_PREFIX = 'form.';

export const RULE_OPS = ['contains', 'notContains', 'equals', 'startsWith', 'endsWith', 'regex'] as const;
export type RuleOp = (typeof RULE_OPS)[number];

export const RULE_ACTION_TYPES = ['moveToFolder', 'addLabel', 'assign', 'markSpam', 'stop'] as const;
export type RuleActionType = (typeof RULE_ACTION_TYPES)[number];

export interface RuleCondition {
  /** One of RULE_FIELDS or `form.<fieldKey>`. */
  field: string;
  op: RuleOp;
  value: string;
}

export type RuleAction =
  | { type: 'moveToFolder'; folderId: number }
  /** A label of the mailbox's catalogue (LabelsApi). */
  | { type: 'addLabel'; labelId: number }
  | { type: 'assign'; userId?: number; groupId?: number }
  | { type: 'markSpam' }
  | { type: 'stop' };

export interface RoutingRule {
  id: number;
  mailboxId: number;
  name: string;
  /** 1-based place in the order the rules are applied. */
  position: number;
  match: 'all' | 'any';
  conditions: RuleCondition[];
  actions: RuleAction[];
  active: boolean;
}

export interface RuleInput {
  name: string;
  match: 'all' | 'any';
  conditions: RuleCondition[];
  actions: RuleAction[];
  position?: number;
  active?: boolean;
}

export interface ReapplyResult {
  checked: number;
  changed: number;
}

/** One rule that acted on a ticket when it arrived (or on a re-apply). */
export interface RuleLogEntry {
  ruleId: number;
  ruleName: string;
  position: number;
  at: string;
  /**
   * `moveToFolder` carries the folder's name (null once the folder is gone), `addLabel` the label's
   * name and colour (null once deleted); entries from before the catalogue carry `label`, a name.
   */
  actions: (RuleAction & { folderName?: string | null; labelName?: string | null; labelColor?: string | null; label?: string })[];
}

/** ジャーナルメール: who is told of every new inquiry, optionally only for some folders. */
export interface JournalSettings {
  enabled: boolean;
  recipients: string[];
  /** Empty: every folder. */
  folderIds: number[];
}

export const CUSTOMER_LINK_FIELDS = [
  'lastName',
  'firstName',
  'lastNameKana',
  'firstNameKana',
  'email',
  'tel',
  'mobile',
  'postalCode',
  'address',
  'comment',
] as const;
export type CustomerLinkField = (typeof CUSTOMER_LINK_FIELDS)[number];

/** データベース自動連携: find (or create) the inquiry's customer and write the mapped form fields. */
export interface CustomerLinkSettings {
  enabled: boolean;
  matchBy: 'email' | 'phone';
  /** Form field key → customer field. */
  fieldMap: Record<string, CustomerLinkField>;
}

/** Which part of a mailbox the inbox shows: all of it (spam aside), one folder, or the spam. */
export type InboxPlace = { kind: 'all' } | { kind: 'folder'; folderId: number } | { kind: 'spam' };

/** Folders, routing rules, journal mail and the customer link of a mailbox; moving tickets. */
@Injectable({ providedIn: 'root' })
export class AutomationApi {
  private readonly http = inject(HttpClient);

  folders(mailboxId: number): Observable<Folder[]> {
    return this.http.get<Folder[]>(`/api/mailboxes/${mailboxId}/folders`);
  }

  createFolder(mailboxId: number, input: FolderInput): Observable<Folder> {
    return this.http.post<Folder>(`/api/mailboxes/${mailboxId}/folders`, input);
  }

  updateFolder(mailboxId: number, folderId: number, input: Partial<FolderInput>): Observable<Folder> {
    return this.http.patch<Folder>(`/api/mailboxes/${mailboxId}/folders/${folderId}`, input);
  }

  /** A folder holding tickets needs `moveTo`; without it the server answers 409 saying how many. */
  deleteFolder(mailboxId: number, folderId: number, moveTo?: FolderTarget): Observable<{ moved: number }> {
    const params = moveTo === undefined ? new HttpParams() : new HttpParams().set('moveTo', moveTo);
    return this.http.delete<{ moved: number }>(`/api/mailboxes/${mailboxId}/folders/${folderId}`, {
      params,
    });
  }

  /** In the order they are applied. */
  rules(mailboxId: number): Observable<RoutingRule[]> {
    return this.http.get<RoutingRule[]>(`/api/mailboxes/${mailboxId}/rules`);
  }

  createRule(mailboxId: number, input: RuleInput): Observable<RoutingRule> {
    return this.http.post<RoutingRule>(`/api/mailboxes/${mailboxId}/rules`, input);
  }

  /** `position` moves the rule there and renumbers the others. */
  updateRule(mailboxId: number, ruleId: number, input: Partial<RuleInput>): Observable<RoutingRule> {
    return this.http.patch<RoutingRule>(`/api/mailboxes/${mailboxId}/rules/${ruleId}`, input);
  }

  deleteRule(mailboxId: number, ruleId: number): Observable<void> {
    return this.http.delete<void>(`/api/mailboxes/${mailboxId}/rules/${ruleId}`);
  }

  /** Runs the rules again over one folder's tickets (null: the top level). */
  reapplyRules(mailboxId: number, folderId: number | null): Observable<ReapplyResult> {
    return this.http.post<ReapplyResult>(`/api/mailboxes/${mailboxId}/rules/reapply`, { folderId });
  }

  /** Tickets of one mailbox into a folder, or back to the top level (null). */
  moveTickets(ticketIds: number[], folderId: number | null): Observable<{ moved: number }> {
    return this.http.post<{ moved: number }>('/api/tickets/move', { ticketIds, folderId });
  }

  journal(mailboxId: number): Observable<JournalSettings> {
    return this.http.get<JournalSettings>(`/api/mailboxes/${mailboxId}/journal`);
  }

  saveJournal(mailboxId: number, settings: JournalSettings): Observable<JournalSettings> {
    return this.http.put<JournalSettings>(`/api/mailboxes/${mailboxId}/journal`, settings);
  }

  customerLink(mailboxId: number): Observable<CustomerLinkSettings> {
    return this.http.get<CustomerLinkSettings>(`/api/mailboxes/${mailboxId}/customer-link`);
  }

  saveCustomerLink(mailboxId: number, settings: CustomerLinkSettings): Observable<CustomerLinkSettings> {
    return this.http.put<CustomerLinkSettings>(`/api/mailboxes/${mailboxId}/customer-link`, settings);
  }

  /**
   * The inbox list narrowed to a folder or to the spam (`TicketsApi.search` with the two filters
   * it does not know). The server leaves spam out unless asked.
   */
  searchTickets(search: TicketSearch, place: InboxPlace): Observable<TicketPage> {
    let params = ticketSearchParams(search);
    if (place.kind === 'folder') {
      params = params.set('folderId', place.folderId);
    } else if (place.kind === 'spam') {
      params = params.set('spam', 'true');
    }
    return this.http.get<TicketPage>('/api/tickets', { params });
  }
}
