import { APP_CONFIG, AppConfig, Clock, runAsUnitOfWork } from '@madoguchi/core';
import { MailboxesService } from '@madoguchi/mailboxes';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ImapFlow } from 'imapflow';
import { imapClient, ImapPoller } from './imap-poller.job';
import { MailIntakeState } from './intake-state.entity';
import { IntakeStateService } from './intake-state.service';

const TICK_MS = 2_000;
const IDLE_RESTART_MS = 10_000;

interface IdleWatcher {
  client: ImapFlow;
  settingsKey: string;
  stopped: boolean;
}

/**
 * The worker role: polls each active mailbox when it is due, keeps an IMAP IDLE connection per
 * mailbox so new mail is fetched within about a second. (The outbox has its own dispatcher, in core.)
 */
@Injectable()
export class MailScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MailScheduler');
  private readonly polling = new Map<number, Promise<unknown>>();
  private readonly again = new Set<number>();
  private readonly idle = new Map<number, IdleWatcher>();
  /** After an IDLE connection fails: not before this time, with a delay that doubles. */
  private readonly idleRetry = new Map<number, { at: number; delayMs: number }>();
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly poller: ImapPoller,
    private readonly mailboxes: MailboxesService,
    private readonly state: IntakeStateService,
    private readonly clock: Clock,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.roles.worker) return;
    const every = (name: string, ms: number, fn: () => Promise<unknown>) => {
      let busy = false;
      this.registry.addInterval(
        name,
        setInterval(() => {
          if (busy || this.stopped) return;
          busy = true;
          runAsUnitOfWork(fn)
            .catch((e: Error) => this.logger.error(e.stack ?? e.message))
            .finally(() => (busy = false));
        }, ms),
      );
    };
    every('mail-intake', TICK_MS, () => this.tick());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const name of ['mail-intake']) if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    for (const w of this.idle.values()) {
      w.stopped = true;
      await w.client.logout().catch(() => w.client.close());
    }
    await Promise.allSettled(this.polling.values());
  }

  /** Polls now (or right after the poll under way), e.g. on IDLE news or the console's button. */
  requestPoll(mailboxId: number): Promise<unknown> {
    const current = this.polling.get(mailboxId);
    if (current) {
      this.again.add(mailboxId);
      return current;
    }
    const run = runAsUnitOfWork(() => this.poller.poll(mailboxId))
      .catch((e: Error) => this.logger.error(e.stack ?? e.message))
      .finally(() => {
        this.polling.delete(mailboxId);
        if (this.again.delete(mailboxId) && !this.stopped) void this.requestPoll(mailboxId);
      });
    this.polling.set(mailboxId, run);
    return run;
  }

  isIdling(mailboxId: number): boolean {
    const w = this.idle.get(mailboxId);
    return !!w && !w.stopped && w.client.usable;
  }

  private async tick(): Promise<void> {
    const now = this.clock.now();
    const ids = await this.mailboxes.intakeMailboxIds();
    const states = await this.state.states(ids);
    const due = ids.filter((id) => {
      const next = states.get(id)?.nextPollAt;
      return !next || next <= now;
    });
    await Promise.allSettled(due.map((id) => this.requestPoll(id)));
    await this.syncIdle(ids, states);
  }

  /** One IDLE connection per active mailbox; restarted when settings change or it drops. */
  private async syncIdle(mailboxIds: number[], states: Map<number, MailIntakeState>): Promise<void> {
    const wanted = new Set(mailboxIds);
    for (const [id, w] of this.idle) {
      if (!wanted.has(id)) {
        w.stopped = true;
        this.idle.delete(id);
        await w.client.logout().catch(() => w.client.close());
      }
    }
    for (const id of mailboxIds) {
      if ((states.get(id)?.consecutiveFailures ?? 0) > 0) continue;
      if ((this.idleRetry.get(id)?.at ?? 0) > Date.now()) continue;
      // Marked, not thrown: one mailbox with a password that does not decrypt (its poll records
      // the failure) must not stop the loop before the mailboxes after it.
      const conn = await this.mailboxes.connection(id, { unreadableSecrets: 'mark' });
      if (!conn?.imap || conn.imap.passwordUnreadable) continue;
      const key = JSON.stringify(conn.imap);
      const current = this.idle.get(id);
      if (current && current.settingsKey === key && !current.stopped) continue;
      if (current) {
        current.stopped = true;
        await current.client.logout().catch(() => current.client.close());
      }
      this.startIdle(id, conn.imap, key);
    }
  }

  private startIdle(mailboxId: number, imap: NonNullable<Awaited<ReturnType<MailboxesService['connection']>>>['imap'] & object, key: string): void {
    const client = imapClient(imap);
    const watcher: IdleWatcher = { client, settingsKey: key, stopped: false };
    this.idle.set(mailboxId, watcher);
    client.on('exists', () => void this.requestPoll(mailboxId));
    // A dropped or failed connection is reopened by a later tick, after a pause that doubles
    // (10 s … 5 min) so a dead or full server is not hammered.
    const backOff = () => {
      const prev = this.idleRetry.get(mailboxId)?.delayMs ?? IDLE_RESTART_MS / 2;
      const delayMs = Math.min(prev * 2, 5 * 60_000);
      this.idleRetry.set(mailboxId, { at: Date.now() + delayMs, delayMs });
      if (this.idle.get(mailboxId) === watcher) this.idle.delete(mailboxId);
    };
    client.on('close', () => {
      if (watcher.stopped || this.stopped) return;
      watcher.stopped = true;
      backOff();
    });
    (async () => {
      await client.connect();
      await client.mailboxOpen(imap.folder, { readOnly: true });
      this.idleRetry.delete(mailboxId);
      while (!watcher.stopped && !this.stopped) await client.idle();
    })().catch(() => {
      if (!watcher.stopped) backOff();
      watcher.stopped = true;
      client.close();
    });
  }
}
