import { Clock, DomainError } from '@madoguchi/core';
import { CustomersService } from '@madoguchi/customers';
import { MailboxesService } from '@madoguchi/mailboxes';
import { InboundMessage, TicketEvents, TicketsService } from '@madoguchi/tickets';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { SmsConsentService } from '../consent/sms-consent.service';
import { SmsDeliveryReports } from '../delivery/sms-delivery-reports.service';
import { SmsNoMailbox } from '../errors';
import { japaneseMobile } from '../mobile';
import { SmsProviderError } from '../providers/sms-provider';
import { twilioSignatureValid } from '../providers/twilio.provider';
import { SmsSettingsService } from '../settings/sms-settings.service';
import { checkGatewaySignature } from './gateway-signature';
import { isOptOut } from './opt-out';
import { SmsWebhookAccount, SmsWebhookBody, SmsWebhookContentType, SmsWebhookExpired, SmsWebhookNotFound, SmsWebhookSignature } from './webhook-errors';

export type WebhookProvider = 'twilio' | 'gateway';
export type WebhookKind = 'inbound' | 'status';

/** One webhook request as the controller hands it over: the raw bytes, so the signature is checked on exactly what came. */
export interface WebhookRequest {
  contentType: string | undefined;
  raw: Buffer;
  /** Twilio: X-Twilio-Signature. */
  twilioSignature?: string;
  /** Gateway: X-Sms-Timestamp and X-Sms-Signature. */
  gatewayTimestamp?: string;
  gatewaySignature?: string;
}

/** An inbound SMS, whichever provider brought it. */
interface InboundSms {
  id: string;
  from: string;
  to: string;
  body: string;
  media: number;
}

/** Twilio posts at most this many fields (about 30 in practice); the webhook body is limited to 64 KB anyway. */
const MAX_FIELDS = 100;
/** Twilio's longest inbound message is 1,600 characters; a gateway's may be longer, never this long. */
const MAX_BODY_CHARS = 5_000;
const ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Twilio's words for the delivery errors a status callback carries (ErrorCode). */
const TWILIO_DELIVERY_ERRORS: Record<string, string> = {
  '30001': 'Queue overflow',
  '30002': 'Account suspended',
  '30003': 'Unreachable destination handset',
  '30004': 'Message blocked',
  '30005': 'Unknown destination handset',
  '30006': 'Landline or unreachable carrier',
  '30007': 'Message filtered by the carrier',
  '30008': 'Unknown error',
  '21610': 'The recipient has opted out (STOP)',
};

const isForm = (ct: string | undefined) => /^application\/x-www-form-urlencoded\s*(;|$)/i.test(ct ?? '');
const isJson = (ct: string | undefined) => /^application\/json\s*(;|$)/i.test(ct ?? '');

/** Twilio's form body as the signature covers it: every field once (Twilio never repeats one). */
function formFields(raw: Buffer): Record<string, string> {
  const text = raw.toString('utf8');
  if (text.includes('\uFFFD')) throw new SmsWebhookBody('the form is not UTF-8');
  const params = new URLSearchParams(text);
  const out: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of params) {
    if (++n > MAX_FIELDS) throw new SmsWebhookBody(`more than ${MAX_FIELDS} fields`);
    if (k in out) throw new SmsWebhookBody(`the field ${k.slice(0, 40)} is repeated`);
    if (k.length > 64 || v.length > MAX_BODY_CHARS) throw new SmsWebhookBody('a field is too long');
    out[k] = v;
  }
  return out;
}

function jsonObject(raw: Buffer): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new SmsWebhookBody('not JSON');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new SmsWebhookBody('not a JSON object');
  return v as Record<string, unknown>;
}

const text = (v: unknown, field: string, max: number, required = true): string => {
  if (v === undefined || v === null || v === '') {
    if (required) throw new SmsWebhookBody(`${field} is missing`);
    return '';
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw new SmsWebhookBody(`${field} must be text`);
  const s = String(v);
  if (s.length > max) throw new SmsWebhookBody(`${field} is longer than ${max} characters`);
  return s;
};

const messageId = (v: unknown, field: string): string => {
  const id = text(v, field, 64);
  if (!ID.test(id)) throw new SmsWebhookBody(`${field} is not a message id`);
  return id;
};

/** The sender in E.164: a Japanese mobile (090-…, +8190…) or any other number the provider gives. */
function senderNumber(raw: string): { e164: string; display: string } {
  const mobile = japaneseMobile(raw);
  if (mobile) return { e164: mobile.e164, display: mobile.national };
  const p = raw.length <= 40 ? parsePhoneNumberFromString(raw.normalize('NFKC'), 'JP') : undefined;
  if (!p || !p.isPossible()) throw new SmsWebhookBody('From is not a phone number');
  return { e164: p.number, display: p.country === 'JP' ? p.formatNational() : p.formatInternational() };
}

/** The ticket's subject for an SMS conversation: its first line, short. */
function subjectOf(body: string): string {
  const line = body.split(/\r?\n/).find((l) => l.trim())?.trim() ?? '';
  return `SMS: ${line ? (line.length > 40 ? `${line.slice(0, 40)}…` : line) : '(本文なし)'}`;
}

/**
 * The providers' webhooks (docs/sms.md): inbound SMS filed as tickets through
 * TicketsService.receive (the provider's message id as the dedupe key, so a replay files
 * nothing; a thread key per sender number, so a customer's SMS join one ticket), a 「停止」/STOP
 * recorded as an opt-out, and delivery reports (status callbacks) on the `sms_message` row and,
 * for a reply, its article. Every request is authenticated before anything is read from it:
 * Twilio's X-Twilio-Signature (the official library) against exactly the URL in the settings, the
 * gateway's HMAC over the raw body and a timestamp.
 */
@Injectable()
export class SmsWebhooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: SmsSettingsService,
    private readonly customers: CustomersService,
    private readonly mailboxes: MailboxesService,
    private readonly tickets: TicketsService,
    private readonly events: TicketEvents,
    private readonly consent: SmsConsentService,
    private readonly clock: Clock,
    private readonly deliveries: SmsDeliveryReports,
  ) {}

  /** Answers whether it was new (false: a replay, or a report that changes nothing). */
  async handle(provider: string, kind: WebhookKind, req: WebhookRequest): Promise<{ recorded: boolean }> {
    if (provider !== 'twilio' && provider !== 'gateway') throw new SmsWebhookNotFound(provider);
    let credentials: { accountSid: string | null; key: string } | null;
    try {
      credentials = this.settings.webhookKey(await this.settings.row(), provider);
    } catch (e) {
      if (e instanceof SmsProviderError) throw new DomainError(e.code, e.message, 503);
      throw e;
    }
    if (!credentials) throw new SmsWebhookNotFound(provider);
    const raw = Buffer.isBuffer(req.raw) ? req.raw : Buffer.alloc(0);
    if (provider === 'twilio') {
      if (!isForm(req.contentType)) throw new SmsWebhookContentType('application/x-www-form-urlencoded');
      const f = formFields(raw);
      // Exactly the URL Twilio was given (the settings show it); a request signed for any other is refused.
      if (!twilioSignatureValid(credentials.key, req.twilioSignature, this.settings.webhookUrl(kind), f)) {
        throw new SmsWebhookSignature('Twilio', req.twilioSignature ? 'not signed with the auth token for this URL' : 'no X-Twilio-Signature header');
      }
      if (f.AccountSid !== credentials.accountSid) throw new SmsWebhookAccount();
      if (kind === 'inbound') {
        return this.inbound('twilio', {
          id: messageId(f.MessageSid ?? f.SmsMessageSid ?? f.SmsSid, 'MessageSid'),
          from: text(f.From, 'From', 40),
          to: text(f.To, 'To', 40, false),
          body: text(f.Body, 'Body', MAX_BODY_CHARS, false),
          media: Math.min(Number(f.NumMedia) || 0, 10),
        });
      }
      const status = text(f.MessageStatus ?? f.SmsStatus, 'MessageStatus', 30);
      const code = text(f.ErrorCode, 'ErrorCode', 10, false);
      const outcome = status === 'delivered' || status === 'read' ? 'delivered' : status === 'undelivered' ? 'undelivered' : status === 'failed' ? 'failed' : null;
      const reason = code ? `Twilio error ${code}${TWILIO_DELIVERY_ERRORS[code] ? `: ${TWILIO_DELIVERY_ERRORS[code]}` : ''}` : outcome && outcome !== 'delivered' ? `Twilio reported ${status}` : null;
      return this.deliveries.report('twilio', { id: messageId(f.MessageSid ?? f.SmsSid, 'MessageSid'), outcome, reason });
    }

    if (!isJson(req.contentType)) throw new SmsWebhookContentType('application/json');
    const check = checkGatewaySignature(credentials.key, { timestamp: req.gatewayTimestamp, signature: req.gatewaySignature }, raw, this.clock.now());
    if (check === 'expired') throw new SmsWebhookExpired();
    if (check !== 'ok') throw new SmsWebhookSignature('gateway', check === 'missing' ? 'no X-Sms-Timestamp or X-Sms-Signature header' : 'not signed with the gateway token');
    const j = jsonObject(raw);
    if (kind === 'inbound') {
      return this.inbound('gateway', { id: messageId(j.id, 'id'), from: text(j.from, 'from', 40), to: text(j.to, 'to', 40, false), body: text(j.body, 'body', MAX_BODY_CHARS, false), media: 0 });
    }
    const status = text(j.status, 'status', 30);
    const err = j.error && typeof j.error === 'object' ? (j.error as Record<string, unknown>) : {};
    const detail = [text(err.code, 'error.code', 64, false), text(err.message, 'error.message', 300, false)].filter(Boolean).join(': ');
    const outcome = status === 'delivered' ? 'delivered' : ['undelivered', 'expired', 'rejected'].includes(status) ? 'undelivered' : status === 'failed' ? 'failed' : null;
    return this.deliveries.report('gateway', { id: messageId(j.id, 'id'), outcome, reason: outcome && outcome !== 'delivered' ? `The SMS gateway reported ${status}${detail ? ` (${detail})` : ''}` : null });
  }

  /**
   * Files an inbound SMS: the customer by number (CustomersService.findByMobile), the SMS
   * settings' mailbox (else the first active one), one thread key per sender number, so it joins
   * the number's ticket (a handled one reopens, as for a customer's mail) or starts one. Exactly
   * 「停止」/STOP … records the opt-out of the customer; nothing is answered.
   */
  private async inbound(provider: WebhookProvider, raw: InboundSms): Promise<{ recorded: boolean }> {
    // Control characters (but line breaks and tabs) are no part of a text message; stored text holds none.
    const sms = { ...raw, body: raw.body.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, ''), to: raw.to.replace(/[\u0000-\u001F\u007F]/g, '') };
    const number = senderNumber(sms.from);
    const settings = await this.settings.row();
    const mailboxId = settings?.mailboxId ?? (await this.mailboxes.activeIds())[0];
    if (!mailboxId) throw new SmsNoMailbox();
    const now = this.clock.now();
    const threadKey = `sms ${number.e164}`;
    const media = sms.media > 0 ? `\n\n（画像など ${sms.media} 件が添付されていましたが、取り込んでいません）` : '';
    const filed = await this.oneSenderAtATime(`${mailboxId} ${number.e164}`, async (m) => {
      const customerId = await this.customers.findByMobile(number.e164, m);
      const customer = customerId !== null ? await this.customers.nameAndCode(customerId, m) : null;
      const msg: InboundMessage = {
        channel: 'sms',
        mailboxId,
        dedupeKey: `${provider} ${sms.id}`,
        thread: { key: threadKey, answers: [threadKey], byCode: false },
        from: { address: number.e164, phone: number.e164, name: customer ? `${customer.lastName} ${customer.firstName ?? ''}`.trim() : number.display },
        to: sms.to ? [{ address: sms.to.slice(0, 254), name: '' }] : [],
        cc: [],
        subject: subjectOf(sms.body),
        text: `${sms.body}${media}`,
        html: null,
        attachments: [],
        classification: 'normal',
        receivedAt: now,
        rawMessageId: null,
        customerId,
      };
      const [d] = await this.tickets.receive(m, [msg]);
      if (!d.duplicate && isOptOut(sms.body)) {
        const who = customerId ?? d.customerId;
        if (who !== null) {
          await this.consent.record(m, who, { optIn: false, method: 'sms', note: `SMSで「${sms.body.trim().slice(0, 20)}」と返信（${number.display}）`, byUserId: null });
          await this.tickets.addSystemNote(m, d.ticketId, `SMSで配信停止の申し出（${sms.body.trim().slice(0, 20)}）がありました。この顧客のSMS同意を「拒否」として記録しました。`, now);
        } else {
          await this.tickets.addSystemNote(m, d.ticketId, `SMSで配信停止の申し出（${sms.body.trim().slice(0, 20)}）がありました。番号 ${number.display} の顧客が特定できないため、同意は記録していません。顧客を紐付けて記録してください。`, now);
        }
      }
      return d;
    });
    if (!filed.duplicate) this.events.changed(filed.ticketId, mailboxId);
    return { recorded: !filed.duplicate };
  }
  /**
   * Files one sender's SMS one at a time, across server instances, so that two first SMS from a
   * new number arriving at the same instant open one ticket, not two (each would otherwise see no
   * ticket for the number yet). On MariaDB/MySQL: a named lock (GET_LOCK) per mailbox and number,
   * taken on the transaction's connection before it begins and released after it committed. SQLite
   * has one writer, and its transactions already run one after another.
   */
  private async oneSenderAtATime<T>(key: string, work: (m: EntityManager) => Promise<T>): Promise<T> {
    if (this.dataSource.options.type !== 'mysql') return this.dataSource.transaction(work);
    const name = `madoguchi-sms-${createHash('sha1').update(key).digest('hex')}`;
    const qr = this.dataSource.createQueryRunner();
    await qr.connect();
    try {
      const [row] = (await qr.query('SELECT GET_LOCK(?, 10) AS got', [name])) as { got: number | string | null }[];
      if (Number(row?.got) !== 1) throw new DomainError('SMS_WEBHOOK_BUSY', 'Another SMS from this number is being filed; try again', 503);
      try {
        await qr.startTransaction();
        try {
          const result = await work(qr.manager);
          await qr.commitTransaction();
          return result;
        } catch (e) {
          await qr.rollbackTransaction();
          throw e;
        }
      } finally {
        await qr.query('SELECT RELEASE_LOCK(?)', [name]).catch(() => undefined);
      }
    } finally {
      await qr.release();
    }
  }
}
