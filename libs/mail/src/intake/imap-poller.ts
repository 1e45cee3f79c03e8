import { APP_CONFIG, AppConfig, Clock } from '@madoguchi/core';
import { Mailbox, MailboxConnection, MailboxesService } from '@madoguchi/mailboxes';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ImapFlow } from 'imapflow';
import { DataSource, EntityManager, In } from 'typeorm';
import { readableConnectionError } from './imap-errors';
import { IntakeService } from './intake.service';
import { MailboxCursor, RawMessage } from './raw-message.entity';

const LEASE_MS = 5 * 60_000;
/** During a long poll the lease is extended this often: far inside LEASE_MS, and not once per group. */
const RENEW_MS = 30_000;
const MAX_BACKOFF_MS = 60 * 60_000;
const BATCH = 200;
/** Messages filed per transaction. */
const GROUP = 50;

export interface PollOutcome {
  status: 'done' | 'leased-elsewhere' | 'not-configured' | 'failed';
  fetched: number;
  error?: string;
}

/** Opens an IMAP client that never crashes the process on a socket error. */
export function imapClient(imap: NonNullable<MailboxConnection['imap']>): ImapFlow {
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.secure,
    auth: { user: imap.user, pass: imap.password },
    logger: false,
    emitLogs: false,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 5 * 60_000,
    // Loopback and private test servers run without certificates; STARTTLS is used when offered.
    tls: { rejectUnauthorized: false },
    disableAutoIdle: true,
  });
  // imapflow is an EventEmitter: without an error listener a socket timeout kills the process.
  client.on('error', () => undefined);
  return client;
}

/** A short IMAP conversation: connect, do one thing, always log out (or close) afterwards. */
export async function withImap<T>(imap: NonNullable<MailboxConnection['imap']>, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = imapClient(imap);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/**
 * One poll of one mailbox: under a lease in the database (so two instances never fetch the same
 * mailbox at once), from the stored UIDVALIDITY + last UID, never by flags or dates.
 */
@Injectable()
export class ImapPoller {
  private readonly logger = new Logger('ImapPoller');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly mailboxes: MailboxesService,
    private readonly intake: IntakeService,
    private readonly clock: Clock,
  ) {}

  async poll(mailboxId: number): Promise<PollOutcome> {
    const conn = await this.mailboxes.connection(mailboxId);
    if (!conn?.imap) return { status: 'not-configured', fetched: 0 };
    if (!(await this.acquireLease(mailboxId))) return { status: 'leased-elsewhere', fetched: 0 };
    let fetched = 0;
    const client = imapClient(conn.imap);
    try {
      await client.connect();
      const lock = await client.getMailboxLock(conn.imap.folder);
      try {
        fetched = await this.fetchNew(client, conn);
      } finally {
        lock.release();
      }
      const now = this.clock.now();
      await this.dataSource.getRepository(Mailbox).update(
        { id: mailboxId },
        { lastFetchAt: now, lastError: null, lastErrorAt: null, consecutiveFailures: 0, nextPollAt: new Date(now.getTime() + conn.pollIntervalSec * 1000) },
      );
      return { status: 'done', fetched };
    } catch (e) {
      const error = readableConnectionError(e, conn.imap.host, conn.imap.port);
      await this.recordFailure(mailboxId, conn.pollIntervalSec, error);
      this.logger.warn(`mailbox ${mailboxId}: ${error}`);
      return { status: 'failed', fetched, error };
    } finally {
      await client.logout().catch(() => client.close());
      await this.releaseLease(mailboxId);
    }
  }

  private async fetchNew(client: ImapFlow, conn: MailboxConnection): Promise<number> {
    const folder = conn.imap!.folder;
    const box = client.mailbox;
    if (!box) throw new Error(`Folder ${folder} could not be opened`);
    const uidValidity = Number(box.uidValidity);
    const cursors = this.dataSource.getRepository(MailboxCursor);
    let cursor = await cursors.findOneBy({ mailboxId: conn.id, folder });
    if (!cursor || cursor.uidValidity !== uidValidity) {
      // A new UIDVALIDITY renumbers the folder: read it all again. Messages already filed are
      // recognised by their content key and become duplicates, not new tickets.
      if (cursor) this.logger.warn(`mailbox ${conn.id}: UIDVALIDITY of ${folder} changed ${cursor.uidValidity} → ${uidValidity}; rescanning`);
      cursor = cursors.create({ mailboxId: conn.id, folder, uidValidity, lastUid: 0, updatedAt: this.clock.now() });
      await cursors.save(cursor);
    }
    if (box.exists === 0) return 0;
    const uids = ((await client.search({ uid: `${cursor.lastUid + 1}:*` }, { uid: true })) || []).filter((u) => u > cursor!.lastUid).sort((a, b) => a - b);
    let fetched = 0;
    const raws = this.dataSource.getRepository(RawMessage);
    const load = async (batch: number[]) => {
      // UIDs filed already (by an instance that died before moving the cursor, or a lost lease).
      const known = new Set(
        (await raws.find({ select: { uid: true }, where: { mailboxId: conn.id, folder, uidValidity, uid: In(batch) } })).map((r) => r.uid),
      );
      const wanted = batch.filter((u) => !known.has(u));
      const messages: { uid: number; source: Buffer }[] = [];
      if (wanted.length) {
        for await (const msg of client.fetch(wanted.join(','), { uid: true, source: true }, { uid: true })) {
          if (msg.source) messages.push({ uid: msg.uid, source: msg.source });
        }
      }
      return { batch, messages: messages.sort((a, b) => a.uid - b.uid) };
    };
    const batches: number[][] = [];
    for (let i = 0; i < uids.length; i += BATCH) batches.push(uids.slice(i, i + BATCH));
    // Groups commit one after another, each after the one before it has run its afterEach: a
    // lease renewal there would be one more round trip between every two commits.
    let renewedAt = this.clock.now().getTime();
    const renewLease = async () => {
      if (this.clock.now().getTime() - renewedAt < RENEW_MS) return;
      await this.renewLease(conn.id);
      renewedAt = this.clock.now().getTime();
    };
    // The next batch is fetched from IMAP while this one is filed: filing uses no IMAP command,
    // so the one connection is never asked two things at once.
    let next = batches.length ? load(batches[0]) : null;
    for (let k = 0; k < batches.length; k++) {
      const { batch, messages } = await next!;
      next = k + 1 < batches.length ? load(batches[k + 1]) : null;
      try {
        const groups = [];
        for (let j = 0; j < messages.length; j += GROUP) {
          groups.push(
            messages.slice(j, j + GROUP).map((msg) => ({
              raw: msg.source,
              origin: { kind: 'imap' as const, folder, uidValidity, uid: msg.uid },
              // The cursor moves in the same transaction that files the message.
              inTransaction: (m: EntityManager) => m.update(MailboxCursor, { mailboxId: conn.id, folder }, { lastUid: msg.uid, updatedAt: this.clock.now() }).then(() => undefined),
            })),
          );
        }
        await this.intake.ingestGroups(conn, groups, renewLease);
        fetched += messages.length;
        const last = batch[batch.length - 1];
        await cursors.createQueryBuilder().update().set({ lastUid: last, updatedAt: this.clock.now() }).where('mailbox_id = :id AND folder = :folder AND last_uid < :last', { id: conn.id, folder, last }).execute();
        await renewLease();
      } catch (e) {
        await next?.catch(() => undefined);
        throw e;
      }
    }
    return fetched;
  }

  private async acquireLease(mailboxId: number): Promise<boolean> {
    const now = this.clock.now();
    const res = await this.dataSource
      .createQueryBuilder()
      .update(Mailbox)
      .set({ leaseOwner: this.config.instanceId, leaseUntil: new Date(now.getTime() + LEASE_MS) })
      .where('id = :id', { id: mailboxId })
      .andWhere('(lease_owner IS NULL OR lease_until < :now OR lease_owner = :me)', { now, me: this.config.instanceId })
      .execute();
    return (res.affected ?? 0) > 0;
  }

  /** Extends the lease, or stops this poll if another instance has taken the mailbox over. */
  private async renewLease(mailboxId: number): Promise<void> {
    const res = await this.dataSource.getRepository(Mailbox).update({ id: mailboxId, leaseOwner: this.config.instanceId }, { leaseUntil: new Date(this.clock.now().getTime() + LEASE_MS) });
    if (!res.affected) throw new Error('Lost the mailbox lease to another instance; stopping this poll');
  }

  private async releaseLease(mailboxId: number): Promise<void> {
    await this.dataSource.getRepository(Mailbox).update({ id: mailboxId, leaseOwner: this.config.instanceId }, { leaseOwner: null, leaseUntil: null });
  }

  private async recordFailure(mailboxId: number, intervalSec: number, error: string): Promise<void> {
    const row = await this.dataSource.getRepository(Mailbox).findOneBy({ id: mailboxId });
    const failures = (row?.consecutiveFailures ?? 0) + 1;
    const now = this.clock.now();
    // Back off: the interval doubled per consecutive failure, at most an hour.
    const delay = Math.min(intervalSec * 1000 * 2 ** Math.min(failures - 1, 10), MAX_BACKOFF_MS);
    await this.dataSource.getRepository(Mailbox).update({ id: mailboxId }, { lastError: error, lastErrorAt: now, consecutiveFailures: failures, nextPollAt: new Date(now.getTime() + delay) });
  }
}
