import { APP_CONFIG, AppConfig, BLOB_STORAGE, BlobStorage, Clock, OutboxEntry, SYSTEM_ACTOR } from '@madoguchi/core';
import { MailboxConnection, MailboxesService } from '@madoguchi/mailboxes';
import { Article, EmailPayload, RepliesService, TicketEvents } from '@madoguchi/tickets';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ImapFlow } from 'imapflow';
import { DataSource, LessThan, LessThanOrEqual } from 'typeorm';
import { withImap } from '../intake/imap-poller';
import { readableConnectionError } from '../intake/imap-errors';
import { EmailSender, PermanentSendError, SendReceipt } from './email-sender';

/** Longer than the slowest SMTP conversation allowed by the sender's timeouts. */
const SEND_LOCK_MS = 10 * 60_000;
const RECHECK_MS = 5 * 60_000;
const INTERRUPTED = 'Sending was interrupted; it could not be confirmed whether the message went out. Check with the recipient before sending again.';
const MAX_ATTEMPTS = 8;
/** A Sent copy that could not be appended is tried again after 1, 2, 4 … minutes (at most an hour), ten times. */
const SENT_COPY_ATTEMPTS = 10;
const SENT_COPY_BACKOFF_MS = 60_000;

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
    private readonly replies: RepliesService,
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
      if (!conn) throw new PermanentSendError('The mailbox no longer exists');
      receipt = await this.sender.send(conn, payload, row.messageId, row.id);
    } catch (e) {
      const error = conn?.smtp ? readableConnectionError(e, conn.smtp.host, conn.smtp.port) : (e as Error).message;
      const now = this.clock.now();
      // Lost after the message text went out: the server may have taken it. Not resent blindly.
      const ambiguous = (e as { command?: string; responseCode?: number }).command === 'DATA' && !(e as { responseCode?: number }).responseCode;
      const permanent = e instanceof PermanentSendError || ambiguous || row.attempts >= MAX_ATTEMPTS;
      if (permanent) {
        await this.dataSource.transaction(async (m) => {
          const reason = ambiguous ? `${INTERRUPTED} (${error})` : error;
          const res = await m.update(OutboxEntry, mine, { state: 'failed', lastError: reason, lockOwner: null, lockedUntil: null, updatedAt: now });
          if (res.affected && row.articleId) await m.update(Article, { id: row.articleId }, { status: 'failed' });
        });
      } else {
        // Exponential backoff: 30 s, 1, 2, 4 … minutes.
        const delay = 30_000 * 2 ** (row.attempts - 1);
        await repo.update(mine, { state: 'pending', lastError: error, dueAt: new Date(now.getTime() + delay), lockOwner: null, lockedUntil: null, updatedAt: now });
      }
      this.logger.warn(`outbox ${id}: ${permanent ? 'failed' : 'will retry'}: ${error}`);
      if (row.ticketId) this.events.changed(row.ticketId, row.mailboxId);
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

  /** `captured`: kept locally by the embedded default instead of sent; the article says so (ローカルに保存（未送信）), never 送信済. */
  private async markSent(row: OutboxEntry, note: string | null = null, captured = false): Promise<void> {
    const now = this.clock.now();
    await this.dataSource.transaction(async (m) => {
      // Ticket first, then outbox and article: the order intake locks them in, so the two never deadlock.
      // The reply machine takes SENT and the ticket REPLY_SENT (handled, unless the customer wrote since).
      await this.replies.onSent(m, row, SYSTEM_ACTOR);
      await m.update(OutboxEntry, { id: row.id }, { state: 'sent', sentAt: now, lastError: note, lockOwner: null, lockedUntil: null, updatedAt: now });
      if (row.articleId) await m.update(Article, { id: row.articleId }, { status: captured ? 'captured' : 'sent' });
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
        await this.dataSource.transaction(async (m) => {
          await m.update(OutboxEntry, { id: row.id, state: 'sending' }, { state: 'failed', lastError: INTERRUPTED, lockOwner: null, lockedUntil: null, updatedAt: now });
          if (row.articleId) await m.update(Article, { id: row.articleId }, { status: 'failed' });
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
