import { APP_CONFIG, AppConfig, BLOB_STORAGE, BlobStorage, Clock, insertRows, StoredBlob } from '@madoguchi/core';
import { InboundSession, StoredAttachment, TicketEvents, TicketsService } from '@madoguchi/tickets';
import { fromEmail, InboundEmail } from './inbound-email';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager, In, QueryFailedError } from 'typeorm';
import { classifyMessage, parseMessage, ParsedMessage } from '../parsing';
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

export type TxHook = (m: EntityManager) => Promise<void>;
type MailboxRef = { id: number; address: string };

export interface IngestItem {
  raw: Buffer;
  origin: RawOrigin;
}

/** Messages filed in one transaction, and what else that transaction does (the IMAP cursor). */
export interface IngestGroup {
  items: IngestItem[];
  inTransaction?: TxHook;
}

interface Prepared {
  item: IngestItem;
  row: RawMessage;
  state: 'mail' | 'quarantined' | 'oversized';
  error?: string;
  mail?: InboundEmail;
  contentKey?: string;
}

/** Deadlocks, lock timeouts, a busy SQLite, a lost connection: worth trying again later. */
function isTemporary(e: unknown): boolean {
  const err = ((e instanceof QueryFailedError ? e.driverError : e) ?? {}) as { code?: string; errno?: number };
  return ['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY', 'ECONNRESET', 'ECONNREFUSED', 'PROTOCOL_CONNECTION_LOST', 'ETIMEDOUT'].includes(err.code ?? '');
}

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

  /** Files one message pushed to us (SMTP/LMTP, tests): a group of one, see ingestStream. */
  async ingest(mailbox: MailboxRef, raw: Buffer, origin: RawOrigin): Promise<IngestResult> {
    return (await this.commit(mailbox, await this.prepareMany(mailbox, [{ raw, origin }])))[0];
  }

  /**
   * Files a message already streamed to storage because it is over the size limit (direct
   * delivery): kept raw and flagged oversized like any other, without its bytes in memory.
   */
  async ingestOversized(mailbox: MailboxRef, blob: StoredBlob, origin: RawOrigin): Promise<IngestResult> {
    const item: IngestItem = { raw: Buffer.alloc(0), origin };
    const row = Object.assign(this.newRow(mailbox, item, blob), { size: blob.size });
    const { prepared } = await this.parseRow(mailbox, row, item.raw, item);
    return (await this.commit(mailbox, [prepared]))[0];
  }

  /**
   * Groups as they arrive, in order, each committed in its own transaction once the one before
   * it has committed; up to `lookahead` later groups are prepared (raw bytes stored durably in one
   * pack, then parsed) meanwhile, so parsing fills the time the database takes to commit. A
   * group's raw_message rows, tickets and articles and its `inTransaction` hook (the IMAP cursor
   * past the group) commit together, so the database syncs once per group; a group without items
   * still runs its hook. If a group fails, each message is tried on its own (one bad message never
   * holds the others back), then the hook runs. If a commit fails for a temporary reason, the
   * groups prepared ahead are dropped (their packs stay unreferenced) and the error is thrown:
   * nothing after the last commit counts as filed, and the messages are fetched again.
   */
  async ingestStream(mailbox: MailboxRef, groups: AsyncIterable<IngestGroup>, opts: { lookahead?: number; afterEach?: (filed: IngestResult[]) => Promise<void>; onStop?: () => void } = {}): Promise<IngestResult[]> {
    const results: IngestResult[] = [];
    // One session for the stream (a poll takes seconds): tickets reads the mailbox's rules once,
    // and rules changed meanwhile apply from the next poll.
    const session = new InboundSession();
    const source = groups[Symbol.asyncIterator]();
    // Groups are fetched and their blobs written side by side, but parsed one after another:
    // parsed side by side, the first group would be ready only when all of them were, and the
    // database would wait for it. Each pull takes its turn to parse when it starts.
    let parsing: Promise<unknown> = Promise.resolve();
    const pull = () => {
      const turn = parsing;
      let done!: () => void;
      parsing = new Promise<void>((resolve) => (done = resolve));
      return (async () => {
        try {
          const next = await source.next();
          return next.done ? null : { prepared: await this.prepareMany(mailbox, next.value.items, turn, done), hook: next.value.inTransaction };
        } finally {
          done();
        }
      })();
    };
    const ahead: ReturnType<typeof pull>[] = [];
    const fill = () => {
      while (ahead.length < 1 + (opts.lookahead ?? 2)) {
        const next = pull();
        // Observed now, so a group failing while an earlier one commits is no unhandled
        // rejection; the loop still meets the error when it reaches that group.
        next.catch(() => undefined);
        ahead.push(next);
      }
    };
    try {
      fill();
      for (;;) {
        const group = await ahead.shift()!;
        if (!group) break;
        fill();
        const filed = await this.commit(mailbox, group.prepared, group.hook, session);
        results.push(...filed);
        await opts.afterEach?.(filed);
      }
    } finally {
      // The source is told first (so it stops fetching), then what was asked of it is waited for
      // and it is closed, so nothing of this stream runs on after it returns.
      opts.onStop?.();
      await Promise.allSettled(ahead);
      await source.return?.();
    }
    return results;
  }

  /**
   * A group made ready outside any transaction: the raw messages stored first, in one pack, then
   * each parsed and classified, then all their attachments stored in a second pack.
   */
  private async prepareMany(mailbox: MailboxRef, items: IngestItem[], turn?: Promise<unknown>, parsedAll?: () => void): Promise<Prepared[]> {
    const raws = await this.blobs.putMany(items.map((item) => item.raw));
    await turn;
    const parsed = await Promise.all(items.map((item, i) => this.parseRow(mailbox, this.newRow(mailbox, item, raws[i]), item.raw, item)));
    parsedAll?.();
    await this.storeAttachments(parsed);
    return parsed.map((p) => p.prepared);
  }

  private async commit(mailbox: MailboxRef, prepared: Prepared[], groupHook?: TxHook, session?: InboundSession): Promise<IngestResult[]> {
    let results: IngestResult[];
    try {
      results = await this.dataSource.transaction(async (m) => {
        const out = prepared.length ? await this.writeGroup(m, mailbox, prepared, session) : [];
        await groupHook?.(m);
        return out;
      });
    } catch (e) {
      if (isTemporary(e)) throw e;
      results = [];
      for (const p of prepared) results.push(await this.alone(mailbox, p));
      if (groupHook) await this.dataSource.transaction(groupHook);
    }
    for (const r of results) if (r.ticketId && r.state === 'ingested') this.events.changed(r.ticketId, mailbox.id);
    return results;
  }

  /** Files a stored message again: a retry from quarantine, or one left pending. */
  async process(mailbox: MailboxRef, row: RawMessage): Promise<IngestResult> {
    const raw = await this.blobs.read(row.blobKey!);
    const parsed = await this.parseRow(mailbox, row, raw, { raw, origin: { kind: 'smtp' } });
    await this.storeAttachments([parsed]);
    const p = parsed.prepared;
    const result = await this.dataSource.transaction((m) => this.write(m, mailbox, p));
    if (result.ticketId && result.state === 'ingested') this.events.changed(result.ticketId, mailbox.id);
    return result;
  }

  /**
   * One message on its own, after its group failed. Another fetcher having filed the same UID, or
   * the same message, makes it a skip or a duplicate; a temporary database error fails the poll
   * (it is retried, the cursor has not moved); anything else about this message quarantines it
   * with its raw kept, so one bad message never blocks the mailbox.
   */
  private async alone(mailbox: MailboxRef, p: Prepared): Promise<IngestResult> {
    const once = () => {
      p.row = this.freshRow(p.row);
      return this.dataSource.transaction((m) => this.write(m, mailbox, p));
    };
    try {
      return await once();
    } catch (e) {
      const o = p.item.origin;
      if (o.kind === 'imap' && isUniqueViolation(e)) {
        const other = await this.dataSource.getRepository(RawMessage).findOneBy({ mailboxId: mailbox.id, folder: o.folder, uidValidity: o.uidValidity, uid: o.uid });
        if (other) return { rawMessageId: other.id, state: other.state, ticketId: other.ticketId, createdTicket: false };
      }
      if (isUniqueViolation(e)) return once(); // the same message filed meanwhile: now a duplicate
      if (isTemporary(e)) throw e;
      const error = `Could not be filed: ${(e as Error).message}`.slice(0, 2000);
      this.logger.error(`mailbox ${mailbox.id}: ${error}`);
      Object.assign(p, { state: 'quarantined', error });
      return once();
    }
  }

  /** The row as it was before a rolled-back attempt wrote ids and states into it. */
  private freshRow(row: RawMessage): RawMessage {
    const copy = this.dataSource.getRepository(RawMessage).create({ ...row, state: 'pending', ticketId: null, articleId: null, messageId: null });
    delete (copy as Partial<RawMessage>).id;
    return copy;
  }

  private newRow(mailbox: MailboxRef, item: IngestItem, blob: StoredBlob): RawMessage {
    const o = item.origin;
    return this.dataSource.getRepository(RawMessage).create({
      mailboxId: mailbox.id,
      source: o.kind,
      folder: o.kind === 'imap' ? o.folder : null,
      uidValidity: o.kind === 'imap' ? o.uidValidity : null,
      uid: o.kind === 'imap' ? o.uid : null,
      blobKey: blob.key,
      size: item.raw.length,
      sha256: blob.sha256,
      messageId: null,
      state: 'pending',
      error: null,
      ticketId: null,
      articleId: null,
      receivedAt: this.clock.now(),
      processedAt: null,
    });
  }

  /** Parsing and classification: everything that needs no transaction. Attachments come back unstored. */
  private async parseRow(mailbox: MailboxRef, row: RawMessage, raw: Buffer, item: IngestItem): Promise<{ prepared: Prepared; contents: Buffer[] }> {
    if (row.size > this.config.mail.maxMessageBytes) {
      const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
      return { prepared: { item, row, state: 'oversized', error: `The message is ${mb(row.size)} MB, over the ${mb(this.config.mail.maxMessageBytes)} MB limit: kept raw, not parsed` }, contents: [] };
    }
    let parsed: ParsedMessage;
    try {
      parsed = await parseMessage(raw);
    } catch (e) {
      const error = `Could not parse this message: ${(e as Error).message}`;
      this.logger.warn(`mailbox ${mailbox.id}: message quarantined (${error})`);
      return { prepared: { item, row, state: 'quarantined', error }, contents: [] };
    }
    const classification = classifyMessage(parsed, [mailbox.address]);
    const attachments: StoredAttachment[] = parsed.attachments.map((a) => ({
      filename: a.filename.slice(0, 255),
      contentType: a.contentType.slice(0, 255),
      size: a.size,
      blobKey: '',
      contentId: a.contentId?.slice(0, 255) ?? null,
      inline: a.inline,
      forwarded: a.message ? { ...a.message, date: a.message.date?.toISOString() ?? null } : null,
    }));
    if (classification.kind === 'abuse_report') {
      // An ARF report (a recipient pressed "spam"): filed like a bounce, on the ticket of the
      // reported mail and never as a customer's inquiry; the log says so for whoever watches it.
      const feedback = classification.bounce?.feedback;
      this.logger.warn(`mailbox ${mailbox.id}: abuse report (${feedback?.feedbackType ?? 'unknown type'}) from ${parsed.from?.address || 'unknown sender'} about ${classification.bounce?.originalMessageId ?? 'an unknown message'}`);
    }
    const mail: InboundEmail = {
      mailboxId: mailbox.id,
      rawMessageId: null,
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
      receivedAt: this.clock.now(),
    };
    return { prepared: { item, row, state: 'mail', mail, contentKey: this.contentKey(parsed, raw) }, contents: parsed.attachments.map((a) => a.content) };
  }

  /** The attachments of a whole group in one pack; their keys go on the parsed mail. */
  private async storeAttachments(parsed: { prepared: Prepared; contents: Buffer[] }[]): Promise<void> {
    const blobs = await this.blobs.putMany(parsed.flatMap((p) => p.contents));
    let k = 0;
    for (const { prepared } of parsed) for (const a of prepared.mail?.attachments ?? []) a.blobKey = blobs[k++].key;
  }

  /**
   * A group in one go: the dedupe keys looked up in one query, the raw rows written with one
   * multi-row INSERT (so each article records its raw message), the new messages filed with one
   * call into tickets, then the rows' outcome in one UPDATE and the dedupe keys in one INSERT.
   */
  private async writeGroup(m: EntityManager, mailbox: MailboxRef, group: Prepared[], session?: InboundSession): Promise<IngestResult[]> {
    const now = this.clock.now();
    const keys = group.filter((p) => p.state === 'mail').map((p) => p.contentKey!);
    const knownRows = keys.length ? await m.findBy(MailDedupe, { mailboxId: mailbox.id, contentKey: In(keys) }) : [];
    const knownTickets = new Map<string, number | null>();
    if (knownRows.length) {
      const originals = await m.findBy(RawMessage, { id: In(knownRows.map((k) => k.rawMessageId)) });
      for (const k of knownRows) knownTickets.set(k.contentKey, originals.find((o) => o.id === k.rawMessageId)?.ticketId ?? null);
    }
    // Sort the group out first: new mail to deliver, and copies of mail filed before or earlier in the group.
    const deliver: number[] = [];
    const firstInGroup = new Map<string, number>();
    const copyOf = new Map<number, number>();
    for (const [index, p] of group.entries()) {
      Object.assign(p.row, { processedAt: now, error: p.error ?? null });
      if (p.state !== 'mail') {
        p.row.state = p.state;
        continue;
      }
      p.row.messageId = p.mail!.messageId;
      // One time for the group: parsed side by side, the messages finished in no particular
      // order, and the timeline must follow the mailbox's order (then the ids).
      p.mail!.receivedAt = now;
      const key = p.contentKey!;
      if (knownTickets.has(key)) {
        // The same message was filed before (fetched twice, pushed and polled, a new UIDVALIDITY).
        Object.assign(p.row, { state: 'duplicate', ticketId: knownTickets.get(key) ?? null });
      } else if (firstInGroup.has(key)) {
        copyOf.set(index, firstInGroup.get(key)!);
      } else {
        firstInGroup.set(key, index);
        deliver.push(index);
      }
    }

    // The rows first (what is delivered still pending), so that each article names its raw message.
    const ids = await insertRows(m, RawMessage, group.map((p) => p.row));
    group.forEach((p, i) => (p.row.id = ids[i]));
    const delivered = await this.tickets.receive(m, deliver.map((i) => fromEmail({ ...group[i].mail!, rawMessageId: group[i].row.id }, group[i].contentKey!)), { session });
    const created = new Map<number, boolean>();
    deliver.forEach((i, k) => {
      const d = delivered[k];
      Object.assign(group[i].row, { state: d.duplicate ? 'duplicate' : 'ingested', ticketId: d.ticketId, articleId: d.duplicate ? null : d.articleId });
      created.set(i, d.createdTicket);
    });
    for (const [i, original] of copyOf) Object.assign(group[i].row, { state: 'duplicate', ticketId: group[original].row.ticketId });
    await this.settleRows(m, [...deliver, ...copyOf.keys()].map((i) => group[i].row));
    // The key also settles a race between two copies arriving at once: the second insert fails.
    await insertRows(m, MailDedupe, deliver.map((i) => ({ mailboxId: mailbox.id, contentKey: group[i].contentKey!, rawMessageId: group[i].row.id })));
    return group.map((p, i) => ({ rawMessageId: p.row.id, state: p.row.state, ticketId: p.row.ticketId, createdTicket: created.get(i) ?? false }));
  }

  /** The outcome of rows written as pending: state, ticket and article, for the whole group in one UPDATE. */
  private async settleRows(m: EntityManager, rows: RawMessage[]): Promise<void> {
    // 7 parameters a row: a chunk stays well under SQLite's 32,766 per statement.
    for (let start = 0; start < rows.length; start += 1000) {
      const chunk = rows.slice(start, start + 1000);
      const byId = `CASE id ${chunk.map(() => 'WHEN ? THEN ?').join(' ')} END`;
      const params = (column: 'state' | 'ticketId' | 'articleId') => chunk.flatMap((r) => [r.id, r[column]]);
      await m.query(
        `UPDATE raw_message SET state = ${byId}, ticket_id = ${byId}, article_id = ${byId} WHERE id IN (${chunk.map(() => '?').join(', ')})`,
        [...params('state'), ...params('ticketId'), ...params('articleId'), ...chunk.map((r) => r.id)],
      );
    }
  }

  private async write(m: EntityManager, mailbox: MailboxRef, p: Prepared): Promise<IngestResult> {
    const now = this.clock.now();
    if (p.state !== 'mail') {
      const saved = await m.save(RawMessage, Object.assign(p.row, { state: p.state, error: p.error, processedAt: now }));
      return { rawMessageId: saved.id, state: p.state, ticketId: null, createdTicket: false };
    }
    const mail = p.mail!;
    const saved = Object.assign(p.row, { messageId: mail.messageId, processedAt: now, error: null });
    // A retry updates its stored row; a new message is inserted (insert, not save: no read-back).
    if (saved.id) await m.save(RawMessage, saved);
    else saved.id = (await m.insert(RawMessage, saved)).identifiers[0].id as number;
    const first = await m.findOneBy(MailDedupe, { mailboxId: mailbox.id, contentKey: p.contentKey! });
    if (first) {
      // The same message was filed before (fetched twice, pushed and polled, a new UIDVALIDITY).
      const original = await m.findOneBy(RawMessage, { id: first.rawMessageId });
      await m.update(RawMessage, { id: saved.id }, { state: 'duplicate', ticketId: original?.ticketId ?? null });
      return { rawMessageId: saved.id, state: 'duplicate', ticketId: original?.ticketId ?? null, createdTicket: false };
    }
    // The key also settles a race between two copies arriving at once: the second insert fails.
    await m.insert(MailDedupe, { mailboxId: mailbox.id, contentKey: p.contentKey!, rawMessageId: saved.id });
    const [d] = await this.tickets.receive(m, [fromEmail({ ...mail, rawMessageId: saved.id }, p.contentKey!)]);
    const state = d.duplicate ? 'duplicate' : 'ingested';
    await m.update(RawMessage, { id: saved.id }, { state, ticketId: d.ticketId, articleId: d.duplicate ? null : d.articleId });
    return { rawMessageId: saved.id, state, ticketId: d.ticketId, createdTicket: d.createdTicket };
  }

  /**
   * Message-ID plus a hash of what the message says (sender, subject, body, attachments), not of its raw
   * bytes: the same mail fetched by IMAP and pushed by SMTP differs in its Received headers.
   */
  private contentKey(p: ParsedMessage, raw: Buffer): string {
    const h = createHash('sha256');
    if (p.messageId) {
      h.update(`id:${p.messageId}\n`);
      // No Date: a client re-sending the same message stamps a new one.
      h.update(`${p.from?.address ?? ''}\n${p.subject}\n${p.text}\n${p.attachments.map((a) => a.checksum).join(',')}`);
    } else {
      // Without a Message-ID only identical bytes are the same message.
      h.update('raw:').update(raw);
    }
    return h.digest('hex');
  }

}
