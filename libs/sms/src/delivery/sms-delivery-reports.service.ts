import { Clock, OutboxEntry } from '@madoguchi/core';
import { TicketEvents, TicketsService } from '@madoguchi/tickets';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, LessThan } from 'typeorm';
import { SmsMessage, SmsStatus } from '../messages/sms-message.entity';
import { SmsEarlyReport } from './sms-early-report.entity';

export type DeliveryProvider = 'twilio' | 'gateway';

/** A delivery report, whichever provider sent it: what it means for us, and the provider's words. */
export interface DeliveryReport {
  id: string;
  outcome: 'delivered' | 'undelivered' | 'failed' | null;
  reason: string | null;
}

/** Reports for no message of ours (sent from the provider's own console, or long gone) are dropped after this. */
const KEEP_EARLY_MS = 7 * 24 * 3600_000;
/** Old reports are looked for at most this often. */
const PURGE_EVERY_MS = 3600_000;
/** How many kept reports one sweep looks at. */
const SWEEP_BATCH = 50;

/**
 * Delivery reports (status callbacks) on the `sms_message` row and, for a reply, its article.
 * Only forward: `delivered` wins over anything, `undelivered`/`failed` only move a `sent` message,
 * a repeat changes nothing. A report for a message not yet marked sent — the provider called back
 * before the dispatcher committed — is kept in `sms_early_report` and applied when the message is
 * sent (the adapter's afterSent, and every sweep for what a crash left behind).
 */
@Injectable()
export class SmsDeliveryReports {
  private readonly logger = new Logger('SmsDelivery');
  private lastPurge = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tickets: TicketsService,
    private readonly events: TicketEvents,
    private readonly clock: Clock,
  ) {}

  /** A report from a webhook: applied, or kept until its message is sent. `recorded`: it changed the message. */
  async report(provider: DeliveryProvider, report: DeliveryReport): Promise<{ recorded: boolean }> {
    if (!report.outcome) return { recorded: false };
    const outcome = report.outcome;
    const now = this.clock.now();
    const moved = await this.dataSource.transaction(async (m) => {
      const msg = await m.findOneBy(SmsMessage, { provider, providerMessageId: report.id });
      if (!msg || msg.status === 'queued' || msg.status === 'scheduled' || (msg.status === 'failed' && !msg.sentAt)) {
        await m.insert(SmsEarlyReport, { provider, providerMessageId: report.id, outcome, reason: report.reason?.slice(0, 500) ?? null, receivedAt: now });
        return null;
      }
      return this.apply(m, msg, outcome, report.reason, now);
    });
    if (!moved) return { recorded: false };
    this.afterApplied(provider, report.id, outcome, report.reason, moved);
    return { recorded: true };
  }

  /** The reports kept for this message, now that it is sent: applied in the order they came, then dropped. */
  async applyKept(messageId: number): Promise<void> {
    const now = this.clock.now();
    const done = await this.dataSource.transaction(async (m) => {
      const msg = await m.findOneBy(SmsMessage, { id: messageId });
      if (!msg?.provider || msg.provider === 'local' || !msg.providerMessageId || !msg.sentAt) return [];
      const provider = msg.provider as DeliveryProvider;
      const kept = await m.find(SmsEarlyReport, { where: { provider, providerMessageId: msg.providerMessageId }, order: { id: 'ASC' } });
      if (!kept.length) return [];
      const applied: { r: SmsEarlyReport; moved: { ticket: { ticketId: number; mailboxId: number } | null } }[] = [];
      for (const r of kept) {
        const current = await m.findOneByOrFail(SmsMessage, { id: msg.id });
        const moved = await this.apply(m, current, r.outcome, r.reason, now);
        if (moved) applied.push({ r, moved });
      }
      await m.delete(SmsEarlyReport, { id: In(kept.map((r) => r.id)) });
      return applied;
    });
    for (const { r, moved } of done) this.afterApplied(r.provider, r.providerMessageId, r.outcome, r.reason, moved);
  }

  /** Kept reports whose message has been sent since (a crash between sending and afterSent), and old ones for no message of ours. */
  async sweep(): Promise<void> {
    const now = this.clock.now();
    const kept = await this.dataSource.getRepository(SmsEarlyReport).find({ order: { id: 'ASC' }, take: SWEEP_BATCH });
    const seen = new Set<number>();
    for (const r of kept) {
      const msg = await this.dataSource.getRepository(SmsMessage).findOne({ select: { id: true, sentAt: true }, where: { provider: r.provider, providerMessageId: r.providerMessageId } });
      if (msg?.sentAt && !seen.has(msg.id)) {
        seen.add(msg.id);
        await this.applyKept(msg.id);
      }
    }
    if (now.getTime() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now.getTime();
    await this.dataSource.getRepository(SmsEarlyReport).delete({ receivedAt: LessThan(new Date(now.getTime() - KEEP_EARLY_MS)) });
  }

  private async apply(m: EntityManager, msg: SmsMessage, outcome: NonNullable<DeliveryReport['outcome']>, reason: string | null, now: Date) {
    const from: SmsStatus[] = outcome === 'delivered' ? ['sent', 'undelivered', 'failed'] : ['sent'];
    const patch: Partial<SmsMessage> =
      outcome === 'delivered'
        ? { status: 'delivered', deliveredAt: now, errorCode: null, errorDetail: null, updatedAt: now }
        : { status: outcome, errorCode: outcome === 'undelivered' ? 'SMS_UNDELIVERED' : 'SMS_DELIVERY_FAILED', errorDetail: reason, updatedAt: now };
    const res = await m.update(SmsMessage, { id: msg.id, status: In(from) }, patch);
    if (!res.affected) return null;
    // A reply on a ticket: its article says so too (sent → delivered / undelivered with a note).
    const out = msg.outboxId ? await m.findOne(OutboxEntry, { select: { id: true, articleId: true }, where: { id: msg.outboxId } }) : null;
    const ticket = out?.articleId ? await this.tickets.recordDelivery(m, out.articleId, outcome === 'delivered' ? { delivered: true } : { delivered: false, reason: reason ?? outcome }, now) : null;
    return { ticket };
  }

  private afterApplied(provider: string, id: string, outcome: string, reason: string | null, moved: { ticket: { ticketId: number; mailboxId: number } | null }) {
    if (moved.ticket) this.events.changed(moved.ticket.ticketId, moved.ticket.mailboxId);
    if (outcome !== 'delivered') this.logger.warn(`${provider} reported ${id} ${outcome}: ${reason ?? ''}`);
  }
}
