import {
  APP_CONFIG,
  AppConfig,
  BLOB_STORAGE,
  BlobStorage,
  ChannelAdapter,
  ChannelFailure,
  ChannelReceipt,
  ChannelRegistry,
  Clock,
  OutboundDraft,
  OutboxEntry,
  PreparedMessage,
  Recipient,
  SEND_INTERRUPTED,
} from '@madoguchi/core';
import { MailboxConnection, MailboxesService } from '@madoguchi/mailboxes';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ImapFlow } from 'imapflow';
import { randomUUID } from 'node:crypto';
import { DataSource, LessThanOrEqual } from 'typeorm';
import { withImap } from '../intake/imap-poller.job';
import { readableConnectionError } from '../intake/imap-errors';
import { EmailPayload } from './email-payload';
import { EmailSender } from './email-sender.service';
import { classifySendError, MailboxGoneError, SecretUnreadableError } from './send-errors';
import { CapturedMail } from './captured-mail.entity';
import { SentCopy } from './sent-copy.entity';

/** A Sent copy that could not be appended is tried again after 1, 2, 4 … minutes (at most an hour), ten times. */
const SENT_COPY_ATTEMPTS = 10;
const SENT_COPY_BACKOFF_MS = 60_000;
const SENT_COPY_LOCK_MS = 10 * 60_000;

export interface EmailReceipt extends ChannelReceipt {
  /** The message as sent, for the Sent folder. */
  raw: Buffer;
}

/** A new Message-ID in the domain of the mailbox that sends the mail (without angle brackets). */
export function newMessageId(mailboxAddress: string): string {
  return `${randomUUID()}@${mailboxAddress.split('@')[1] ?? 'madoguchi.invalid'}`;
}

const lower = (r: Recipient): Recipient => ({ address: r.address.trim().toLowerCase(), name: r.name ?? '' });

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
 * The email channel (house style: Channels): everything email-shaped lives here — the
 * Message-ID, In-Reply-To and References, the charset, MIME (EmailSender), SMTP errors as codes,
 * the IMAP Sent copy and the Sent-folder check after a crash. The outbox row's idempotency key
 * is the Message-ID.
 */
@Injectable()
export class EmailChannelAdapter implements ChannelAdapter<MailboxConnection, EmailReceipt> {
  readonly kind = 'email' as const;
  private readonly logger = new Logger('EmailChannel');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(BLOB_STORAGE) private readonly blobs: BlobStorage,
    private readonly mailboxes: MailboxesService,
    private readonly sender: EmailSender,
    private readonly clock: Clock,
    registry: ChannelRegistry,
  ) {
    registry.register(this);
  }

  channel(mailboxId: number): Promise<MailboxConnection | null> {
    // A stored password that no longer decrypts is reported when sending, as its own code.
    return this.mailboxes.connection(mailboxId, { unreadableSecrets: 'mark' });
  }

  canSend(channel: MailboxConnection | null): boolean {
    return !!channel && (!!channel.smtp || this.config.mail.capture);
  }

  identity(channel: MailboxConnection): Recipient {
    return { address: channel.address, name: channel.name };
  }

  verify(channel: MailboxConnection, timeoutMs?: number): Promise<void> {
    return this.sender.verify(channel, timeoutMs);
  }

  prepare(channel: MailboxConnection, draft: OutboundDraft): PreparedMessage {
    const messageId = newMessageId(channel.address);
    const inReplyTo = draft.answers?.externalId ?? null;
    const references = [...(draft.answers?.ancestry ?? []), ...(inReplyTo ? [inReplyTo] : [])].slice(-20);
    const payload: EmailPayload = {
      from: draft.from ? lower(draft.from) : { address: channel.address, name: channel.name },
      replyTo: draft.replyTo ? lower(draft.replyTo) : null,
      to: draft.to.map(lower),
      cc: draft.cc.map(lower),
      bcc: draft.bcc.map(lower),
      subject: draft.subject,
      text: draft.text,
      ...(draft.html ? { html: draft.html } : {}),
      inReplyTo,
      references,
      charset: channel.outgoingCharset,
      ...(draft.attachments.length ? { attachments: draft.attachments } : {}),
    };
    return {
      idempotencyKey: messageId,
      target: payload.to[0]?.address ?? null,
      payload: JSON.stringify(payload),
      externalId: messageId,
      thread: { parent: inReplyTo, ancestry: references },
    };
  }

  async send(channel: MailboxConnection | null, row: OutboxEntry): Promise<EmailReceipt> {
    if (!channel) throw new MailboxGoneError();
    if (channel.smtp?.passwordUnreadable) throw new SecretUnreadableError();
    const receipt = await this.sender.send(channel, JSON.parse(row.payload) as EmailPayload, row.idempotencyKey, row.id);
    return {
      captured: !!receipt.captured,
      note: receipt.rejected.length ? `Sent, but the server refused: ${receipt.rejected.join(', ')}` : null,
      raw: receipt.raw,
    };
  }

  classify(e: unknown, channel: MailboxConnection | null): ChannelFailure {
    const kind = classifySendError(e);
    const detail = channel?.smtp ? readableConnectionError(e, channel.smtp.host, channel.smtp.port) : (e as Error).message;
    return { ...kind, detail: kind.code === 'SMTP_INTERRUPTED' ? `${SEND_INTERRUPTED} (${detail})` : detail };
  }

  async confirm(channel: MailboxConnection | null, row: OutboxEntry): Promise<'sent' | 'captured' | 'unknown' | 'later'> {
    // Kept locally before the crash: its captured_mail row says so (one per outbox row).
    if (await this.dataSource.getRepository(CapturedMail).existsBy({ outboxId: row.id })) return 'captured';
    const folder = channel?.imap?.sentFolder;
    if (!channel?.imap || !folder || channel.imap.passwordUnreadable) return 'unknown';
    try {
      return (await withImap(channel.imap, (client) => inFolder(client, folder, row.idempotencyKey))) ? 'sent' : 'unknown';
    } catch (e) {
      this.logger.warn(`outbox ${row.id}: could not check the Sent folder: ${(e as Error).message}`);
      return 'later';
    }
  }

  /** The sent message into the mailbox's Sent folder; kept and tried again later if that fails. Captured mail was not sent: no copy. */
  async afterSent(channel: MailboxConnection | null, row: OutboxEntry, receipt: EmailReceipt): Promise<void> {
    const imap = channel?.imap;
    if (receipt.captured || !imap?.sentFolder || imap.passwordUnreadable) return;
    try {
      await this.appendOnce(channel!, receipt.raw);
    } catch (e) {
      const error = readableConnectionError(e, imap.host, imap.port);
      this.logger.warn(`outbox ${row.id}: could not append to ${imap.sentFolder}, will try again: ${error}`);
      try {
        const blob = await this.blobs.put(receipt.raw);
        const now = this.clock.now();
        await this.dataSource.getRepository(SentCopy).save({ outboxId: row.id, state: 'pending', blobKey: blob.key, attempts: 1, dueAt: new Date(now.getTime() + SENT_COPY_BACKOFF_MS) });
      } catch (e2) {
        this.logger.error(`outbox ${row.id}: the Sent copy could not be kept for another try: ${(e2 as Error).message}`);
      }
    }
  }

  /** Sent copies whose append failed, when due: appended unless the Sent folder has the message already. */
  async sweep(): Promise<void> {
    const repo = this.dataSource.getRepository(SentCopy);
    const now = this.clock.now();
    const due = await repo.find({ where: { state: 'pending', dueAt: LessThanOrEqual(now) }, order: { dueAt: 'ASC' }, take: 5 });
    for (const copy of due) {
      // Claimed by moving its due time on, so two instances do not append the same copy.
      const claimed = await repo.update({ outboxId: copy.outboxId, state: 'pending', dueAt: LessThanOrEqual(now) }, { dueAt: new Date(this.clock.now().getTime() + SENT_COPY_LOCK_MS) });
      if (!claimed.affected) continue;
      const row = await this.dataSource.getRepository(OutboxEntry).findOneBy({ id: copy.outboxId });
      const conn = row ? await this.channel(row.mailboxId).catch(() => null) : null;
      const folder = conn?.imap?.sentFolder;
      if (!row || !conn?.imap || !folder) {
        await this.giveUp(copy, row, 'Sent, but the mailbox no longer has a Sent folder for the copy');
        continue;
      }
      try {
        await this.appendOnce(conn, await this.blobs.read(copy.blobKey!), row.idempotencyKey);
        await repo.update({ outboxId: copy.outboxId }, { state: 'done', blobKey: null, dueAt: null });
        // The kept copy is no longer needed (content-addressed: the same bytes kept for another row stay).
        if (!(await repo.countBy({ blobKey: copy.blobKey! }))) await this.blobs.delete(copy.blobKey!);
      } catch (e) {
        const error = readableConnectionError(e, conn.imap.host, conn.imap.port);
        const attempts = copy.attempts + 1;
        if (attempts >= SENT_COPY_ATTEMPTS) {
          await repo.update({ outboxId: copy.outboxId }, { attempts });
          await this.giveUp({ ...copy, attempts }, row, `Sent, but the copy could not be put in ${folder}: ${error}`);
          this.logger.error(`outbox ${row.id}: gave up appending to ${folder}: ${error}`);
        } else {
          const delay = Math.min(SENT_COPY_BACKOFF_MS * 2 ** (attempts - 1), 60 * 60_000);
          await repo.update({ outboxId: copy.outboxId }, { attempts, dueAt: new Date(this.clock.now().getTime() + delay) });
          this.logger.warn(`outbox ${row.id}: could not append to ${folder} (attempt ${attempts}): ${error}`);
        }
      }
    }
  }

  /** The copy stays failed; the outbox row's note says why (the message itself was sent). */
  private async giveUp(copy: SentCopy, row: OutboxEntry | null, note: string): Promise<void> {
    await this.dataSource.getRepository(SentCopy).update({ outboxId: copy.outboxId }, { state: 'failed', dueAt: null });
    if (row) await this.dataSource.getRepository(OutboxEntry).update({ id: row.id }, { lastError: row.lastError ? `${row.lastError}; ${note}` : note, updatedAt: this.clock.now() });
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
