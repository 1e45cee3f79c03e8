import { Actor, AuditService, Clock, OutboxEntry, SYSTEM_ACTOR } from '@madoguchi/core';
import { CustomersService } from '@madoguchi/customers';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { SmsMessage } from '../messages/sms-message.entity';
import { SmsConsent, SmsConsentMethod } from './sms-consent.entity';

export interface SmsConsentState {
  /** null: nothing was ever recorded for this customer. */
  optIn: boolean | null;
  method: SmsConsentMethod | null;
  at: Date | null;
  byUserId: number | null;
}

export interface SmsConsentEntryView {
  id: number;
  optIn: boolean;
  method: SmsConsentMethod;
  note: string | null;
  byUserId: number | null;
  /** Who recorded it (null: the system, or a user since deleted). */
  by: { id: number; name: string } | null;
  createdAt: Date;
}

export interface SmsConsentView {
  customerId: number;
  current: SmsConsentState & { by: { id: number; name: string } | null };
  /** Newest first. */
  history: SmsConsentEntryView[];
}

/** At most this many history rows are shown (a customer's consent changes a few times, not thousands). */
const HISTORY_LIMIT = 200;

/** Why a marketing SMS may not go to a customer. */
export type SmsConsentRefusal = 'SMS_NO_CONSENT' | 'SMS_OPTED_OUT';

const REFUSAL_REASON: Record<SmsConsentRefusal, string> = {
  SMS_OPTED_OUT: 'SMS_OPTED_OUT: the customer opted out of marketing SMS before it was sent',
  SMS_NO_CONSENT: 'SMS_NO_CONSENT: the customer no longer agrees to marketing SMS',
};

const NEVER: SmsConsentState = { optIn: null, method: null, at: null, byUserId: null };

/**
 * A customer's SMS consent (特定電子メール法): append-only rows, the newest one being the consent
 * now. Written by staff (PUT /api/customers/:id/sms-consent) and by the system (an inbound
 * 「停止」/STOP records an opt-out with method `sms`).
 */
@Injectable()
export class SmsConsentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Records a consent change in the caller's transaction when given its manager (else in its
   * own), with its audit entry. The customer is not looked up here: callers hold a customer id
   * they resolved themselves (the route checks it exists first).
   */
  async record(
    m: EntityManager | null,
    customerId: number,
    input: { optIn: boolean; method: SmsConsentMethod; note?: string | null; byUserId: number | null },
  ): Promise<void> {
    const actor: Actor =
      input.byUserId === null ? SYSTEM_ACTOR : { userId: input.byUserId, label: `user:${input.byUserId}` };
    await this.write(m, customerId, input, actor);
  }

  private async write(
    m: EntityManager | null,
    customerId: number,
    input: { optIn: boolean; method: SmsConsentMethod; note?: string | null; byUserId: number | null },
    actor: Actor,
  ): Promise<void> {
    const write = async (tx: EntityManager) => {
      const row = await tx.getRepository(SmsConsent).save(
        tx.getRepository(SmsConsent).create({
          customerId,
          optIn: input.optIn,
          method: input.method,
          note: input.note?.trim() ? input.note.trim().slice(0, 500) : null,
          byUserId: input.byUserId,
          createdAt: this.clock.now(),
        }),
      );
      await this.audit.record(
        actor,
        {
          entity: 'customer',
          entityId: customerId,
          action: 'sms_consent',
          after: { id: row.id, optIn: row.optIn, method: row.method, note: row.note },
        },
        tx,
      );
      await this.customers.setSmsConsent(tx, customerId, input.optIn);
      if (!input.optIn) await this.cancelWaitingMarketing(tx, customerId, 'SMS_OPTED_OUT', actor);
    };
    if (m) await write(m);
    else await this.dataSource.transaction(write);
  }

  /** The customer's consent now: the newest record, or all null when none was ever made. */
  async current(customerId: number, m: EntityManager = this.dataSource.manager): Promise<SmsConsentState> {
    const row = await m
      .getRepository(SmsConsent)
      .findOne({ where: { customerId }, order: { createdAt: 'DESC', id: 'DESC' } });
    return row
      ? { optIn: !!row.optIn, method: row.method, at: row.createdAt, byUserId: row.byUserId }
      : { ...NEVER };
  }

  /** The consent now of many customers at once (bulk preview): customer id → state; absent ids were never recorded. */
  async currentMany(customerIds: number[]): Promise<Map<number, SmsConsentState>> {
    const out = new Map<number, SmsConsentState>();
    for (let i = 0; i < customerIds.length; i += 500) {
      const chunk = customerIds.slice(i, i + 500);
      if (!chunk.length) continue;
      const rows = await this.dataSource
        .getRepository(SmsConsent)
        .createQueryBuilder('c')
        .where('c.customer_id IN (:...ids)', { ids: chunk })
        .orderBy('c.created_at', 'ASC')
        .addOrderBy('c.id', 'ASC')
        .getMany();
      // Ascending: the last row seen per customer is its newest.
      for (const r of rows)
        out.set(r.customerId, { optIn: !!r.optIn, method: r.method, at: r.createdAt, byUserId: r.byUserId });
    }
    return out;
  }

  /**
   * Whether a marketing SMS may go to the customer now: the newest consent record decides; with
   * none, the karte's 「SMS配信同意」 flag (`smsConsent`, set on the customer form or by CSV
   * import before consent records existed) counts as an opt-in by import.
   */
  async marketingRefusal(
    customerId: number,
    m: EntityManager = this.dataSource.manager,
  ): Promise<SmsConsentRefusal | null> {
    const now = await this.current(customerId, m);
    if (now.optIn === false) return 'SMS_OPTED_OUT';
    if (now.optIn === true) return null;
    const customer = await this.customers.get(customerId).catch(() => null);
    return customer?.smsConsent ? null : 'SMS_NO_CONSENT';
  }

  /** The same for many customers (bulk preview), given each one's karte flag. */
  async marketingRefusals(
    customers: { id: number; smsConsent: boolean }[],
  ): Promise<Map<number, SmsConsentRefusal | null>> {
    const states = await this.currentMany(customers.map((c) => c.id));
    return new Map(
      customers.map((c) => {
        const s = states.get(c.id);
        return [
          c.id,
          s?.optIn === false
            ? 'SMS_OPTED_OUT'
            : s?.optIn === true || (!s && c.smsConsent)
              ? null
              : 'SMS_NO_CONSENT',
        ];
      }),
    );
  }

  /**
   * An opt-out reaches the SMS still waiting: each queued or scheduled marketing SMS of the
   * customer whose outbox row no dispatcher holds yet is cancelled with the reason, in the
   * transaction that records the opt-out (one being sent at this moment is stopped by the
   * adapter's own check, or has already gone).
   */
  private async cancelWaitingMarketing(
    m: EntityManager,
    customerId: number,
    refusal: SmsConsentRefusal,
    actor: Actor,
  ): Promise<void> {
    const waiting = await m.find(SmsMessage, {
      where: { customerId, purpose: 'marketing', status: In(['queued', 'scheduled']) },
    });
    const now = this.clock.now();
    for (const msg of waiting) {
      const taken = msg.outboxId
        ? await m.update(
            OutboxEntry,
            { id: msg.outboxId, state: 'pending' },
            {
              state: 'cancelled',
              lastError: REFUSAL_REASON[refusal],
              lastErrorCode: refusal,
              updatedAt: now,
            },
          )
        : { affected: 0 };
      if (!taken.affected) continue;
      await this.markCancelled(m, msg, refusal, now);
      await this.audit.record(
        actor,
        {
          entity: 'sms_message',
          entityId: msg.id,
          action: 'cancel',
          before: { status: msg.status },
          after: { status: 'cancelled', reason: refusal },
        },
        m,
      );
    }
  }

  /** The message row cancelled for want of consent (its outbox row is the caller's business). */
  async markCancelled(
    m: EntityManager,
    msg: SmsMessage,
    refusal: SmsConsentRefusal,
    now: Date = this.clock.now(),
  ): Promise<void> {
    await m.update(
      SmsMessage,
      { id: msg.id, status: In(['queued', 'scheduled']) },
      {
        status: 'cancelled',
        cancelledAt: now,
        cancelledBy: null,
        cancelReason: REFUSAL_REASON[refusal],
        errorCode: refusal,
        updatedAt: now,
      },
    );
  }

  /** The karte's view: the consent now and its history, newest first, with who recorded each. */
  async view(customerId: number): Promise<SmsConsentView> {
    await this.customers.get(customerId);
    const rows = await this.dataSource
      .getRepository(SmsConsent)
      .find({ where: { customerId }, order: { createdAt: 'DESC', id: 'DESC' }, take: HISTORY_LIMIT });
    const names = await this.customers.staffNames();
    const who = (id: number | null) => (id !== null && names.has(id) ? { id, name: names.get(id)! } : null);
    const history = rows.map((r) => ({
      id: r.id,
      optIn: !!r.optIn,
      method: r.method,
      note: r.note,
      byUserId: r.byUserId,
      by: who(r.byUserId),
      createdAt: r.createdAt,
    }));
    const now = rows[0];
    const current = now
      ? { optIn: !!now.optIn, method: now.method, at: now.createdAt, byUserId: now.byUserId }
      : { ...NEVER };
    return { customerId, current: { ...current, by: who(current.byUserId) }, history };
  }

  /** PUT by staff: the customer must exist (404 otherwise). */
  async put(
    customerId: number,
    input: { optIn: boolean; method: SmsConsentMethod; note?: string | null },
    actor: Actor,
  ): Promise<SmsConsentView> {
    await this.customers.get(customerId);
    await this.write(null, customerId, { ...input, byUserId: actor.userId }, actor);
    return this.view(customerId);
  }
}
