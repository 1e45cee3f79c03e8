import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

export type OutgoingCharset = 'utf-8' | 'iso-2022-jp';
export const OUTGOING_CHARSETS: readonly OutgoingCharset[] = ['utf-8', 'iso-2022-jp'];

/** IMAP settings as the server shows them: the password never leaves it, only whether one is set. */
export interface ImapSettings {
  host: string;
  port: number;
  /** true: implicit TLS (993); false: plain, upgraded by STARTTLS when offered (143). */
  secure: boolean;
  user: string;
  folder: string;
  sentFolder: string | null;
  hasPassword: boolean;
}

export interface SmtpSettings {
  host: string;
  port: number;
  /** true: implicit TLS (465); false: STARTTLS when offered (587/25). */
  secure: boolean;
  user: string | null;
  hasPassword: boolean;
}

export interface Mailbox {
  id: number;
  name: string;
  address: string;
  active: boolean;
  imap: ImapSettings | null;
  smtp: SmtpSettings | null;
  pollIntervalSec: number;
  outgoingCharset: OutgoingCharset;
}

export interface ImapSettingsInput {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  /** Required on create; on update, leaving it out keeps the stored one. */
  password?: string;
  folder?: string;
  sentFolder?: string | null;
}

export interface SmtpSettingsInput {
  host: string;
  port: number;
  secure: boolean;
  user?: string | null;
  password?: string;
}

export interface MailboxInput {
  name: string;
  address: string;
  active?: boolean;
  pollIntervalSec?: number;
  outgoingCharset?: OutgoingCharset;
  /** `null` on update removes the settings. */
  imap?: ImapSettingsInput | null;
  smtp?: SmtpSettingsInput | null;
}

/** Why the last poll failed: a stable code the console words (see intake-labels.ts). */
export type IntakeErrorCode =
  | 'IMAP_HOST_NOT_FOUND'
  | 'IMAP_AUTH_FAILED'
  | 'IMAP_CONNECTION_REFUSED'
  | 'IMAP_TIMEOUT'
  | 'IMAP_TLS_MISMATCH'
  | 'IMAP_CERTIFICATE_UNTRUSTED'
  | 'IMAP_CONNECTION_LOST'
  | 'IMAP_FOLDER_MISSING'
  | 'SECRET_UNREADABLE'
  | 'IMAP_FAILED';

/** failing: the last polls failed (consecutiveFailures > 0) and intake keeps retrying. */
export type IntakeState = 'receiving' | 'failing' | 'paused' | 'not_configured';

/** Intake status of one mailbox. */
export interface MailboxStatus {
  state: IntakeState;
  /** The IMAP server polled, for the error's wording; null without IMAP settings. */
  endpoint: { host: string; port: number } | null;
  lastFetchAt: string | null;
  /** When the next try is due (after a failure: later each time, at most an hour). */
  nextPollAt: string | null;
  /** The server's English sentence, for scripts; the console shows `lastErrorCode` in words. */
  lastError: string | null;
  lastErrorCode: IntakeErrorCode | null;
  lastErrorAt: string | null;
  consecutiveFailures: number;
  /** Direct delivery into this server (SMTP, or LMTP), when its listener is on. */
  directDelivery?: { host: string; port: number; lmtp: boolean } | null;
  /** An IMAP IDLE connection is open, so new mail arrives within about a second. */
  idle: boolean;
  counts: { fetched: number; quarantined: number; oversized: number };
}

export type ConnectionVerdict =
  | 'connected'
  | 'auth_failed'
  | 'folder_missing'
  | 'refused'
  | 'timed_out'
  | 'host_not_found'
  | 'tls_mismatch'
  | 'closed'
  | 'unavailable'
  | 'not_imap'
  | 'not_smtp'
  | 'secret_unreadable'
  | 'failed';

export interface ConnectionCheck {
  ok: boolean;
  /** What the test found; the console words it (the server's English `error` is for scripts). */
  verdict: ConnectionVerdict;
  error?: string;
}

/**
 * Settings to try before saving. For a saved mailbox a section left out is the stored one, `null`
 * is not tested, and a blank password is the stored one while host and user stay the same.
 */
export interface ConnectionTestInput {
  imap?: ImapSettingsInput | null;
  smtp?: SmtpSettingsInput | null;
}

/** `null` for a protocol that is not configured. */
export interface ConnectionTestResult {
  imap: ConnectionCheck | null;
  smtp: ConnectionCheck | null;
}

/** A message intake kept raw instead of filing: unparsable (quarantined) or too large (oversized). */
export interface QuarantinedMessage {
  id: number;
  state: 'quarantined' | 'oversized';
  error: string | null;
  size: number;
  receivedAt: string;
  subject: string | null;
  from: string | null;
}

export interface RawMessageRetry {
  state: string;
  ticketId: number | null;
}

@Injectable({ providedIn: 'root' })
export class MailboxesApi {
  private readonly http = inject(HttpClient);

  /** The mailboxes the signed-in user may view. */
  list(): Observable<Mailbox[]> {
    return this.http.get<Mailbox[]>('/api/mailboxes');
  }

  get(id: number): Observable<Mailbox> {
    return this.http.get<Mailbox>(`/api/mailboxes/${id}`);
  }

  create(input: MailboxInput): Observable<Mailbox> {
    return this.http.post<Mailbox>('/api/mailboxes', input);
  }

  update(id: number, input: Partial<MailboxInput>): Observable<Mailbox> {
    return this.http.patch<Mailbox>(`/api/mailboxes/${id}`, input);
  }

  /** テストメール: a sample customer mail filed through the whole intake; answers its ticket. */
  testMail(id: number): Observable<{ ticketId: number | null }> {
    return this.http.post<{ ticketId: number | null }>(`/api/mailboxes/${id}/test-mail`, {});
  }

  status(id: number): Observable<MailboxStatus> {
    return this.http.get<MailboxStatus>(`/api/mailboxes/${id}/status`);
  }

  /** Tries the saved IMAP and SMTP settings, or the changes given (nothing is saved). */
  testConnection(id: number, changes: ConnectionTestInput = {}): Observable<ConnectionTestResult> {
    return this.http.post<ConnectionTestResult>(`/api/mailboxes/${id}/test`, changes);
  }

  /** Tries the settings of a mailbox not created yet. */
  testUnsaved(settings: ConnectionTestInput): Observable<ConnectionTestResult> {
    return this.http.post<ConnectionTestResult>('/api/mailboxes/test', settings);
  }

  quarantine(id: number): Observable<QuarantinedMessage[]> {
    return this.http.get<QuarantinedMessage[]>(`/api/mailboxes/${id}/quarantine`);
  }

  /** Plain URL, so the browser downloads the .eml with the session cookie. */
  rawMessageUrl(rawMessageId: number): string {
    return `/api/raw-messages/${rawMessageId}/raw`;
  }

  /** Parses a kept message again; on success it is filed as a ticket. */
  retryRawMessage(rawMessageId: number): Observable<RawMessageRetry> {
    return this.http.post<RawMessageRetry>(`/api/raw-messages/${rawMessageId}/retry`, {});
  }
}
