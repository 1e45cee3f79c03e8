import type {
  ConnectionCheck,
  ConnectionVerdict,
  IntakeErrorCode,
  MailboxStatus,
} from '../../api/mailboxes-api';
import type { Message } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/ja';

/** What a mailbox's status card says: never "receiving" while the polls fail. */
export type IntakeCardState = 'receiving' | 'failing' | 'paused' | 'notConfigured';

export const INTAKE_STATE_LABELS: Record<IntakeCardState, MessageKey> = {
  receiving: 'intake.state.receiving',
  failing: 'intake.state.failing',
  paused: 'intake.state.paused',
  notConfigured: 'intake.state.notConfigured',
};

const INTAKE_ERRORS: Record<IntakeErrorCode, MessageKey> = {
  IMAP_HOST_NOT_FOUND: 'intake.error.IMAP_HOST_NOT_FOUND',
  IMAP_AUTH_FAILED: 'intake.error.IMAP_AUTH_FAILED',
  IMAP_CONNECTION_REFUSED: 'intake.error.IMAP_CONNECTION_REFUSED',
  IMAP_TIMEOUT: 'intake.error.IMAP_TIMEOUT',
  IMAP_TLS_MISMATCH: 'intake.error.IMAP_TLS_MISMATCH',
  IMAP_CERTIFICATE_UNTRUSTED: 'intake.error.IMAP_CERTIFICATE_UNTRUSTED',
  IMAP_CONNECTION_LOST: 'intake.error.IMAP_CONNECTION_LOST',
  IMAP_FOLDER_MISSING: 'intake.error.IMAP_FOLDER_MISSING',
  SECRET_UNREADABLE: 'intake.error.SECRET_UNREADABLE',
  IMAP_FAILED: 'intake.error.IMAP_FAILED',
};

const VERDICTS: Record<ConnectionVerdict, MessageKey> = {
  connected: 'intake.verdict.connected',
  auth_failed: 'intake.verdict.auth_failed',
  folder_missing: 'intake.verdict.folder_missing',
  refused: 'intake.verdict.refused',
  timed_out: 'intake.verdict.timed_out',
  host_not_found: 'intake.verdict.host_not_found',
  tls_mismatch: 'intake.verdict.tls_mismatch',
  closed: 'intake.verdict.closed',
  unavailable: 'intake.verdict.unavailable',
  not_imap: 'intake.verdict.not_imap',
  not_smtp: 'intake.verdict.not_smtp',
  secret_unreadable: 'intake.verdict.secret_unreadable',
  failed: 'intake.verdict.failed',
};

/**
 * The card's state. `active` is the panel's own (a pause takes effect before the status is
 * fetched again); a status not loaded yet counts as receiving.
 */
export function intakeCardState(
  active: boolean,
  status: Pick<MailboxStatus, 'state' | 'consecutiveFailures'> | undefined,
): IntakeCardState {
  if (status?.state === 'not_configured') {
    return 'notConfigured';
  }
  if (!active) {
    return 'paused';
  }
  return status && (status.state === 'failing' || status.consecutiveFailures > 0) ? 'failing' : 'receiving';
}

/** The last poll error in words, by its code; null when there is none. */
export function intakeErrorMessage(
  status: Pick<MailboxStatus, 'lastErrorCode' | 'lastError' | 'endpoint'>,
): Message | null {
  // A failure with no code (an older server) still gets our generic words, not its sentence.
  const code = status.lastErrorCode ?? (status.lastError ? 'IMAP_FAILED' : null);
  if (code === null) {
    return null;
  }
  const key = INTAKE_ERRORS[code] ?? INTAKE_ERRORS.IMAP_FAILED;
  return { key, params: { host: status.endpoint?.host ?? '', port: status.endpoint?.port ?? '' } };
}

/** Where a connection test went, for the verdict's words. */
export interface TestedEndpoint {
  host: string;
  port: number;
  folder?: string;
}

/** A connection test's verdict in words, by its code. */
export function verdictMessage(
  check: Pick<ConnectionCheck, 'verdict'>,
  protocol: 'imap' | 'smtp',
  at: TestedEndpoint,
): Message {
  return {
    key: VERDICTS[check.verdict] ?? VERDICTS.failed,
    params: {
      host: at.host,
      port: at.port,
      folder: at.folder ?? 'INBOX',
      protocol: protocol.toUpperCase(),
      tlsPort: protocol === 'imap' ? 993 : 465,
    },
  };
}
