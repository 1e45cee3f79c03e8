import { APP_CONFIG, AppConfig, BLOB_STORAGE, BlobStorage, Clock } from '@madoguchi/core';
import { InboundEmail, StoredAttachment, TicketEvents, TicketsService } from '@madoguchi/tickets';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import { classifyMessage, parseMessage, ParsedMessage } from '../mime';
import { MailDedupe, RawMessage } from './raw-message.entity';

export type RawOrigin =
  | { kind: 'imap'; folder: string; uidValidity: number; uid: number }
  | { kind: 'smtp' };

export interface IngestResult {
  rawMessageId: number;
  state: RawMessage['state'];
  ticketId: number | null;
  createdTicket: boolean;
}

class AlreadyFiled extends Error {}

function isUniqueViolation(e: unknown): boolean {
  if (!(e instanceof QueryFailedError)) return false;
  const err = e.driverError as { code?: string; errno?: number; message?: string };
  return err.code === 'ER_DUP_ENTRY' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || err.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(err.message ?? '');
}

/**
 * The one path every inbound email takes, whichever way it came (IMAP, SMTP push, a retry):
 * stored raw first, then parsed, classified and filed on a ticket in one transaction. Every
 * step can be repeated without making a second ticket or article.
 */
@Injectable()
export class IntakeService {
  private readonly logger = new Logger('Intake');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(BLOB_STORAGE) private readonly blobs: BlobStorage,
    private readonly tickets: TicketsService,
    private readonly events: TicketEvents,
    private readonly clock: Clock,
  ) {}

  async ingest(mailbox: { id: number; address: string }, raw: Buffer, origin: RawOrigin): Promise<IngestResult> {
    const repo = this.dataSource.getRepository(RawMessage);
    let row =
      origin.kind === 'imap'
        ? await repo.findOneBy({ mailboxId: mailbox.id, folder: origin.folder, uidValidity: origin.uidValidity, uid: origin.uid })
        : null;
    if (row && row.state !== 'pending') return this.result(row, false);
    if (!row) {
      const blob = await this.blobs.put(raw);
      try {
        row = await repo.save(
          repo.create({
            mailboxId: mailbox.id,
            source: origin.kind,
            folder: origin.kind === 'imap' ? origin.folder : null,
            uidValidity: origin.kind === 'imap' ? origin.uidValidity : null,
            uid: origin.kind === 'imap' ? origin.uid : null,
            blobKey: blob.key,
            size: raw.length,
            sha256: blob.sha256,
            messageId: null,
            state: 'pending',
            error: null,
            ticketId: null,
            articleId: null,
            receivedAt: this.clock.now(),
            processedAt: null,
          }),
        );
      } catch (e) {
        // Another fetcher stored this very IMAP message first: it files it, we skip it.
        if (origin.kind === 'imap' && isUniqueViolation(e)) {
          const other = await repo.findOneByOrFail({ mailboxId: mailbox.id, folder: origin.folder, uidValidity: origin.uidValidity, uid: origin.uid });
          return this.result(other, false);
        }
        throw e;
      }
    }
    return this.process(mailbox, row, raw);
  }

  /** Files a stored message (first time, after a crash, or a retry from quarantine). */
  async process(mailbox: { id: number; address: string }, row: RawMessage, raw?: Buffer): Promise<IngestResult> {
    const repo = this.dataSource.getRepository(RawMessage);
    const now = this.clock.now();
    if (row.size > this.config.mail.maxMessageBytes) {
      const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
      await repo.update({ id: row.id }, { state: 'oversized', processedAt: now, error: `The message is ${mb(row.size)} MB, over the ${mb(this.config.mail.maxMessageBytes)} MB limit: kept raw, not parsed` });
      return { rawMessageId: row.id, state: 'oversized', ticketId: null, createdTicket: false };
    }
    const source = raw ?? (await this.blobs.read(row.blobKey!));

    let parsed: ParsedMessage;
    try {
      parsed = await parseMessage(source);
    } catch (e) {
      const error = `Could not parse this message: ${(e as Error).message}`;
      await repo.update({ id: row.id }, { state: 'quarantined', processedAt: now, error });
      this.logger.warn(`mailbox ${mailbox.id}: raw message ${row.id} quarantined (${error})`);
      return { rawMessageId: row.id, state: 'quarantined', ticketId: null, createdTicket: false };
    }

    const classification = classifyMessage(parsed, [mailbox.address]);
    const attachments: StoredAttachment[] = [];
    for (const a of parsed.attachments) {
      const blob = await this.blobs.put(a.content);
      attachments.push({ filename: a.filename.slice(0, 255), contentType: a.contentType.slice(0, 255), size: a.size, blobKey: blob.key, contentId: a.contentId?.slice(0, 255) ?? null, inline: a.inline });
    }
    const contentKey = this.contentKey(parsed, source);
    const mail: InboundEmail = {
      mailboxId: mailbox.id,
      rawMessageId: row.id,
      messageId: parsed.messageId?.slice(0, 255) ?? null,
      inReplyTo: parsed.inReplyTo,
      references: parsed.references,
      from: parsed.from,
      to: parsed.to,
      cc: parsed.cc,
      subject: parsed.subject,
      text: parsed.text,
      html: parsed.html,
      attachments,
      classification: classification.kind,
      bouncedMessageId: classification.bounce?.originalMessageId ?? null,
      receivedAt: now,
    };

    try {
      const delivered = await this.dataSource.transaction(async (m) => {
        // Looked up first so the common case raises no error; the key still settles a race.
        if (await m.existsBy(MailDedupe, { mailboxId: mailbox.id, contentKey })) throw new AlreadyFiled();
        await m.insert(MailDedupe, { mailboxId: mailbox.id, contentKey, rawMessageId: row.id });
        const d = await this.tickets.deliverInboundEmail(m, mail);
        await m.update(RawMessage, { id: row.id }, { state: 'ingested', ticketId: d.ticketId, articleId: d.articleId, messageId: mail.messageId, processedAt: now, error: null });
        return d;
      });
      this.events.changed(delivered.ticketId, mailbox.id);
      return { rawMessageId: row.id, state: 'ingested', ticketId: delivered.ticketId, createdTicket: delivered.createdTicket };
    } catch (e) {
      if (!(e instanceof AlreadyFiled) && !isUniqueViolation(e)) throw e;
      // The same message was filed before (fetched twice, pushed and polled, a new UIDVALIDITY).
      const first = await this.dataSource.getRepository(MailDedupe).findOneBy({ mailboxId: mailbox.id, contentKey });
      const original = first ? await repo.findOneBy({ id: first.rawMessageId }) : null;
      await repo.update({ id: row.id }, { state: 'duplicate', ticketId: original?.ticketId ?? null, messageId: mail.messageId, processedAt: now });
      return { rawMessageId: row.id, state: 'duplicate', ticketId: original?.ticketId ?? null, createdTicket: false };
    }
  }

  /**
   * Message-ID plus a hash of what the message says (sender, subject, date, body), not of its raw
   * bytes: the same mail fetched by IMAP and pushed by SMTP differs in its Received headers.
   */
  private contentKey(p: ParsedMessage, raw: Buffer): string {
    const h = createHash('sha256');
    if (p.messageId) {
      h.update(`id:${p.messageId}\n`);
      h.update(`${p.from?.address ?? ''}\n${p.subject}\n${p.date?.toISOString() ?? ''}\n${p.text}\n${p.attachments.map((a) => a.checksum).join(',')}`);
    } else {
      // Without a Message-ID only identical bytes are the same message.
      h.update('raw:').update(raw);
    }
    return h.digest('hex');
  }

  private result(row: RawMessage, createdTicket: boolean): IngestResult {
    return { rawMessageId: row.id, state: row.state, ticketId: row.ticketId, createdTicket };
  }
}
