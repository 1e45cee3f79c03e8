import { APP_CONFIG, AppConfig, Clock, NotFound, OutboxEntry, TooManyAttempts, ValidationFailed } from '@madoguchi/core';
import { OutboundMessages, TicketsService } from '@madoguchi/tickets';
import { FormSubmissionInput, fromFormSubmission } from './inbound-form';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac, randomUUID } from 'node:crypto';
import { DataSource, EntityManager, LessThan, MoreThan } from 'typeorm';
import { renderFormMail } from '../definition/form-placeholders';
import { FormsService } from '../definition/forms.service';
import { InquiryForm } from '../definition/inquiry-form.entity';
import { checkSubmission, SubmittedField } from './form-submission';
import { FormSubmissionHit } from './form-submission-hit.entity';

/** Filed submissions (and caught bots) per client and form within the window; the next one is refused. */
export const SUBMISSION_LIMIT = 5;
export const SUBMISSION_WINDOW_MS = 10 * 60_000;
/** The window of the thank-you mails per address (FORM_THANK_YOU_PER_ADDRESS_PER_HOUR). */
export const THANK_YOU_WINDOW_MS = 60 * 60_000;

/** 429 with Retry-After (the exception filter sets it for TooManyAttempts), in words the customer reads on the page. */
export class TooManySubmissions extends TooManyAttempts {
  constructor(retryAfterSeconds: number) {
    super(retryAfterSeconds);
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    this.message = `短時間に送信が繰り返されたため、受け付けを一時停止しています。約${minutes}分後にもう一度お試しください。`;
  }
}

export interface SubmissionResult {
  ok: true;
  /** The ticket code (受付番号); null when nothing was filed (the spam trap was filled). */
  code: string | null;
}

export interface CheckResult {
  ok: true;
  fields: { key: string; label: string; value: string }[];
}

const SUBJECT_KEYS = new Set(['subject', 'title', 'topic']);
const SUBJECT_LABEL = /件名|題名|タイトル|用件/;
const NAME_KEYS = new Set(['name', 'full_name', 'fullname']);
const NAME_LABEL = /名前|氏名/;
const KANA_LABEL = /フリガナ|ふりがな|カナ|かな|kana/i;

/** `フォーム名: <the subject-like field>` when the form has one and it was filled in, else the form's name. */
export function subjectOf(formName: string, fields: SubmittedField[]): string {
  const topic = fields.find((f) => ['text', 'select', 'radio'].includes(f.type) && f.value && (SUBJECT_KEYS.has(f.key) || SUBJECT_LABEL.test(f.label)));
  return (topic ? `${formName}: ${topic.value}` : formName).slice(0, 250);
}

/** C0/C1 controls, direction controls and zero-width characters: never in a ticket's one-line subject. */
const SUBJECT_UNSAFE = /[\p{Cc}\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/gu;

/**
 * The ticket's subject: the form's template filled in with the submission (one line, controls
 * removed, at most 250 characters), or `subjectOf` when the form has no template or it renders
 * empty (every field it names left blank).
 */
export function ticketSubjectOf(form: { name: string; subjectTemplate?: string | null }, fields: SubmittedField[]): string {
  if (form.subjectTemplate) {
    const vars = { formName: form.name, fields: Object.fromEntries(fields.map((f) => [f.key, f.value])) };
    const subject = renderFormMail(form.subjectTemplate, vars).replace(SUBJECT_UNSAFE, ' ').replace(/\s+/g, ' ').trim().slice(0, 250).trim();
    if (subject) return subject;
  }
  return subjectOf(form.name, fields);
}

/** The value of a name-like text field (key `name`, or a label with 名前/氏名 that is not the reading in kana). */
export function senderNameOf(fields: SubmittedField[]): string | null {
  const text = fields.filter((f) => f.type === 'text' && f.value);
  const field = text.find((f) => NAME_KEYS.has(f.key)) ?? text.find((f) => NAME_LABEL.test(f.label) && !KANA_LABEL.test(f.label) && !KANA_LABEL.test(f.key));
  return field?.value ?? null;
}

/**
 * Public submissions of inquiry forms: checked against the form, rate-limited per client, filed
 * as a ticket through TicketsService, and answered with the thank-you mail through the outbox,
 * all in one transaction (a rollback sends nothing).
 *
 * Spam protection: a honeypot input the page hides from people (a bot that fills it is told
 * all went well, and nothing is filed), and at most SUBMISSION_LIMIT filed submissions per
 * client per form in SUBMISSION_WINDOW_MS. The counts live in the database, not in memory, so
 * the limit holds across restarts and across several instances; rows older than the window are
 * deleted after each submission. The client is express's req.ip: the connecting address, or
 * what X-Forwarded-For says only when the peer is one of TRUSTED_PROXIES.
 *
 * Not a mail relay: the thank-you mail goes only to the value of the form's email field that
 * replyEmailField names (never a text field, whatever the stored definition says), and to one
 * address at most FORM_THANK_YOU_PER_ADDRESS_PER_HOUR times an hour over all forms (counted in
 * the same table under a keyed hash of the address). Past that the submission is still filed;
 * the ticket gets a system note instead of the mail.
 */
@Injectable()
export class FormSubmissionsService {
  private readonly logger = new Logger('FormSubmissions');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly forms: FormsService,
    private readonly tickets: TicketsService,
    private readonly outbound: OutboundMessages,
    private readonly clock: Clock,
  ) {}

  /** The active form at a public address; 404 for an unknown or inactive one. */
  async published(slug: string): Promise<InquiryForm> {
    const form = await this.forms.published(slug);
    if (!form) throw new NotFound('form', slug);
    return form;
  }

  /** The 確認画面 step: the values as they will be filed, or the per-field messages. Stores nothing. */
  async check(slug: string, raw: Record<string, unknown>): Promise<CheckResult> {
    const form = await this.published(slug);
    const fields = this.validate(form, raw);
    return { ok: true, fields: fields.map(({ key, label, value }) => ({ key, label, value })) };
  }

  async submit(slug: string, raw: Record<string, unknown>, honeypot: unknown, ip: string): Promise<SubmissionResult> {
    const form = await this.published(slug);
    const clientKey = createHmac('sha256', this.config.secretKey).update(`form-client:${ip}`).digest('hex');
    const trapped = typeof honeypot === 'string' ? honeypot.trim() !== '' : honeypot !== undefined && honeypot !== null && honeypot !== false;
    // A caught bot counts against its client like a real submission, and learns nothing from the answer.
    const fields = trapped ? [] : this.validate(form, raw);
    const now = this.clock.now();
    const result = await this.dataSource.transaction(async (m) => {
      await this.limit(m, form.id, clientKey, now);
      if (trapped) return { ok: true as const, code: null };
      const replyEmail = this.senderAddress(form, fields);
      const senderName = senderNameOf(fields);
      const input: FormSubmissionInput = {
        mailboxId: form.mailboxId,
        formId: form.id,
        formName: form.name,
        subject: ticketSubjectOf(form, fields),
        fields: fields.map(({ key, label, type, value }) => ({ key, label, type, value })),
        replyEmail,
        senderName,
        submittedAt: now,
      };
      // Each submission is a message of its own: its dedupe key is new every time.
      const [filed] = await this.tickets.receive(m, [fromFormSubmission(input, randomUUID())]);
      await this.thankYou(m, form, fields, { replyEmail, senderName, ticketId: filed.ticketId, spam: filed.spam, now });
      return { ok: true as const, code: filed.code };
    });
    // Outside the transaction: a range delete there would take gap locks on MariaDB that two
    // concurrent submissions' inserts could deadlock on. Losing a prune costs nothing.
    await this.dataSource
      .getRepository(FormSubmissionHit)
      .delete({ createdAt: LessThan(new Date(now.getTime() - Math.max(SUBMISSION_WINDOW_MS, THANK_YOU_WINDOW_MS))) })
      .catch(() => undefined);
    return result;
  }

  /**
   * The sender's address: the value of the field replyEmailField names, only if the form's
   * definition makes it an email field (so it was checked as an address). A stored form naming
   * another field, from before the builder's checks or edited by hand, gets no address at all.
   */
  private senderAddress(form: InquiryForm, fields: SubmittedField[]): string | null {
    const defined = form.fieldsJson.find((f) => f.key === form.replyEmailField);
    if (defined?.type !== 'email') return null;
    return fields.find((f) => f.key === defined.key && f.type === 'email')?.value || null;
  }

  private validate(form: InquiryForm, raw: Record<string, unknown>): SubmittedField[] {
    const result = checkSubmission(form.fieldsJson, raw);
    if (!result.ok) throw new ValidationFailed(result.errors);
    return result.fields;
  }

  /** Refuses the client's next submission once it has used up the window, else counts this one. */
  private async limit(m: EntityManager, formId: number, clientKey: string, now: Date): Promise<void> {
    const since = new Date(now.getTime() - SUBMISSION_WINDOW_MS);
    const recent = await m.find(FormSubmissionHit, { select: { createdAt: true }, where: { formId, clientKey, createdAt: MoreThan(since) }, order: { createdAt: 'ASC' } });
    if (recent.length >= SUBMISSION_LIMIT) {
      // Free again when the oldest hit that still counts leaves the window.
      const oldest = recent[recent.length - SUBMISSION_LIMIT].createdAt;
      throw new TooManySubmissions(Math.max(1, Math.ceil((oldest.getTime() + SUBMISSION_WINDOW_MS - now.getTime()) / 1000)));
    }
    await m.insert(FormSubmissionHit, { formId, clientKey, createdAt: now });
  }

  /**
   * The thank-you mail, when the form sends one and the customer gave an address: an outbox row
   * with no ticket (sending it must not move the ticket's state), and a thread key so that a
   * reply to it lands on the submission's ticket. Not sent for a submission the routing rules
   * marked as spam: an automatic answer to spam would make the mailbox a spam relay.
   */
  private async thankYou(m: EntityManager, form: InquiryForm, fields: SubmittedField[], ctx: { replyEmail: string | null; senderName: string | null; ticketId: number; spam: boolean; now: Date }): Promise<void> {
    const t = form.thankYouJson;
    if (!t.enabled || !ctx.replyEmail || ctx.spam) return;
    const sender = await this.outbound.sender(form.mailboxId);
    if (!sender) return;
    if (!(await this.thankYouAllowed(m, form, ctx.replyEmail, ctx.ticketId, ctx.now))) return;
    const vars = { formName: form.name, fields: Object.fromEntries(fields.map((f) => [f.key, f.value])) };
    const { prepared, row } = this.outbound.standalone(
      sender,
      {
        from: null,
        to: [{ address: ctx.replyEmail, name: ctx.senderName ?? '' }],
        cc: [],
        bcc: [],
        // A value typed into a field may hold line breaks; a subject is one line.
        subject: renderFormMail(t.subject, vars).replace(/\s+/g, ' ').trim().slice(0, 250),
        text: renderFormMail(t.body, vars),
        attachments: [],
      },
      ctx.now,
      'form_thanks',
    );
    await m.insert(OutboxEntry, row);
    // A reply to the thank-you lands on the submission's ticket.
    if (prepared.externalId) await this.tickets.rememberThreadKey(m, form.mailboxId, prepared.externalId, ctx.ticketId);
  }

  /**
   * Counts a thank-you mail to the address, or, when the address has had its share this hour,
   * leaves a system note on the ticket saying the mail was not sent (and logs it).
   */
  private async thankYouAllowed(m: EntityManager, form: InquiryForm, address: string, ticketId: number, now: Date): Promise<boolean> {
    const most = this.config.forms.thankYouPerAddressPerHour;
    const clientKey = createHmac('sha256', this.config.secretKey).update(`form-thank-you:${address.trim().toLowerCase()}`).digest('hex');
    const sent = await m.count(FormSubmissionHit, { where: { clientKey, createdAt: MoreThan(new Date(now.getTime() - THANK_YOU_WINDOW_MS)) } });
    if (sent < most) {
      await m.insert(FormSubmissionHit, { formId: form.id, clientKey, createdAt: now });
      return true;
    }
    const text = `The thank-you mail was not sent: ${address} has already been sent ${sent} in the last hour (at most ${most} per hour per address, FORM_THANK_YOU_PER_ADDRESS_PER_HOUR).`;
    this.logger.log(`form ${form.id}, ticket ${ticketId}: ${text}`);
    await this.tickets.addSystemNote(m, ticketId, text, now);
    return false;
  }
}
