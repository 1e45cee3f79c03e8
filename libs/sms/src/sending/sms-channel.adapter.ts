import { ChannelAdapter, ChannelFailure, ChannelReceipt, ChannelRegistry, Clock, DeliveryFailure, OutboundDraft, OutboxEntry, PreparedMessage, Recipient } from '@madoguchi/core';
import { HistoryService } from '@madoguchi/customers';
import { OutboundMessages, TicketsService } from '@madoguchi/tickets';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { SmsConsentService } from '../consent/sms-consent.service';
import { SmsDeliveryReports } from '../delivery/sms-delivery-reports.service';
import { SmsMessage } from '../messages/sms-message.entity';
import { japaneseMobile } from '../mobile';
import { segments } from '../segments';
import { SmsReplyAttachments, SmsReplyRecipient, SmsTooLong } from '../webhooks/webhook-errors';
import { SmsProviderError } from '../providers/sms-provider';
import { SmsSettings, SmsProviderKind } from '../settings/sms-settings.entity';
import { splitAddresses, SmsSettingsService } from '../settings/sms-settings.service';

/** The SMS channel account: the settings row as it stands when sending, and the provider it makes. */
export interface SmsChannel {
  settings: SmsSettings | null;
  kind: SmsProviderKind | null;
}

/** What an SMS outbox row carries: its message row (sent from the karte or a ticket), or a bare number and text. */
export type SmsPayload = { smsMessageId: number } | { to: string; body: string };

export interface SmsReceipt extends ChannelReceipt {
  providerMessageId: string;
}

/**
 * The SMS channel (house style: Channels). Each outbox row of channel `sms` names its
 * `sms_message` row; sending asks the configured provider (local capture, the gateway, Twilio)
 * and writes the provider's message id on that row at once, so that after a crash `confirm`
 * can tell it went out. The status change and the history entry (`sms_sent`) are written by
 * `recordOutcome`, in the dispatcher's transaction that marks the outbox row.
 */
@Injectable()
export class SmsChannelAdapter implements ChannelAdapter<SmsChannel, SmsReceipt> {
  readonly kind = 'sms' as const;
  private readonly logger = new Logger('SmsChannel');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: SmsSettingsService,
    private readonly history: HistoryService,
    private readonly outbound: OutboundMessages,
    private readonly clock: Clock,
    private readonly tickets: TicketsService,
    private readonly consent: SmsConsentService,
    private readonly deliveries: SmsDeliveryReports,
    registry: ChannelRegistry,
  ) {
    registry.register(this);
  }

  async channel(): Promise<SmsChannel> {
    const settings = await this.settings.row();
    return { settings, kind: this.settings.effectiveProvider(settings) };
  }

  canSend(channel: SmsChannel | null): boolean {
    return !!channel?.kind;
  }

  identity(channel: SmsChannel): Recipient {
    const s = channel.settings;
    return { address: (channel.kind === 'twilio' ? s?.twilioFrom : channel.kind === 'gateway' ? s?.gatewaySender : null) ?? '', name: 'SMS' };
  }

  async verify(channel: SmsChannel): Promise<void> {
    await this.settings.provider(channel.settings, channel.kind)?.verify();
  }

  /**
   * A reply on an SMS ticket, when it is written: one Japanese mobile number (no cc, no bcc, no
   * files), its text at most 660 characters. The subject is not sent.
   */
  check(_channel: SmsChannel, draft: OutboundDraft): void {
    if (draft.to.length !== 1 || draft.cc.length || draft.bcc.length) throw new SmsReplyRecipient('an SMS goes to exactly one mobile number: give it in to, with no cc or bcc');
    if (!japaneseMobile(draft.to[0].address)) throw new SmsReplyRecipient(`${draft.to[0].address.slice(0, 40)} is not a Japanese mobile number (070, 080 or 090)`);
    if (draft.attachments.length) throw new SmsReplyAttachments();
    const count = segments(draft.text);
    if (count.tooLong) throw new SmsTooLong(count.length);
  }

  prepare(_channel: SmsChannel, draft: OutboundDraft): PreparedMessage {
    const raw = draft.to[0]?.address ?? '';
    const to = japaneseMobile(raw)?.e164 ?? raw;
    const payload: SmsPayload = { to, body: draft.text };
    return { idempotencyKey: `sms-${randomUUID()}`, target: to, payload: JSON.stringify(payload), externalId: null, thread: { parent: null, ancestry: [] } };
  }

  /** The row's message: named in its payload, or (a ticket reply) the one `send` wrote under the row's key. */
  private async message(row: OutboxEntry, m: EntityManager = this.dataSource.manager): Promise<SmsMessage | null> {
    const payload = JSON.parse(row.payload) as SmsPayload;
    if ('smsMessageId' in payload) return m.findOneBy(SmsMessage, { id: payload.smsMessageId });
    return row.articleId ? m.findOneBy(SmsMessage, { idempotencyKey: row.idempotencyKey }) : null;
  }

  /**
   * A reply on an SMS ticket gets its `sms_message` row when it is first sent (under the outbox
   * row's key, so a retry finds it): what the history (送信履歴), the status callback and
   * `confirm` after a crash work on, like an SMS from the karte.
   */
  private async replyMessage(row: OutboxEntry, kind: SmsProviderKind): Promise<SmsMessage | null> {
    if (!row.articleId) return null;
    const existing = await this.message(row);
    if (existing) return existing;
    const reply = await this.tickets.outboundOf(this.dataSource.manager, row.articleId);
    const { to, body } = JSON.parse(row.payload) as { to: string; body: string };
    const count = segments(body);
    const now = this.clock.now();
    const repo = this.dataSource.getRepository(SmsMessage);
    await repo
      .createQueryBuilder()
      .insert()
      .values({
        customerId: reply?.customerId ?? null,
        ticketId: row.ticketId,
        templateId: null,
        staffId: reply?.authorId ?? null,
        mailboxId: row.mailboxId,
        toNumber: to.slice(0, 20),
        subject: (row.subject ?? reply?.subject ?? '').slice(0, 100),
        body,
        purpose: 'transactional',
        status: 'queued',
        provider: kind,
        length: count.length,
        segmentsDocomo: count.segments.docomo,
        segmentsAu: count.segments.au,
        segmentsSoftbank: count.segments.softbank,
        clickCount: false,
        idempotencyKey: row.idempotencyKey,
        outboxId: row.id,
        scheduledAt: null,
        providerMessageId: null,
        captured: false,
        sentAt: null,
        deliveredAt: null,
        errorCode: null,
        errorDetail: null,
        attempts: row.attempts,
        cancelledAt: null,
        cancelledBy: null,
        cancelReason: null,
        createdAt: now,
        updatedAt: now,
      })
      .orIgnore()
      .execute();
    return this.message(row);
  }

  private request(row: OutboxEntry, msg: SmsMessage | null) {
    const payload = JSON.parse(row.payload) as SmsPayload;
    return msg ? { to: msg.toNumber, body: msg.body, idempotencyKey: row.idempotencyKey } : { to: (payload as { to: string }).to, body: (payload as { body: string }).body, idempotencyKey: row.idempotencyKey };
  }

  async send(channel: SmsChannel | null, row: OutboxEntry): Promise<SmsReceipt> {
    const kind = channel?.kind ?? null;
    const provider = this.settings.provider(channel?.settings ?? null, kind);
    if (!provider || !kind) throw new SmsProviderError('SMS_NOT_CONFIGURED', 'soon', 'No SMS provider is configured');
    const msg = (await this.message(row)) ?? (await this.replyMessage(row, kind));
    await this.checkStillWanted(msg);
    const result = await provider.send(this.request(row, msg));
    await this.remember(msg, kind, result.providerMessageId);
    return { captured: kind === 'local', note: null, providerMessageId: result.providerMessageId };
  }

  /**
   * Refuses (a permanent SmsProviderError) an SMS cancelled meanwhile, and — 特定電子メール法:
   * consent as it stands when due — a marketing SMS to a customer who opted out since, which is
   * cancelled with the reason. Asked before every send, the resend after a crash included.
   */
  private async checkStillWanted(msg: SmsMessage | null): Promise<void> {
    if (msg && msg.status === 'cancelled') throw new SmsProviderError('SMS_CANCELLED', 'now', 'The SMS was cancelled before it was sent');
    if (msg && msg.purpose === 'marketing' && msg.customerId !== null) {
      const refusal = await this.consent.marketingRefusal(msg.customerId);
      if (refusal) {
        await this.consent.markCancelled(this.dataSource.manager, msg, refusal);
        throw new SmsProviderError(refusal, 'now', `Not sent: ${refusal === 'SMS_OPTED_OUT' ? 'the customer opted out of marketing SMS' : 'the customer no longer agrees to marketing SMS'}`);
      }
    }
  }

  /** The provider's id on the message row as soon as the provider answered: what `confirm` trusts after a crash. */
  private async remember(msg: SmsMessage | null, kind: SmsProviderKind, providerMessageId: string): Promise<void> {
    if (!msg) return;
    await this.dataSource.getRepository(SmsMessage).update({ id: msg.id }, { providerMessageId, provider: kind, captured: kind === 'local', updatedAt: this.clock.now() });
  }

  /** A delivery report the provider sent before the message was marked sent is applied now. */
  async afterSent(_channel: SmsChannel | null, row: OutboxEntry): Promise<void> {
    const msg = await this.message(row);
    if (msg) await this.deliveries.applyKept(msg.id);
  }

  /** Early delivery reports a crash left unapplied, and old ones for no message of ours. */
  async sweep(): Promise<void> {
    await this.deliveries.sweep();
  }

  classify(e: unknown): ChannelFailure {
    if (e instanceof SmsProviderError) return { code: e.code, giveUp: e.giveUp, detail: e.message };
    return { code: 'SMS_SEND_ERROR', giveUp: 'later', detail: (e as Error)?.message ?? String(e) };
  }

  /**
   * A row found mid-send after its lease ran out. The provider id on the message row means the
   * provider had it. Otherwise the provider is asked (gateway: by idempotency key; Twilio: the
   * messages to the number, by body and time); the gateway, which answers a repeated key with the
   * first message, and local capture are safe to send again; Twilio is not — a person checks.
   */
  async confirm(channel: SmsChannel | null, row: OutboxEntry): Promise<'sent' | 'captured' | 'unknown' | 'later'> {
    const msg = await this.message(row);
    if (msg?.providerMessageId) return msg.captured ? 'captured' : 'sent';
    const kind = channel?.kind ?? null;
    const provider = this.settings.provider(channel?.settings ?? null, kind);
    if (!provider || !kind) return 'unknown';
    const req = this.request(row, msg);
    const found = await provider.find({ ...req, since: row.createdAt });
    if (found) {
      await this.remember(msg, kind, found);
      return 'sent';
    }
    if (found === undefined || kind === 'twilio') return 'unknown';
    // Sent again: the same checks as any send (cancelled meanwhile, consent withdrawn) — a refusal is not sent, and the SMS row says why.
    try {
      await this.checkStillWanted(msg ? await this.message(row) : null);
    } catch (e) {
      if (e instanceof SmsProviderError) return 'unknown';
      throw e;
    }
    const result = await provider.send(req);
    await this.remember(msg, kind, result.providerMessageId);
    return kind === 'local' ? 'captured' : 'sent';
  }

  /**
   * The notification mail to the settings' addresses (at most five) after an SMS went out: an
   * email outbox row of its mailbox, written in the transaction that marks the SMS sent, so it
   * is mailed once. Nothing when the mailbox cannot send mail.
   */
  private async notify(m: EntityManager, msg: SmsMessage, now: Date): Promise<void> {
    const settings = await m.findOneBy(SmsSettings, { id: 1 });
    const to = splitAddresses(settings?.notifyAddresses ?? '').slice(0, 5);
    if (!to.length) return;
    const sender = await this.outbound.sender(msg.mailboxId, 'email');
    if (!sender) {
      this.logger.warn(`sms ${msg.id}: sent, but mailbox ${msg.mailboxId} cannot send the notification mail`);
      return;
    }
    const text = [`SMSを送信しました。`, '', `宛先: ${msg.toNumber}`, `件名: ${msg.subject}`, `送信日時: ${now.toISOString()}`, `SMS番号: ${msg.id}`, '', msg.body].join('\n');
    const { row } = this.outbound.standalone(sender, { from: null, to: to.map((address) => ({ address, name: '' })), cc: [], bcc: [], subject: `SMS送信通知: ${msg.subject}`, text, attachments: [] }, now, 'notification');
    await m.insert(OutboxEntry, row);
  }

  async recordOutcome(m: EntityManager, row: OutboxEntry, outcome: { sent: true; captured: boolean } | { sent: false; failure: DeliveryFailure }): Promise<void> {
    const msg = await this.message(row, m);
    if (!msg) return;
    const now = this.clock.now();
    if (outcome.sent) {
      const res = await m.update(SmsMessage, { id: msg.id, status: In(['queued', 'scheduled', 'failed']) }, { status: 'sent', captured: outcome.captured, sentAt: now, errorCode: null, errorDetail: null, attempts: row.attempts, updatedAt: now });
      if (!res.affected) return;
      // 自動履歴, once per SMS: a send reported twice (recovered after a crash) finds the key.
      await this.history.recordAuto(m, 'sms_sent', {
        customerId: msg.customerId,
        eventKey: String(msg.id),
        ticketId: msg.ticketId,
        staffId: msg.staffId,
        authorId: msg.staffId,
        values: { subject: msg.subject },
        details: [{ workedAt: now, staffId: msg.staffId, content: msg.body }],
      });
      // Sent from a ticket's dialog (not a reply, whose article is its own line): a line on the ticket's timeline.
      if (msg.ticketId && !row.articleId) await this.tickets.addSystemNote(m, msg.ticketId, `SMSを送信しました（${japaneseMobile(msg.toNumber)?.national ?? msg.toNumber}）\n${msg.body}`, now);
      await this.notify(m, msg, now);
      return;
    }
    const f = outcome.failure;
    const final = f.retryAt === null;
    await m.update(SmsMessage, { id: msg.id, status: In(['queued', 'scheduled']) }, { ...(final ? { status: 'failed' as const } : {}), errorCode: f.code, errorDetail: f.detail, attempts: f.attempts, updatedAt: now });
    if (final) this.logger.warn(`sms ${msg.id}: failed (${f.code}): ${f.detail}`);
  }
}
