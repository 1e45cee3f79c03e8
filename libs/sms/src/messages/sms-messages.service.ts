import { Principal } from '@madoguchi/auth';
import { APP_CONFIG, AppConfig, AuditService, Clock, Conflict, fieldError, NotFound, OutboxEntry, ValidationFailed } from '@madoguchi/core';
import { CustomersService } from '@madoguchi/customers';
import { MailboxesService } from '@madoguchi/mailboxes';
import { TicketsService } from '@madoguchi/tickets';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { SmsConsentService } from '../consent/sms-consent.service';
import { SmsNoConsent, SmsNoMailbox, SmsNoMobile, SmsNotCancellable, SmsNotConfigured, SmsNotRetryable, SmsOptedOut } from '../errors';
import { SmsLinksService, SmsLinkView } from '../links/sms-links.service';
import { smsWarnings } from '../opt-out';
import { japaneseMobile } from '../mobile';
import { checkPlaceholders, MEETING_PLACEHOLDERS, placeholderProblem, renderPlaceholders, SMS_PLACEHOLDERS } from '../placeholders';
import { SMS_MAX_LENGTH, segments } from '../segments';
import { SmsPayload } from '../sending/sms-channel.adapter';
import { SmsSettingsService } from '../settings/sms-settings.service';
import { roundUpToSlot, withinOneYear } from '../slots';
import { SmsTemplatesService } from '../templates/sms-templates.service';
import { SendSmsDto, SmsMessageQueryDto } from './sms-message.dto';
import { SmsMessage, SmsStatus } from './sms-message.entity';

export interface SmsMessageView {
  id: number;
  /** null: a reply on an SMS ticket of a number no customer has. */
  customerId: number | null;
  ticketId: number | null;
  templateId: number | null;
  staffId: number | null;
  toNumber: string;
  subject: string;
  body: string;
  purpose: string;
  status: SmsStatus;
  provider: string;
  captured: boolean;
  clickCount: boolean;
  length: number;
  segments: { docomo: number; au: number; softbank: number };
  scheduledAt: Date | null;
  sentAt: Date | null;
  deliveredAt: Date | null;
  errorCode: string | null;
  errorDetail: string | null;
  attempts: number;
  cancelledAt: Date | null;
  cancelledBy: number | null;
  cancelReason: string | null;
  createdAt: Date;
}

function view(m: SmsMessage): SmsMessageView {
  return {
    id: m.id,
    customerId: m.customerId,
    ticketId: m.ticketId,
    templateId: m.templateId,
    staffId: m.staffId,
    toNumber: m.toNumber,
    subject: m.subject,
    body: m.body,
    purpose: m.purpose,
    status: m.status,
    provider: m.provider,
    captured: m.captured,
    clickCount: m.clickCount,
    length: m.length,
    segments: { docomo: m.segmentsDocomo, au: m.segmentsAu, softbank: m.segmentsSoftbank },
    scheduledAt: m.scheduledAt,
    sentAt: m.sentAt,
    deliveredAt: m.deliveredAt,
    errorCode: m.errorCode,
    errorDetail: m.errorDetail,
    attempts: m.attempts,
    cancelledAt: m.cancelledAt,
    cancelledBy: m.cancelledBy,
    cancelReason: m.cancelReason,
    createdAt: m.createdAt,
  };
}

/** A time as YYYYMMDDHHmmss in the company's time zone (the default subject). */
export function compactTime(d: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('year')}${get('month')}${get('day')}${get('hour')}${get('minute')}${get('second')}`;
}

/** A send time in the past by more than this is refused rather than sent at once. */
const PAST_GRACE_MS = 5 * 60_000;

/**
 * Sending SMS: every SMS is an `sms_message` row and an outbox row (channel `sms`) written in
 * one transaction before anything is sent; the dispatcher sends it when due (now, or its
 * 10-minute slot) and the adapter records the outcome. Cancel takes the outbox row back while
 * it is still pending, so nothing reaches the provider.
 */
@Injectable()
export class SmsMessagesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly customers: CustomersService,
    private readonly mailboxes: MailboxesService,
    private readonly tickets: TicketsService,
    private readonly settings: SmsSettingsService,
    private readonly templates: SmsTemplatesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly consent: SmsConsentService,
    private readonly links: SmsLinksService,
  ) {}

  /**
   * `options.dueAt`: when the outbox row falls due, if later than the send time (a bulk send
   * spreads its rows at the provider's rate); `options.also`: more rows written in the same
   * transaction (the bulk send's item).
   */
  async send(dto: SendSmsDto, p: Principal, options: { dueAt?: Date; also?: (m: EntityManager, messageId: number) => Promise<void> } = {}): Promise<SmsMessageView & { links: SmsLinkView[]; warnings: string[] }> {
    const now = this.clock.now();
    const customer = await this.customers.get(dto.customerId);
    const mobile = japaneseMobile(customer.mobile);
    if (!mobile) throw new SmsNoMobile(customer.id);
    const refusal = dto.purpose === 'marketing' ? await this.consent.marketingRefusal(customer.id) : null;
    if (refusal) throw refusal === 'SMS_OPTED_OUT' ? new SmsOptedOut(customer.id) : new SmsNoConsent(customer.id);
    if (dto.ticketId) await this.tickets.visibleTicket(dto.ticketId, p);
    const template = dto.templateId ? await this.templates.row(dto.templateId) : null;

    const problem = placeholderProblem(dto.body);
    const check = checkPlaceholders(dto.body);
    if (problem) throw new ValidationFailed({ body: [fieldError(check.unknown.length ? 'UNKNOWN_PLACEHOLDER' : 'UNCLOSED_PLACEHOLDER', problem, { token: check.unknown.length ? check.unknown.map((n) => `[[%${n}%]]`).join(', ') : '[[%', known: SMS_PLACEHOLDERS.join(', ') })] });
    const needsMeeting = check.used.filter((u) => MEETING_PLACEHOLDERS.includes(u));
    if (needsMeeting.length && !dto.meeting) throw new ValidationFailed({ meeting: [fieldError('REQUIRED', `the body uses ${needsMeeting.map((n) => `[[%${n}%]]`).join(', ')}: give meeting.url, meeting.id and meeting.password`)] });

    let scheduledAt: Date | null = null;
    if (dto.sendAt) {
      const at = new Date(dto.sendAt);
      if (Number.isNaN(at.getTime())) throw new ValidationFailed({ sendAt: [fieldError('DATE', 'sendAt is not a valid time')] });
      if (at.getTime() < now.getTime() - PAST_GRACE_MS) throw new ValidationFailed({ sendAt: [fieldError('SEND_AT_RANGE', 'sendAt is in the past: give a time from now to one year ahead')] });
      const slot = roundUpToSlot(at);
      if (!withinOneYear(slot, now)) throw new ValidationFailed({ sendAt: [fieldError('SEND_AT_RANGE', 'sendAt may be at most one year ahead')] });
      if (slot.getTime() > now.getTime()) scheduledAt = slot;
    }

    const names = await this.customers.staffNames();
    const rendered = renderPlaceholders(dto.body, {
      氏名: [customer.lastName, customer.firstName].filter(Boolean).join(' '),
      担当者: (customer.assigneeIds[0] !== undefined ? names.get(customer.assigneeIds[0]) : undefined) ?? p.name,
      会社名: this.config.company.name,
      オンライン接客URL: dto.meeting?.url ?? '',
      ミーティングID: dto.meeting?.id ?? '',
      ミーティングパスワード: dto.meeting?.password ?? '',
    });
    // Click counting: the first two URLs become short links, and the count is of the text as sent.
    const shortened = dto.clickCount ? this.links.shorten(rendered) : { text: rendered, links: [] };
    const sentText = shortened.text;
    const count = segments(sentText);
    if (count.tooLong) throw new ValidationFailed({ body: [fieldError('MAX_LENGTH', `body must be at most ${SMS_MAX_LENGTH} characters once the placeholders are filled (it is ${count.length})`, { max: SMS_MAX_LENGTH, length: count.length })] });

    const settings = await this.settings.row();
    const provider = this.settings.effectiveProvider(settings);
    if (!provider) throw new SmsNotConfigured();
    const mailboxId = settings?.mailboxId ?? (await this.mailboxes.list(p))[0]?.id;
    if (!mailboxId) throw new SmsNoMailbox();

    const sendTime = scheduledAt ?? now;
    const subject = (dto.subject?.trim() || (template?.subject ? renderPlaceholders(template.subject, { 会社名: this.config.company.name }) : '') || compactTime(sendTime, this.config.company.timeZone)).slice(0, 100);
    const idempotencyKey = `sms-${randomUUID()}`;

    return this.dataSource.transaction(async (m) => {
      const msg = await m.getRepository(SmsMessage).save(
        m.getRepository(SmsMessage).create({
          customerId: customer.id,
          ticketId: dto.ticketId ?? null,
          templateId: template?.id ?? null,
          staffId: p.userId,
          mailboxId,
          toNumber: mobile.e164,
          subject,
          body: sentText,
          purpose: dto.purpose,
          status: scheduledAt ? 'scheduled' : 'queued',
          provider,
          length: count.length,
          segmentsDocomo: count.segments.docomo,
          segmentsAu: count.segments.au,
          segmentsSoftbank: count.segments.softbank,
          clickCount: dto.clickCount ?? false,
          idempotencyKey,
          outboxId: null,
          scheduledAt,
          providerMessageId: null,
          captured: false,
          sentAt: null,
          deliveredAt: null,
          errorCode: null,
          errorDetail: null,
          attempts: 0,
          cancelledAt: null,
          cancelledBy: null,
          cancelReason: null,
          createdAt: now,
          updatedAt: now,
        }),
      );
      const payload: SmsPayload = { smsMessageId: msg.id };
      // No ticket id on the outbox row: tickets' delivery outcomes are for replies; this SMS's own outcome goes to the adapter.
      const outbox = await m.getRepository(OutboxEntry).save(
        m.getRepository(OutboxEntry).create({
          channel: 'sms',
          mailboxId,
          target: mobile.e164,
          ticketId: null,
          articleId: null,
          state: 'pending',
          purpose: null,
          subject,
          payload: JSON.stringify(payload),
          idempotencyKey,
          dueAt: options.dueAt && options.dueAt > sendTime ? options.dueAt : sendTime,
          cancelOnCustomerReply: false,
          attempts: 0,
          lastError: null,
          lastErrorCode: null,
          lockOwner: null,
          lockedUntil: null,
          sentAt: null,
          createdAt: now,
          updatedAt: now,
        }),
      );
      msg.outboxId = outbox.id;
      await m.update(SmsMessage, { id: msg.id }, { outboxId: outbox.id });
      await this.links.save(m, msg.id, shortened.links);
      await options.also?.(m, msg.id);
      await this.audit.record(p.actor, { entity: 'sms_message', entityId: msg.id, action: 'create', after: { customerId: msg.customerId, status: msg.status, scheduledAt, purpose: msg.purpose } }, m);
      return { ...view(msg), links: shortened.links.map((l) => ({ position: l.position, url: l.url, shortUrl: this.links.shortUrl(l.code), clicks: 0, firstClickAt: null, lastClickAt: null })), warnings: smsWarnings(dto.purpose, sentText) };
    });
  }

  async get(id: number): Promise<SmsMessageView & { links: SmsLinkView[] }> {
    const row = await this.dataSource.getRepository(SmsMessage).findOneBy({ id });
    if (!row) throw new NotFound('sms message', id);
    return { ...view(row), links: (await this.links.forMessages([row.id])).get(row.id) ?? [] };
  }

  async list(q: SmsMessageQueryDto): Promise<{ items: (SmsMessageView & { customer: { id: number; code: string; name: string } | null; cancelledByName: string | null; links: SmsLinkView[] })[]; total: number; page: number; pageSize: number }> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 50;
    const qb = this.dataSource.getRepository(SmsMessage).createQueryBuilder('s');
    if (q.customerId) qb.andWhere('s.customer_id = :c', { c: q.customerId });
    if (q.status) qb.andWhere('s.status = :st', { st: q.status });
    if (q.staffId) qb.andWhere('s.staff_id = :sf', { sf: q.staffId });
    const from = q.from ? new Date(q.from) : null;
    const to = q.to ? new Date(q.to) : null;
    if (from && !Number.isNaN(from.getTime())) qb.andWhere('s.created_at >= :from', { from });
    if (to && !Number.isNaN(to.getTime())) qb.andWhere('s.created_at < :to', { to });
    const [rows, total] = await qb
      .orderBy('s.created_at', 'DESC')
      .addOrderBy('s.id', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    // The history names whom each one went to (a customer deleted since shows as null).
    const customers = await this.customers.namesAndCodes(rows.flatMap((r) => (r.customerId !== null ? [r.customerId] : [])));
    const links = await this.links.forMessages(rows.map((r) => r.id));
    // 配信取消 says who cancelled it (the console words it; a consent refusal carries its code instead).
    const staff = rows.some((r) => r.cancelledBy !== null) ? await this.customers.staffNames() : new Map<number, string>();
    return {
      items: rows.map((r) => ({
        ...view(r),
        customer: r.customerId !== null && customers.has(r.customerId) ? { id: r.customerId, ...customers.get(r.customerId)! } : null,
        cancelledByName: r.cancelledBy !== null ? (staff.get(r.cancelledBy) ?? null) : null,
        links: links.get(r.id) ?? [],
      })),
      total,
      page,
      pageSize,
    };
  }

  /** 配信取消: only while the outbox row is still waiting; a sent (or sending) SMS is a 409. */
  async cancel(id: number, p: Principal): Promise<SmsMessageView> {
    return this.dataSource.transaction(async (m) => {
      const msg = await m.findOneBy(SmsMessage, { id });
      if (!msg) throw new NotFound('sms message', id);
      if (msg.status !== 'queued' && msg.status !== 'scheduled') throw new SmsNotCancellable(id, msg.status);
      const now = this.clock.now();
      // The outbox row is taken back only while no dispatcher holds it: pending, not sending.
      const taken = msg.outboxId ? await m.update(OutboxEntry, { id: msg.outboxId, state: 'pending' }, { state: 'cancelled', lastError: 'cancelled', lastErrorCode: 'SMS_CANCELLED', updatedAt: now }) : { affected: 0 };
      if (!taken.affected) throw new SmsNotCancellable(id, 'being sent');
      await m.update(SmsMessage, { id, status: msg.status }, { status: 'cancelled', cancelledAt: now, cancelledBy: p.userId, cancelReason: 'cancelled by staff', updatedAt: now });
      await this.audit.record(p.actor, { entity: 'sms_message', entityId: id, action: 'cancel', before: { status: msg.status }, after: { status: 'cancelled' } }, m);
      return view({ ...msg, status: 'cancelled', cancelledAt: now, cancelledBy: p.userId, cancelReason: 'cancelled by staff', updatedAt: now });
    });
  }

  /**
   * Retry by hand: a failed SMS goes out again through its own outbox row, put back to pending
   * with a fresh attempt budget and the same idempotency key (the gateway answers a key it has
   * seen with the first message, so a send that did reach it is not repeated). Anything but
   * `failed` is a 409; a marketing SMS needs the customer's consent as it stands now.
   */
  async retry(id: number, p: Principal): Promise<SmsMessageView & { links: SmsLinkView[] }> {
    const before = await this.dataSource.getRepository(SmsMessage).findOneBy({ id });
    if (!before) throw new NotFound('sms message', id);
    if (before.status !== 'failed') throw new SmsNotRetryable(id, before.status);
    // Asked before the transaction: the consent check reads through the customers service's own manager.
    const refusal = before.purpose === 'marketing' && before.customerId !== null ? await this.consent.marketingRefusal(before.customerId) : null;
    if (refusal) throw refusal === 'SMS_OPTED_OUT' ? new SmsOptedOut(before.customerId!) : new SmsNoConsent(before.customerId!);
    await this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const msg = await m.update(SmsMessage, { id, status: 'failed' }, { status: 'queued', errorCode: null, errorDetail: null, updatedAt: now });
      if (!msg.affected) throw new SmsNotRetryable(id, 'no longer failed');
      // Only a row the dispatcher gave up on: never one it is sending.
      const taken = before.outboxId ? await m.update(OutboxEntry, { id: before.outboxId, state: 'failed' }, { state: 'pending', dueAt: now, attempts: 0, lastError: null, lastErrorCode: null, lockOwner: null, lockedUntil: null, updatedAt: now }) : { affected: 0 };
      if (!taken.affected) throw new SmsNotRetryable(id, 'not failed in the outbox');
      await this.audit.record(p.actor, { entity: 'sms_message', entityId: id, action: 'retry', before: { status: 'failed', errorCode: before.errorCode }, after: { status: 'queued' } }, m);
    });
    return this.get(id);
  }
}
