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
const BATCH = 500;
/** Messages filed per transaction; the first groups of a poll are smaller (FIRST_GROUP, doubling). */
const GROUP = 100;
const FIRST_GROUP = 25;
/** How far the IMAP fetch may run ahead of intake. */
const MAX_AHEAD = 500;
const MAX_AHEAD_BYTES = 64 * 1024 * 1024;

export interface PollOutcome {
  status: 'done' | 'leased-elsewhere' | 'not-configured' | 'failed';
  fetched: number;
  error?: string;
}

/** Opens an IMAP client that never crashes the process on a socket error. */
export function imapClient(imap: NonNullable<MailboxConnection['imap']>, timeoutMs?: number): ImapFlow {
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.secure,
    auth: { user: imap.user, pass: imap.password },
    logger: false,
    emitLogs: false,
    connectionTimeout: timeoutMs ?? 15_000,
    greetingTimeout: timeoutMs ?? 15_000,
    socketTimeout: timeoutMs ?? 5 * 60_000,
    // Loopback and private test servers run without certificates; STARTTLS is used when offered.
    tls: { rejectUnauthorized: false },
    disableAutoIdle: true,
  });
  // imapflow is an EventEmitter: without an error listener a socket timeout kills the process.
  client.on('error', () => undefined);
  return client;
}

/** A short IMAP conversation: connect, do one thing, always log out (or close) afterwards. */
export async function withImap<T>(
  imap: NonNullable<MailboxConnection['imap']>,
  fn: (client: ImapFlow) => Promise<T>,
  timeoutMs?: number,
): Promise<T> {
  const client = imapClient(imap, timeoutMs);
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
        {
          lastFetchAt: now,
          lastError: null,
          lastErrorAt: null,
          consecutiveFailures: 0,
          nextPollAt: new Date(now.getTime() + conn.pollIntervalSec * 1000),
        },
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
      if (cursor)
        this.logger.warn(
          `mailbox ${conn.id}: UIDVALIDITY of ${folder} changed ${cursor.uidValidity} → ${uidValidity}; rescanning`,
        );
      cursor = cursors.create({
        mailboxId: conn.id,
        folder,
        uidValidity,
        lastUid: 0,
        updatedAt: this.clock.now(),
      });
      await cursors.save(cursor);
    }
    if (box.exists === 0) return 0;
    const uids = ((await client.search({ uid: `${cursor.lastUid + 1}:*` }, { uid: true })) || [])
      .filter((u) => u > cursor!.lastUid)
      .sort((a, b) => a - b);
    let fetched = 0;
    const raws = this.dataSource.getRepository(RawMessage);
    const batches: number[][] = [];
    for (let i = 0; i < uids.length; i += BATCH) batches.push(uids.slice(i, i + BATCH));
    const moveCursor = (lastUid: number | null) => async (m: EntityManager) => {
      if (lastUid !== null)
        await m.update(
          MailboxCursor,
          { mailboxId: conn.id, folder },
          { lastUid, updatedAt: this.clock.now() },
        );
    };
    type Fetched =
      | { kind: 'batch'; batch: number[]; wanted: number[] }
      | { kind: 'message'; uid: number; source: Buffer }
      | { kind: 'end' };
    /**
     * Reads the folder into a queue, one batch after another, without waiting for intake: the
     * socket keeps flowing while intake parses and commits. It pauses while the queue holds
     * MAX_AHEAD messages or MAX_AHEAD_BYTES, and stops when told to. UIDs filed before (by an
     * instance that died before moving the cursor, or a lost lease) are not fetched again.
     */
    const queue: Fetched[] = [];
    let queuedBytes = 0;
    let queuedMessages = 0;
    let fetchDone = false;
    let fetchError: unknown = null;
    let stopped = false;
    const wake: { reader?: () => void; fetcher?: () => void } = {};
    const put = (entry: Fetched) => {
      queue.push(entry);
      wake.reader?.();
    };
    const fetcher = (async () => {
      try {
        for (const batch of batches) {
          const known = new Set(
            (
              await raws.find({
                select: { uid: true },
                where: { mailboxId: conn.id, folder, uidValidity, uid: In(batch) },
              })
            ).map((r) => r.uid),
          );
          const wanted = batch.filter((u) => !known.has(u));
          put({ kind: 'batch', batch, wanted });
          if (wanted.length) {
            for await (const msg of client.fetch(
              wanted.join(','),
              { uid: true, source: true },
              { uid: true },
            )) {
              if (stopped) break;
              if (!msg.source) continue;
              queuedBytes += msg.source.length;
              queuedMessages++;
              put({ kind: 'message', uid: msg.uid, source: msg.source });
              while (!stopped && (queuedMessages >= MAX_AHEAD || queuedBytes >= MAX_AHEAD_BYTES))
                await new Promise<void>((r) => (wake.fetcher = r));
            }
          }
          if (stopped) return;
          put({ kind: 'end' });
        }
      } catch (e) {
        fetchError = e;
      } finally {
        fetchDone = true;
        wake.reader?.();
      }
    })();
    /**
     * The queue as groups of messages for intake. Each group moves the cursor in the transaction
     * that files it, only as far as every wanted UID up to there has been handed out — never
     * past mail not filed yet, even from a server that answers out of order; the batch's last
     * group moves it past the batch's end (past UIDs filed before and UIDs that vanished). Groups
     * before a fetch error are filed; then the error ends the poll.
     */
    async function* groups() {
      let wanted: number[] = [];
      let end = 0;
      let seen = new Set<number>();
      let done = 0;
      let pending: { uid: number; source: Buffer }[] = [];
      let yielded = 0;
      const group = (final: boolean) => {
        const items = pending
          .sort((x, y) => x.uid - y.uid)
          .map((msg) => ({
            raw: msg.source,
            origin: { kind: 'imap' as const, folder, uidValidity, uid: msg.uid },
          }));
        pending = [];
        yielded++;
        return { items, inTransaction: moveCursor(final ? end : done ? wanted[done - 1] : null) };
      };
      for (;;) {
        if (stopped) return; // intake has ended: nothing more is wanted
        while (!queue.length && !fetchDone) await new Promise<void>((r) => (wake.reader = r));
        wake.reader = undefined;
        const entry = queue.shift();
        if (!entry) {
          if (fetchError) throw fetchError;
          return;
        }
        if (entry.kind === 'batch') {
          ({ wanted } = entry);
          end = entry.batch[entry.batch.length - 1];
          seen = new Set();
          done = 0;
        } else if (entry.kind === 'message') {
          queuedBytes -= entry.source.length;
          queuedMessages--;
          wake.fetcher?.();
          wake.fetcher = undefined;
          pending.push(entry);
          seen.add(entry.uid);
          while (done < wanted.length && seen.has(wanted[done])) done++;
          // The first groups are small, so that the first commit starts early.
          if (pending.length >= Math.min(GROUP, FIRST_GROUP * 2 ** Math.min(yielded, 4)) && done < wanted.length)
            yield group(false);
        } else {
          yield group(true);
        }
      }
    }
    // The lease is renewed between commits, but only every RENEW_MS: once per group would be one
    // more round trip between every two commits.
    let renewedAt = this.clock.now().getTime();
    const stop = () => {
      stopped = true;
      wake.fetcher?.();
    };
    try {
      await this.intake.ingestStream(conn, groups(), {
        onStop: stop,
        afterEach: async (filed) => {
          fetched += filed.length;
          if (this.clock.now().getTime() - renewedAt < RENEW_MS) return;
          await this.renewLease(conn.id);
          renewedAt = this.clock.now().getTime();
        },
      });
    } finally {
      // However intake ended, the fetch stops too (and is waited for: one IMAP command at a time).
      stop();
      await fetcher;
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
      .andWhere('(lease_owner IS NULL OR lease_until < :now OR lease_owner = :me)', {
        now,
        me: this.config.instanceId,
      })
      .execute();
    return (res.affected ?? 0) > 0;
  }

  /** Extends the lease, or stops this poll if another instance has taken the mailbox over. */
  private async renewLease(mailboxId: number): Promise<void> {
    const res = await this.dataSource
      .getRepository(Mailbox)
      .update(
        { id: mailboxId, leaseOwner: this.config.instanceId },
        { leaseUntil: new Date(this.clock.now().getTime() + LEASE_MS) },
      );
    if (!res.affected) throw new Error('Lost the mailbox lease to another instance; stopping this poll');
  }

  private async releaseLease(mailboxId: number): Promise<void> {
    await this.dataSource
      .getRepository(Mailbox)
      .update({ id: mailboxId, leaseOwner: this.config.instanceId }, { leaseOwner: null, leaseUntil: null });
  }

  private async recordFailure(mailboxId: number, intervalSec: number, error: string): Promise<void> {
    const row = await this.dataSource.getRepository(Mailbox).findOneBy({ id: mailboxId });
    const failures = (row?.consecutiveFailures ?? 0) + 1;
    const now = this.clock.now();
    // Back off: the interval doubled per consecutive failure, at most an hour.
    const delay = Math.min(intervalSec * 1000 * 2 ** Math.min(failures - 1, 10), MAX_BACKOFF_MS);
    await this.dataSource.getRepository(Mailbox).update(
      { id: mailboxId },
      {
        lastError: error,
        lastErrorAt: now,
        consecutiveFailures: failures,
        nextPollAt: new Date(now.getTime() + delay),
      },
    );
  }
}
