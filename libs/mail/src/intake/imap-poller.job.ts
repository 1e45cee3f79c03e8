import { Clock } from '@madoguchi/core';
import { MailboxConnection, MailboxesService, SecretUnreadable } from '@madoguchi/mailboxes';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ImapFlow } from 'imapflow';
import { DataSource, EntityManager, In } from 'typeorm';
import { connectionErrorCode, IntakeErrorCode, readableConnectionError } from './imap-errors';
import { IntakeStateService, LEASE_MS, RENEW_MS } from './intake-state.service';
import { IntakeService } from './intake.service';
import { MailboxCursor, RawMessage } from './raw-message.entity';

const BATCH = 500;
/** Messages filed per transaction; the first groups of a poll are smaller (FIRST_GROUP, doubling). */
const GROUP = 100;
const FIRST_GROUP = 25;
/** How far the IMAP fetch may run ahead of intake. */
const MAX_AHEAD = 500;
const MAX_AHEAD_BYTES = 64 * 1024 * 1024;

export interface PollOutcome {
  /** lease-lost: another instance took the mailbox over mid-poll; what was committed stays filed. */
  status: 'done' | 'leased-elsewhere' | 'lease-lost' | 'not-configured' | 'failed';
  fetched: number;
  error?: string;
  errorCode?: IntakeErrorCode;
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

/** Thrown into intake when the heartbeat finds the lease gone: the poll stops after its last commit. */
class LeaseLost extends Error {
  constructor() {
    super('Lost the mailbox lease to another instance; stopping this poll');
  }
}

/**
 * One poll of one mailbox: under a short lease in `mail_intake_state`, kept alive by a heartbeat
 * while the poll runs (so two instances never fetch the same mailbox at once, and a dead one
 * holds it for LEASE_MS at most), from the stored UIDVALIDITY + last UID, never by flags or dates.
 */
@Injectable()
export class ImapPoller {
  private readonly logger = new Logger('ImapPoller');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mailboxes: MailboxesService,
    private readonly intake: IntakeService,
    private readonly state: IntakeStateService,
    private readonly clock: Clock,
  ) {}

  async poll(mailboxId: number): Promise<PollOutcome> {
    // An SMTP password that does not decrypt is the sender's problem, not intake's.
    const conn = await this.mailboxes.connection(mailboxId, { unreadableSecrets: 'mark' });
    if (!conn?.imap) return { status: 'not-configured', fetched: 0 };
    if (!(await this.state.acquire(mailboxId))) return { status: 'leased-elsewhere', fetched: 0 };
    if (conn.imap.passwordUnreadable) {
      // A failed poll like any other (shown, backed off), not a mailbox silently left out.
      try {
        const failure = { code: 'SECRET_UNREADABLE' as const, message: new SecretUnreadable('imap').message };
        await this.state.recordFailure(mailboxId, conn.pollIntervalSec, failure);
        this.logger.warn(`mailbox ${mailboxId}: ${failure.message}`);
        return { status: 'failed', fetched: 0, error: failure.message, errorCode: failure.code };
      } finally {
        await this.state.release(mailboxId);
      }
    }
    const lease = this.heartbeat(mailboxId);
    let fetched = 0;
    const client = imapClient(conn.imap);
    try {
      await client.connect();
      const lock = await client.getMailboxLock(conn.imap.folder);
      try {
        fetched = await this.fetchNew(client, conn, lease, (n) => (fetched = n));
      } finally {
        lock.release();
      }
      lease.check();
      await this.state.recordSuccess(mailboxId, conn.pollIntervalSec);
      return { status: 'done', fetched };
    } catch (e) {
      if (lease.lost) {
        this.logger.warn(`mailbox ${mailboxId}: lease lost to another instance after ${fetched} messages; poll stopped`);
        return { status: 'lease-lost', fetched };
      }
      const error = readableConnectionError(e, conn.imap.host, conn.imap.port);
      const errorCode = connectionErrorCode(e);
      await this.state.recordFailure(mailboxId, conn.pollIntervalSec, { code: errorCode, message: error });
      this.logger.warn(`mailbox ${mailboxId}: ${error}`);
      return { status: 'failed', fetched, error, errorCode };
    } finally {
      lease.end();
      await client.logout().catch(() => client.close());
      if (!lease.lost) await this.state.release(mailboxId);
    }
  }

  /**
   * Renews the lease every RENEW_MS while the poll runs, on its own timer, so a long parse, a
   * slow commit or a slow IMAP fetch never lets it run out. If another instance holds it now, or
   * no renewal has succeeded for LEASE_MS (the database out of reach), the lease counts as lost:
   * `onLost` stops the fetch, and `check()` throws from then on.
   */
  private heartbeat(mailboxId: number) {
    let renewedAt = this.clock.now().getTime();
    let beating = false;
    const lease = {
      lost: false,
      onLost: undefined as (() => void) | undefined,
      check: () => {
        if (lease.lost) throw new LeaseLost();
      },
      end: () => clearInterval(timer),
    };
    const lose = () => {
      if (lease.lost) return;
      lease.lost = true;
      lease.onLost?.();
    };
    const timer = setInterval(() => {
      if (beating || lease.lost) return;
      beating = true;
      this.state
        .renew(mailboxId)
        .then((mine) => {
          if (mine) renewedAt = this.clock.now().getTime();
          else lose();
        })
        .catch((e: Error) => {
          this.logger.warn(`mailbox ${mailboxId}: lease heartbeat failed: ${e.message}`);
          if (this.clock.now().getTime() - renewedAt >= LEASE_MS) lose();
        })
        .finally(() => (beating = false));
    }, RENEW_MS);
    timer.unref?.();
    return lease;
  }

  private async fetchNew(client: ImapFlow, conn: MailboxConnection, lease: ReturnType<ImapPoller['heartbeat']>, progress: (fetched: number) => void): Promise<number> {
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
        while (!queue.length && !fetchDone && !stopped) await new Promise<void>((r) => (wake.reader = r));
        wake.reader = undefined;
        if (stopped) return;
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
    const stop = () => {
      stopped = true;
      wake.fetcher?.();
      wake.reader?.();
    };
    // A lost lease stops the fetch at once; intake ends after the group it is committing.
    lease.onLost = stop;
    try {
      await this.intake.ingestStream(conn, groups(), {
        onStop: stop,
        afterEach: async (filed) => {
          fetched += filed.length;
          progress(fetched);
          lease.check();
        },
      });
      lease.check();
    } finally {
      // However intake ended, the fetch stops too (and is waited for: one IMAP command at a time).
      stop();
      await fetcher;
    }
    return fetched;
  }
}
