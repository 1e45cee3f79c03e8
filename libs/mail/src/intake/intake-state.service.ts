import { APP_CONFIG, AppConfig, Clock } from '@madoguchi/core';
import { MailboxesService } from '@madoguchi/mailboxes';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { IntakeErrorCode } from './imap-errors';
import { MailIntakeState } from './intake-state.entity';

/**
 * A mailbox is polled by one instance at a time, the holder of a short lease in
 * `mail_intake_state`. The holder renews it by a heartbeat every RENEW_MS while its poll runs;
 * an instance that dies stops renewing, and another takes the mailbox LEASE_MS after the last
 * heartbeat at the latest. An instance whose INSTANCE_ID is the lease's owner (a restarted
 * process with a fixed INSTANCE_ID) takes it back at once.
 */
export const LEASE_MS = 20_000;
export const RENEW_MS = 4_000;
const MAX_BACKOFF_MS = 60 * 60_000;

export type IntakeStatus = Pick<
  MailIntakeState,
  'lastFetchAt' | 'nextPollAt' | 'lastError' | 'lastErrorAt' | 'consecutiveFailures'
> & { lastErrorCode: IntakeErrorCode | null };

@Injectable()
export class IntakeStateService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly mailboxes: MailboxesService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    // New settings deserve a prompt try, and an old failure streak no longer says anything.
    this.mailboxes.onSettingsChanged((mailboxId, m) => this.resetSchedule(mailboxId, m));
  }

  get instanceId(): string {
    return this.config.instanceId;
  }

  async states(mailboxIds: number[]): Promise<Map<number, MailIntakeState>> {
    if (!mailboxIds.length) return new Map();
    const rows = await this.dataSource.getRepository(MailIntakeState).findBy({ mailboxId: In(mailboxIds) });
    return new Map(rows.map((r) => [r.mailboxId, r]));
  }

  async status(mailboxId: number): Promise<IntakeStatus> {
    const row = await this.dataSource.getRepository(MailIntakeState).findOneBy({ mailboxId });
    return {
      lastFetchAt: row?.lastFetchAt ?? null,
      nextPollAt: row?.nextPollAt ?? null,
      lastError: row?.lastError ?? null,
      // A failure recorded before codes were kept has none: the console shows the generic text.
      lastErrorCode: (row?.lastErrorCode as IntakeErrorCode | null | undefined) ?? (row?.lastError ? 'IMAP_FAILED' : null),
      lastErrorAt: row?.lastErrorAt ?? null,
      consecutiveFailures: row?.consecutiveFailures ?? 0,
    };
  }

  /** Takes the lease if nobody holds it, it has run out, or it is already this instance's. */
  async acquire(mailboxId: number): Promise<boolean> {
    await this.ensureRow(mailboxId);
    const now = this.clock.now();
    const res = await this.dataSource
      .createQueryBuilder()
      .update(MailIntakeState)
      .set({ leaseOwner: this.instanceId, leaseUntil: new Date(now.getTime() + LEASE_MS), heartbeatAt: now })
      .where('mailbox_id = :id', { id: mailboxId })
      .andWhere('(lease_owner IS NULL OR lease_until IS NULL OR lease_until < :now OR lease_owner = :me)', {
        now,
        me: this.instanceId,
      })
      .execute();
    return (res.affected ?? 0) > 0;
  }

  /** The heartbeat: extends the lease; false if another instance holds it now. */
  async renew(mailboxId: number): Promise<boolean> {
    const now = this.clock.now();
    const res = await this.dataSource
      .getRepository(MailIntakeState)
      .update(
        { mailboxId, leaseOwner: this.instanceId },
        { leaseUntil: new Date(now.getTime() + LEASE_MS), heartbeatAt: now },
      );
    return (res.affected ?? 0) > 0;
  }

  async release(mailboxId: number): Promise<void> {
    await this.dataSource
      .getRepository(MailIntakeState)
      .update({ mailboxId, leaseOwner: this.instanceId }, { leaseOwner: null, leaseUntil: null });
  }

  async recordSuccess(mailboxId: number, pollIntervalSec: number): Promise<void> {
    const now = this.clock.now();
    await this.dataSource
      .getRepository(MailIntakeState)
      .update(
        { mailboxId },
        {
          lastFetchAt: now,
          lastError: null,
          lastErrorCode: null,
          lastErrorAt: null,
          consecutiveFailures: 0,
          nextPollAt: new Date(now.getTime() + pollIntervalSec * 1000),
        },
      );
  }

  /** Records the error (code and sentence) and backs off: the interval doubled per consecutive failure, at most an hour. */
  async recordFailure(mailboxId: number, pollIntervalSec: number, error: { code: IntakeErrorCode; message: string }): Promise<void> {
    await this.ensureRow(mailboxId);
    const row = await this.dataSource.getRepository(MailIntakeState).findOneBy({ mailboxId });
    const failures = (row?.consecutiveFailures ?? 0) + 1;
    const now = this.clock.now();
    const delay = Math.min(pollIntervalSec * 1000 * 2 ** Math.min(failures - 1, 10), MAX_BACKOFF_MS);
    await this.dataSource
      .getRepository(MailIntakeState)
      .update(
        { mailboxId },
        {
          lastError: error.message,
          lastErrorCode: error.code,
          lastErrorAt: now,
          consecutiveFailures: failures,
          nextPollAt: new Date(now.getTime() + delay),
        },
      );
  }

  private async resetSchedule(mailboxId: number, m: EntityManager): Promise<void> {
    await m
      .getRepository(MailIntakeState)
      .update({ mailboxId }, { nextPollAt: null, consecutiveFailures: 0 });
  }

  private async ensureRow(mailboxId: number): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(MailIntakeState)
      .values({ mailboxId, consecutiveFailures: 0 })
      .orIgnore()
      .execute();
  }
}
