import { Principal } from '@madoguchi/auth';
import { AuditService, Clock, DomainError, fieldError, NotFound, ValidationFailed } from '@madoguchi/core';
import { CustomersService, CustomerView } from '@madoguchi/customers';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { SmsConsentService } from '../consent/sms-consent.service';
import { SmsBulkTooLarge, SmsNotConfigured } from '../errors';
import { SmsMessage, SmsStatus } from '../messages/sms-message.entity';
import { SmsMessagesService } from '../messages/sms-messages.service';
import { japaneseMobile } from '../mobile';
import { smsWarnings } from '../opt-out';
import { checkPlaceholders, MEETING_PLACEHOLDERS } from '../placeholders';
import { SmsProviderKind } from '../settings/sms-settings.entity';
import { SmsSettingsService } from '../settings/sms-settings.service';
import { roundUpToSlot, withinOneYear } from '../slots';
import { SmsTemplatesService } from '../templates/sms-templates.service';
import { BulkSmsDto, SMS_BULK_MAX } from './sms-bulk.dto';
import { SmsBulk, SmsBulkItem } from './sms-bulk.entity';

/**
 * Messages per second a bulk send is spread at, per provider: the outbox rows fall due this far
 * apart, so the dispatcher (which takes at most 20 due rows a second) never sends faster. Twilio
 * queues above an account's rate itself; the Japanese gateways answer 429 above theirs (about
 * 10/s), which the dispatcher would retry, but spreading means it does not come to that.
 */
export const SMS_BULK_RATE: Record<SmsProviderKind, number> = { local: 20, gateway: 10, twilio: 10 };

export type SkipReason = string;

export interface BulkPreview {
  total: number;
  recipients: { customerId: number; code: string; name: string; number: string }[];
  skipped: { customerId: number; reason: SkipReason }[];
  counts: { recipients: number; skipped: number; reasons: Record<string, number> };
  provider: SmsProviderKind;
  ratePerSecond: number;
  /** How long sending them all takes at that rate, from the slot (or now). */
  estimatedSeconds: number;
  scheduledAt: Date | null;
  warnings: string[];
}

const PAST_GRACE_MS = 5 * 60_000;

/**
 * 一斉送信 from a customer search result: the same template to each customer chosen who has a
 * mobile number and, for marketing, consent; the others are left out with the reason (the
 * preview shows both before anything is written). Each recipient gets their own sms_message,
 * outbox row and (when sent) history entry, through the same send path as one SMS.
 */
@Injectable()
export class SmsBulkService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersService,
    private readonly consent: SmsConsentService,
    private readonly messages: SmsMessagesService,
    private readonly settings: SmsSettingsService,
    private readonly templates: SmsTemplatesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async preview(dto: BulkSmsDto): Promise<BulkPreview> {
    const template = await this.templates.row(dto.templateId);
    const used = checkPlaceholders(template.body).used;
    if (used.some((u) => MEETING_PLACEHOLDERS.includes(u))) {
      throw new ValidationFailed({
        templateId: [
          fieldError(
            'MEETING_TEMPLATE',
            'a template with online-meeting placeholders cannot be sent in bulk: each meeting is its own',
          ),
        ],
      });
    }
    const scheduledAt = this.slot(dto.sendAt);
    const provider = this.settings.effectiveProvider(await this.settings.row());
    if (!provider) throw new SmsNotConfigured();
    const { found, missing } = await this.chosen(dto);
    const refusals =
      dto.purpose === 'marketing' ? await this.consent.marketingRefusals(found) : new Map<number, null>();
    const recipients: BulkPreview['recipients'] = [];
    const skipped: BulkPreview['skipped'] = missing.map((customerId) => ({
      customerId,
      reason: 'CUSTOMER_NOT_FOUND',
    }));
    for (const c of found) {
      const mobile = japaneseMobile(c.mobile);
      const refusal = refusals.get(c.id) ?? null;
      // 退会済み: kept with their history, never in a bulk send.
      if (c.withdrawnAt) skipped.push({ customerId: c.id, reason: 'CUSTOMER_WITHDRAWN' });
      else if (!mobile) skipped.push({ customerId: c.id, reason: 'SMS_NO_MOBILE' });
      else if (refusal) skipped.push({ customerId: c.id, reason: refusal });
      else
        recipients.push({
          customerId: c.id,
          code: c.code,
          name: [c.lastName, c.firstName].filter(Boolean).join(' '),
          number: mobile.national,
        });
    }
    skipped.sort((a, b) => a.customerId - b.customerId);
    const reasons: Record<string, number> = {};
    for (const s of skipped) reasons[s.reason] = (reasons[s.reason] ?? 0) + 1;
    const rate = SMS_BULK_RATE[provider];
    return {
      total: found.length + missing.length,
      recipients,
      skipped,
      counts: { recipients: recipients.length, skipped: skipped.length, reasons },
      provider,
      ratePerSecond: rate,
      estimatedSeconds: Math.ceil(recipients.length / rate),
      scheduledAt,
      warnings: smsWarnings(dto.purpose, template.body),
    };
  }

  /** Writes one SMS per recipient (each its own transaction with its outbox row), spread at the provider's rate. */
  async send(
    dto: BulkSmsDto,
    p: Principal,
  ): Promise<{
    id: number;
    queued: number;
    skipped: { customerId: number; reason: SkipReason }[];
    warnings: string[];
  }> {
    const plan = await this.preview(dto);
    const now = this.clock.now();
    const bulk = await this.dataSource.transaction(async (m) => {
      const row = await m
        .getRepository(SmsBulk)
        .save(
          m
            .getRepository(SmsBulk)
            .create({
              templateId: dto.templateId,
              purpose: dto.purpose,
              staffId: p.userId,
              sendAt: plan.scheduledAt,
              queued: 0,
              skipped: 0,
              createdAt: now,
            }),
        );
      await this.audit.record(
        p.actor,
        {
          entity: 'sms_bulk',
          entityId: row.id,
          action: 'create',
          after: {
            templateId: row.templateId,
            purpose: row.purpose,
            sendAt: row.sendAt,
            recipients: plan.recipients.length,
            skipped: plan.skipped.length,
          },
        },
        m,
      );
      return row;
    });
    const template = await this.templates.row(dto.templateId);
    const start = (plan.scheduledAt ?? now).getTime();
    const skipped = [...plan.skipped];
    let queued = 0;
    for (const r of plan.recipients) {
      try {
        await this.messages.send(
          {
            customerId: r.customerId,
            templateId: template.id,
            body: template.body,
            sendAt: dto.sendAt,
            clickCount: dto.clickCount,
            purpose: dto.purpose,
          },
          p,
          {
            dueAt: new Date(start + Math.floor(queued / plan.ratePerSecond) * 1000),
            also: async (m, messageId) => {
              await m.insert(SmsBulkItem, {
                bulkId: bulk.id,
                customerId: r.customerId,
                messageId,
                skipReason: null,
              });
            },
          },
        );
        queued++;
      } catch (e) {
        // What changed since the preview (the mobile number removed, consent withdrawn): left out with its code.
        if (!(e instanceof DomainError) || e.status >= 500) throw e;
        skipped.push({ customerId: r.customerId, reason: e.code.slice(0, 32) });
      }
    }
    skipped.sort((a, b) => a.customerId - b.customerId);
    for (let i = 0; i < skipped.length; i += 500) {
      await this.dataSource
        .getRepository(SmsBulkItem)
        .insert(
          skipped
            .slice(i, i + 500)
            .map((s) => ({
              bulkId: bulk.id,
              customerId: s.customerId,
              messageId: null,
              skipReason: s.reason,
            })),
        );
    }
    await this.dataSource.getRepository(SmsBulk).update({ id: bulk.id }, { queued, skipped: skipped.length });
    return { id: bulk.id, queued, skipped, warnings: plan.warnings };
  }

  /** Progress: how many of its SMS wait, went out, failed or were cancelled, and who was left out. */
  async progress(id: number) {
    const bulk = await this.dataSource.getRepository(SmsBulk).findOneBy({ id });
    if (!bulk) throw new NotFound('sms bulk', id);
    const rows = await this.dataSource
      .getRepository(SmsBulkItem)
      .createQueryBuilder('i')
      .innerJoin(SmsMessage, 'm', 'm.id = i.message_id')
      .select('m.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .where('i.bulk_id = :id', { id })
      .groupBy('m.status')
      .getRawMany<{ status: SmsStatus; n: number | string }>();
    const by = (s: SmsStatus[]) =>
      rows.filter((r) => s.includes(r.status)).reduce((n, r) => n + Number(r.n), 0);
    const left = (
      await this.dataSource
        .getRepository(SmsBulkItem)
        .find({ where: { bulkId: id, messageId: IsNull() }, order: { customerId: 'ASC' } })
    ).map((s) => ({ customerId: s.customerId, reason: s.skipReason ?? '' }));
    const waiting = by(['queued', 'scheduled']);
    return {
      id: bulk.id,
      templateId: bulk.templateId,
      purpose: bulk.purpose,
      staffId: bulk.staffId,
      sendAt: bulk.sendAt,
      createdAt: bulk.createdAt,
      queued: bulk.queued,
      skipped: left,
      progress: {
        waiting,
        sent: by(['sent', 'delivered']),
        delivered: by(['delivered']),
        failed: by(['failed']),
        cancelled: by(['cancelled']),
      },
      done: waiting === 0,
    };
  }

  /** The customers named (those that exist, and the ids that do not) or matching the search, at most SMS_BULK_MAX. */
  private async chosen(dto: BulkSmsDto): Promise<{ found: CustomerView[]; missing: number[] }> {
    if (!!dto.customerIds === !!dto.search)
      throw new ValidationFailed({
        customerIds: [fieldError('REQUIRED', 'give either customerIds or search (one of them)')],
      });
    const found: CustomerView[] = [];
    const missing: number[] = [];
    if (dto.customerIds) {
      const ids = [...new Set(dto.customerIds)];
      if (ids.length > SMS_BULK_MAX) throw new SmsBulkTooLarge(ids.length, SMS_BULK_MAX);
      for (const id of ids) {
        const c = await this.customers.get(id).catch((e: unknown) => {
          if (e instanceof DomainError && e.status === 404) return null;
          throw e;
        });
        if (c) found.push(c);
        else missing.push(id);
      }
      return { found, missing };
    }
    const { page: _p, pageSize: _s, ...query } = dto.search!;
    for await (const batch of this.customers.iterate(query, 1000)) {
      found.push(...batch);
      if (found.length > SMS_BULK_MAX) throw new SmsBulkTooLarge(found.length, SMS_BULK_MAX);
    }
    return { found, missing };
  }

  /** The slot asked for (rounded up), checked like a single send's. */
  private slot(sendAt: string | undefined): Date | null {
    if (!sendAt) return null;
    const now = this.clock.now();
    const at = new Date(sendAt);
    if (Number.isNaN(at.getTime()))
      throw new ValidationFailed({ sendAt: [fieldError('DATE', 'sendAt is not a valid time')] });
    if (at.getTime() < now.getTime() - PAST_GRACE_MS)
      throw new ValidationFailed({
        sendAt: [
          fieldError('SEND_AT_RANGE', 'sendAt is in the past: give a time from now to one year ahead'),
        ],
      });
    const slot = roundUpToSlot(at);
    if (!withinOneYear(slot, now))
      throw new ValidationFailed({
        sendAt: [fieldError('SEND_AT_RANGE', 'sendAt may be at most one year ahead')],
      });
    return slot.getTime() > now.getTime() ? slot : null;
  }
}
