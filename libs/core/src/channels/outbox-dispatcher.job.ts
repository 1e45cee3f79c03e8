import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, LessThan, LessThanOrEqual } from 'typeorm';
import { Clock } from '../clock/clock.service';
import { APP_CONFIG, AppConfig } from '../config/config.schema';
import { runAsUnitOfWork } from '../database/sqlite-serializer';
import { OutboxEntry } from '../outbox/outbox-entry.entity';
import { ChannelFailure, ChannelReceipt } from './channel-adapter';
import { ChannelRegistry } from './channel.registry';

/** Longer than the slowest conversation a channel's own timeouts allow. */
const SEND_LOCK_MS = 10 * 60_000;
const RECHECK_MS = 5 * 60_000;
const TICK_MS = 1_000;
/** Why a row found mid-send is failed for a person to check (also the channels' words for an ambiguous send). */
export const SEND_INTERRUPTED = 'Sending was interrupted; it could not be confirmed whether the message went out. Check with the recipient before sending again.';
/** Attempts for what the other side may get over (busy, unreachable): 30 s, 1, 2, 4 … minutes apart. */
const MAX_ATTEMPTS = 8;
/** Attempts for a wrong setting (host not found, sign-in refused, TLS): a short budget, then given up. */
const SETTING_ATTEMPTS = 3;

/** Our claim on a row ran out and another instance has it now. */
class LeaseLost extends Error {}

/**
 * The one outbox dispatcher, for every channel. Takes due rows under a lease (pending → sending,
 * with an owner and an expiry), hands each to its channel's adapter, and records the outcome on
 * the row; the owner of the message (tickets) hears of it in the same transaction through
 * DeliveryOutcomes and writes its own rows. Exactly once: a row found still `sending` after its
 * lease ran out means an instance died mid-send, and it is never sent again blindly — the
 * adapter confirms it went out (email: the Sent folder), or it is failed for a person to check.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Outbox');
  private running = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly channels: ChannelRegistry,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.roles.worker) return;
    let busy = false;
    this.timer = setInterval(() => {
      if (busy) return;
      busy = true;
      runAsUnitOfWork(() => this.dispatchDue())
        .catch((e: Error) => this.logger.error(e.stack ?? e.message))
        .finally(() => (busy = false));
    }, TICK_MS);
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One sweep; overlapping calls are skipped. Returns how many rows went out. */
  async dispatchDue(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      await this.recoverInterrupted();
      const due = await this.dataSource
        .getRepository(OutboxEntry)
        .find({ where: { state: 'pending', dueAt: LessThanOrEqual(this.clock.now()) }, order: { dueAt: 'ASC' }, take: 20 });
      let handled = 0;
      // One row's trouble (a deadlock, an unknown channel) never holds up the others.
      for (const row of due) {
        try {
          if (await this.claim(row.id)) handled += (await this.sendOne(row.id)) ? 1 : 0;
        } catch (e) {
          this.logger.error(`outbox ${row.id}: ${(e as Error).message}`);
        }
      }
      for (const kind of this.channels.kinds()) {
        await this.channels
          .adapter(kind)
          .sweep?.()
          .catch((e: Error) => this.logger.error(`${kind} sweep: ${e.message}`));
      }
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
    const row = await this.dataSource.getRepository(OutboxEntry).findOneByOrFail({ id });
    const adapter = this.channels.adapter(row.channel);
    let channel: unknown = null;
    let receipt: ChannelReceipt;
    try {
      channel = await adapter.channel(row.mailboxId);
      receipt = await adapter.send(channel, row);
    } catch (e) {
      const failure = adapter.classify(e, channel);
      try {
        await this.reportFailure(row, failure);
      } catch (e2) {
        // Not sent (the channel said so): back in the queue shortly rather than left `sending`,
        // which recovery could only call interrupted.
        this.logger.error(`outbox ${id}: the failure could not be recorded, trying again shortly: ${(e2 as Error).message}`);
        const now = this.clock.now();
        await this.dataSource
          .getRepository(OutboxEntry)
          .update(this.mine(id), { state: 'pending', dueAt: new Date(now.getTime() + 30_000), lastError: failure.detail, lastErrorCode: failure.code, lockOwner: null, lockedUntil: null, updatedAt: now })
          .catch(() => undefined);
      }
      return false;
    }
    // Sent. Whatever goes wrong from here must not put the row back in the queue. Recording it is
    // tried again on a transient error (a deadlock, a lock wait); what follows sending (the email
    // Sent copy) runs either way, so that recovery can still see it went out.
    let recorded = false;
    for (let attempt = 1; attempt <= 3 && !recorded; attempt++) {
      try {
        await this.markSent(row, receipt, this.mine(id));
        recorded = true;
      } catch (e) {
        this.logger.error(`outbox ${id}: sent, but could not be marked sent (attempt ${attempt}): ${(e as Error).message}`);
        if (attempt < 3) await new Promise((r) => setTimeout(r, 250 * attempt));
      }
    }
    try {
      await adapter.afterSent?.(channel, row, receipt);
    } catch (e) {
      this.logger.error(`outbox ${id}: sent, but what follows sending failed: ${(e as Error).message}`);
    }
    return true;
  }

  /** The row as long as this instance holds it. */
  private mine(id: number) {
    return { id, state: 'sending' as const, lockOwner: this.config.instanceId };
  }

  /**
   * A failed attempt: the row back in the queue with its backoff, or failed for good; the owner
   * of the message hears of it in the same transaction.
   */
  private async reportFailure(row: OutboxEntry, failure: ChannelFailure): Promise<void> {
    const now = this.clock.now();
    const attempts = row.attempts;
    const final = failure.giveUp === 'now' || (failure.giveUp === 'soon' && attempts >= SETTING_ATTEMPTS) || attempts >= MAX_ATTEMPTS;
    // Exponential backoff: 30 s, 1, 2, 4 … minutes.
    const retryAt = final ? null : new Date(now.getTime() + 30_000 * 2 ** (attempts - 1));
    await this.settle(row, async (m) => {
      // The owner first (it locks the ticket: the order intake locks in), then the outbox row.
      await this.channels.outcomes.failed(m, row, { code: failure.code, detail: failure.detail, attempts, retryAt });
      await this.channels.adapter(row.channel).recordOutcome?.(m, row, { sent: false, failure: { code: failure.code, detail: failure.detail, attempts, retryAt } });
      return m.update(
        OutboxEntry,
        this.mine(row.id),
        { state: final ? 'failed' : 'pending', lastError: failure.detail, lastErrorCode: failure.code, ...(retryAt ? { dueAt: retryAt } : {}), lockOwner: null, lockedUntil: null, updatedAt: now },
      );
    });
    this.logger.warn(`outbox ${row.id}: ${final ? 'failed' : 'will retry'} (${failure.code}, attempt ${attempts}): ${failure.detail}`);
  }

  /** `held`: the row as this instance holds it; another instance that took it over keeps its outcome. */
  private async markSent(row: OutboxEntry, receipt: ChannelReceipt, held: ReturnType<OutboxDispatcher['mine']>): Promise<void> {
    const now = this.clock.now();
    await this.settle(row, async (m) => {
      await this.channels.outcomes.sent(m, row, { captured: receipt.captured });
      await this.channels.adapter(row.channel).recordOutcome?.(m, row, { sent: true, captured: receipt.captured });
      return m.update(OutboxEntry, held, { state: 'sent', sentAt: now, lastError: receipt.note, lastErrorCode: null, lockOwner: null, lockedUntil: null, updatedAt: now });
    });
  }

  /** One outcome in one transaction; a row another instance took over in between keeps its outcome. */
  private async settle(row: OutboxEntry, write: (m: EntityManager) => Promise<{ affected?: number | null }>): Promise<void> {
    try {
      await this.dataSource.transaction(async (m) => {
        if (!(await write(m)).affected) throw new LeaseLost();
      });
    } catch (e) {
      if (e instanceof LeaseLost) return;
      throw e;
    }
    this.channels.outcomes.settled(row);
  }

  private async recoverInterrupted(): Promise<void> {
    const repo = this.dataSource.getRepository(OutboxEntry);
    const stale = await repo.find({ where: { state: 'sending', lockedUntil: LessThan(this.clock.now()) }, take: 5 });
    for (const row of stale) {
      try {
        // Claimed first, so that two instances never settle one row twice (one `sent`, one `failed`).
        const now = this.clock.now();
        const claimed = await this.dataSource
          .createQueryBuilder()
          .update(OutboxEntry)
          .set({ lockOwner: this.config.instanceId, lockedUntil: new Date(now.getTime() + RECHECK_MS) })
          .where('id = :id AND state = :state AND locked_until < :now', { id: row.id, state: 'sending', now })
          .execute();
        if (!claimed.affected) continue;
        const held = this.mine(row.id);
        const adapter = this.channels.adapter(row.channel);
        const verdict = await adapter.confirm(await adapter.channel(row.mailboxId).catch(() => null), row).catch((e: Error) => {
          this.logger.warn(`outbox ${row.id}: could not confirm whether it went out: ${e.message}`);
          return 'later' as const;
        });
        if (verdict === 'later') continue; // looked at again when the claim above runs out
        if (verdict === 'sent' || verdict === 'captured') {
          await this.markSent(row, { captured: verdict === 'captured', note: null }, held);
        } else {
          await this.settle(row, async (m) => {
            await this.channels.outcomes.failed(m, row, { code: 'SEND_INTERRUPTED', detail: SEND_INTERRUPTED, attempts: row.attempts, retryAt: null });
            await adapter.recordOutcome?.(m, row, { sent: false, failure: { code: 'SEND_INTERRUPTED', detail: SEND_INTERRUPTED, attempts: row.attempts, retryAt: null } });
            return m.update(OutboxEntry, held, { state: 'failed', lastError: SEND_INTERRUPTED, lastErrorCode: 'SEND_INTERRUPTED', lockOwner: null, lockedUntil: null, updatedAt: this.clock.now() });
          });
        }
      } catch (e) {
        this.logger.error(`outbox ${row.id}: recovery failed, trying again later: ${(e as Error).message}`);
      }
    }
  }
}
