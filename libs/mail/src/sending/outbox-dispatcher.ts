import { APP_CONFIG, AppConfig, BLOB_STORAGE, BlobStorage, Clock, DELIVERY_OUTCOMES, DeliveryOutcomes, OutboxEntry } from '@madoguchi/core';
import { MailboxConnection, MailboxesService } from '@madoguchi/mailboxes';
import { EmailPayload, TicketEvents } from '@madoguchi/tickets';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ImapFlow } from 'imapflow';
import { DataSource, LessThan, LessThanOrEqual } from 'typeorm';
import { withImap } from '../intake/imap-poller';
import { readableConnectionError } from '../intake/imap-errors';
import { EmailSender, SendReceipt } from './email-sender';
import { classifySendError, MailboxGoneError, SendErrorClass } from './send-errors';

/** Longer than the slowest SMTP conversation allowed by the sender's timeouts. */
const SEND_LOCK_MS = 10 * 60_000;
const RECHECK_MS = 5 * 60_000;
const INTERRUPTED = 'Sending was interrupted; it could not be confirmed whether the message went out. Check with the recipient before sending again.';
/** Attempts for what the other side may get over (busy, unreachable): 30 s, 1, 2, 4 … minutes apart. */
const MAX_ATTEMPTS = 8;
/** Attempts for a wrong setting (host not found, sign-in refused, TLS): a short budget, then 送信失敗. */
const SETTING_ATTEMPTS = 3;
/** A Sent copy that could not be appended is tried again after 1, 2, 4 … minutes (at most an hour), ten times. */
const SENT_COPY_ATTEMPTS = 10;
const SENT_COPY_BACKOFF_MS = 60_000;

/** Our claim on a row ran out and another instance has it now. */
class LeaseLost extends Error {}

/** Whether an IMAP folder holds a message with this Message-ID (the Sent folder, after a crash or a failed append). */
async function inFolder(client: ImapFlow, folder: string, messageId: string): Promise<boolean> {
  const lock = await client.getMailboxLock(folder);
  try {
    return ((await client.search({ header: { 'message-id': messageId } }, { uid: true })) || []).length > 0;
  } finally {
    lock.release();
  }
}

/**
 * Sends what is due in the outbox, exactly once. A row is claimed (pending → sending) before
 * the SMTP conversation and marked sent right after it; a row found still `sending` after its
 * lock expired means an instance died in between. Such a row is never sent again blindly: if
 * the message is in the mailbox's Sent folder it was sent, otherwise it is marked failed for a
 * person to check and retry.
 */
@Injectable()
export class OutboxDispatcher {
  private readonly logger = new Logger('Outbox');
  private running = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly mailboxes: MailboxesService,
    private readonly sender: EmailSender,
    private readonly events: TicketEvents,
    private readonly clock: Clock,
    @Inject(DELIVERY_OUTCOMES) private readonly outcomes: DeliveryOutcomes,
    @Inject(BLOB_STORAGE) private readonly blobs: BlobStorage,
  ) {}

  /** One sweep; overlapping calls are skipped. Returns how many rows were handled. */
  async dispatchDue(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      await this.recoverInterrupted();
      const repo = this.dataSource.getRepository(OutboxEntry);
      const due = await repo.find({ where: { state: 'pending', dueAt: LessThanOrEqual(this.clock.now()) }, order: { dueAt: 'ASC' }, take: 20 });
      let handled = 0;
      for (const row of due) if (await this.claim(row.id)) handled += (await this.sendOne(row.id)) ? 1 : 0;
      await this.retrySentCopies();
      return handled;
    } finally {
      this.running = false;
    }
  }

  private async claim(id: number): Promise<boolean> {
    const now = this.clock.now();
    const res = await this.dataSource
      .createQueryBuilder()
      .update(OutboxEntry)
      .set({ state: 'sending', lockOwner: this.config.instanceId, lockedUntil: new Date(now.getTime() + SEND_LOCK_MS), attempts: () => 'attempts + 1', updatedAt: now })
      .where('id = :id AND state = :state', { id, state: 'pending' })
      .execute();
    return (res.affected ?? 0) > 0;
  }

  private async sendOne(id: number): Promise<boolean> {
    const repo = this.dataSource.getRepository(OutboxEntry);
    const row = await repo.findOneByOrFail({ id });
    const payload = JSON.parse(row.payload) as EmailPayload;
    const conn = await this.mailboxes.connection(row.mailboxId);
    const mine = { id, state: 'sending' as const, lockOwner: this.config.instanceId };
    let receipt: SendReceipt;
    try {
      if (!conn) throw new MailboxGoneError();
      receipt = await this.sender.send(conn, payload, row.messageId, row.id);
    } catch (e) {
      const detail = conn?.smtp ? readableConnectionError(e, conn.smtp.host, conn.smtp.port) : (e as Error).message;
      await this.reportFailure(row, classifySendError(e), detail);
      return false;
    }
    // Sent. Whatever goes wrong from here must not put the row back in the queue: if marking it
    // fails, it stays `sending`, and recovery finds it in the Sent folder or flags it for a person.
    try {
      await this.markSent(row, receipt.rejected.length ? `Sent, but the server refused: ${receipt.rejected.join(', ')}` : null, !!receipt.captured);
    } catch (e) {
      this.logger.error(`outbox ${id}: sent, but could not be marked sent: ${(e as Error).message}`);
      return true;
    }
    // Captured mail was not sent: it does not belong in the Sent folder (and its kept bytes must stay).
    if (!receipt.captured) await this.appendToSent(conn!, row, receipt.raw);
    return true;
  }

  /**
   * A failed attempt: the row back in the queue with its backoff, or failed for good; the
   * owner of the message hears of it in the same transaction (送信エラー / 送信失敗 on the reply).
   */
  private async reportFailure(row: OutboxEntry, kind: SendErrorClass, detail: string): Promise<void> {
    const now = this.clock.now();
    const attempts = row.attempts;
    const final = kind.giveUp === 'now' || (kind.giveUp === 'soon' && attempts >= SETTING_ATTEMPTS) || attempts >= MAX_ATTEMPTS;
    const lastError = kind.code === 'SMTP_INTERRUPTED' ? `${INTERRUPTED} (${detail})` : detail;
    // Exponential backoff: 30 s, 1, 2, 4 … minutes.
    const retryAt = final ? null : new Date(now.getTime() + 30_000 * 2 ** (attempts - 1));
    await this.dataSource.transaction(async (m) => {
      // The owner first (it locks the ticket: the order intake locks in), then the outbox row.
      await this.outcomes.failed(m, row, { code: kind.code, detail: lastError, attempts, retryAt });
      const res = await m.update(
        OutboxEntry,
        { id: row.id, state: 'sending', lockOwner: this.config.instanceId },
        { state: final ? 'failed' : 'pending', lastError, lastErrorCode: kind.code, ...(retryAt ? { dueAt: retryAt } : {}), lockOwner: null, lockedUntil: null, updatedAt: now },
      );
      // Another instance took the row over (our lock ran out): its outcome counts, not ours.
      if (!res.affected) throw new LeaseLost();
    }).catch((e: unknown) => {
      if (!(e instanceof LeaseLost)) throw e;
    });
    this.logger.warn(`outbox ${row.id}: ${final ? 'failed' : 'will retry'} (${kind.code}, attempt ${attempts}): ${detail}`);
    if (row.ticketId) this.events.changed(row.ticketId, row.mailboxId);
  }

  /** `captured`: kept locally by the embedded default instead of sent; the reply says so (ローカルに保存（未送信）), never 送信済. */
  private async markSent(row: OutboxEntry, note: string | null = null, captured = false): Promise<void> {
    const now = this.clock.now();
    await this.dataSource.transaction(async (m) => {
      // The owner first (the reply machine takes SENT, the ticket REPLY_SENT; it locks the ticket
      // first, the order intake locks in, so the two never deadlock), then the outbox row.
      await this.outcomes.sent(m, row, { captured });
      await m.update(OutboxEntry, { id: row.id }, { state: 'sent', sentAt: now, lastError: note, lockOwner: null, lockedUntil: null, updatedAt: now });
    });
    if (row.ticketId) this.events.changed(row.ticketId, row.mailboxId);
  }

  private async recoverInterrupted(): Promise<void> {
    const repo = this.dataSource.getRepository(OutboxEntry);
    const stale = await repo.find({ where: { state: 'sending', lockedUntil: LessThan(this.clock.now()) }, take: 5 });
    for (const row of stale) {
      const conn = await this.mailboxes.connection(row.mailboxId);
      let found = false;
      if (conn?.imap?.sentFolder) {
        const folder = conn.imap.sentFolder;
        try {
          found = await withImap(conn.imap, (client) => inFolder(client, folder, row.messageId));
        } catch (e) {
          this.logger.warn(`outbox ${row.id}: could not check the Sent folder: ${(e as Error).message}`);
          // Try again later rather than guess, without holding up the rest of the outbox.
          await repo.update({ id: row.id, state: 'sending' }, { lockedUntil: new Date(this.clock.now().getTime() + RECHECK_MS) });
          continue;
        }
      }
      if (found) {
        await this.markSent(row);
      } else {
        const now = this.clock.now();
        await this.dataSource
          .transaction(async (m) => {
            await this.outcomes.failed(m, row, { code: 'SMTP_INTERRUPTED', detail: INTERRUPTED, attempts: row.attempts, retryAt: null });
            const res = await m.update(OutboxEntry, { id: row.id, state: 'sending' }, { state: 'failed', lastError: INTERRUPTED, lastErrorCode: 'SMTP_INTERRUPTED', lockOwner: null, lockedUntil: null, updatedAt: now });
            // Another instance recovered it first.
            if (!res.affected) throw new LeaseLost();
          })
          .catch((e: unknown) => {
            if (!(e instanceof LeaseLost)) throw e;
          });
        if (row.ticketId) this.events.changed(row.ticketId, row.mailboxId);
      }
    }
  }

  /** The sent message into the mailbox's Sent folder; kept and tried again later if that fails. */
  private async appendToSent(conn: MailboxConnection, row: OutboxEntry, raw: Buffer): Promise<void> {
    const { imap } = conn;
    if (!imap?.sentFolder) return;
    try {
      await this.appendOnce(conn, raw);
    } catch (e) {
      const error = readableConnectionError(e, imap.host, imap.port);
      this.logger.warn(`outbox ${row.id}: could not append to ${imap.sentFolder}, will try again: ${error}`);
      try {
        const blob = await this.blobs.put(raw);
        const now = this.clock.now();
        await this.dataSource.getRepository(OutboxEntry).update(
          { id: row.id },
          { sentCopy: 'pending', sentCopyKey: blob.key, sentCopyAttempts: 1, sentCopyDueAt: new Date(now.getTime() + SENT_COPY_BACKOFF_MS), updatedAt: now },
        );
      } catch (e2) {
        this.logger.error(`outbox ${row.id}: the Sent copy could not be kept for another try: ${(e2 as Error).message}`);
      }
    }
  }

  /** Sent copies whose append failed, when due: appended unless the Sent folder has the message already. */
  private async retrySentCopies(): Promise<void> {
    const repo = this.dataSource.getRepository(OutboxEntry);
    const now = this.clock.now();
    const due = await repo.find({ where: { sentCopy: 'pending', sentCopyDueAt: LessThanOrEqual(now) }, order: { sentCopyDueAt: 'ASC' }, take: 5 });
    for (const row of due) {
      // Claimed by moving its due time on, so two instances do not append the same copy.
      const claimed = await repo.update({ id: row.id, sentCopy: 'pending', sentCopyDueAt: LessThanOrEqual(now) }, { sentCopyDueAt: new Date(this.clock.now().getTime() + SEND_LOCK_MS) });
      if (!claimed.affected) continue;
      const conn = await this.mailboxes.connection(row.mailboxId);
      const folder = conn?.imap?.sentFolder;
      if (!conn?.imap || !folder) {
        const note = 'Sent, but the mailbox no longer has a Sent folder for the copy';
        await repo.update({ id: row.id }, { sentCopy: 'failed', sentCopyDueAt: null, lastError: row.lastError ? `${row.lastError}; ${note}` : note, updatedAt: this.clock.now() });
        continue;
      }
      try {
        const raw = await this.blobs.read(row.sentCopyKey!);
        await this.appendOnce(conn, raw, row.messageId);
        await repo.update({ id: row.id }, { sentCopy: 'done', sentCopyKey: null, sentCopyDueAt: null, updatedAt: this.clock.now() });
        // The kept copy is no longer needed (content-addressed: the same bytes kept for another row stay).
        if (!(await repo.countBy({ sentCopyKey: row.sentCopyKey! }))) await this.blobs.delete(row.sentCopyKey!);
      } catch (e) {
        const error = readableConnectionError(e, conn.imap.host, conn.imap.port);
        const attempts = row.sentCopyAttempts + 1;
        const later = this.clock.now();
        if (attempts >= SENT_COPY_ATTEMPTS) {
          const note = `Sent, but the copy could not be put in ${folder}: ${error}`;
          await repo.update({ id: row.id }, { sentCopy: 'failed', sentCopyAttempts: attempts, sentCopyDueAt: null, lastError: row.lastError ? `${row.lastError}; ${note}` : note, updatedAt: later });
          this.logger.error(`outbox ${row.id}: gave up appending to ${folder}: ${error}`);
        } else {
          const delay = Math.min(SENT_COPY_BACKOFF_MS * 2 ** (attempts - 1), 60 * 60_000);
          await repo.update({ id: row.id }, { sentCopyAttempts: attempts, sentCopyDueAt: new Date(later.getTime() + delay), updatedAt: later });
          this.logger.warn(`outbox ${row.id}: could not append to ${folder} (attempt ${attempts}): ${error}`);
        }
      }
    }
  }

  /** One APPEND; with a Message-ID, first a look whether an earlier try got there after all. */
  private async appendOnce(conn: MailboxConnection, raw: Buffer, messageId?: string): Promise<void> {
    const imap = conn.imap!;
    const folder = imap.sentFolder!;
    await withImap(imap, async (client) => {
      if (messageId && (await inFolder(client, folder, messageId))) return;
      if (!(await client.append(folder, raw, ['\\Seen']))) throw new Error(`The server refused the message for ${folder}`);
    });
  }
}
