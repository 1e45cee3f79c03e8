import {
  Actor,
  APP_CONFIG,
  AppConfig,
  AuditService,
  ChannelRegistry,
  Clock,
  fieldError,
  FieldProblem,
  NotFound,
  OutboxEntry,
  ValidationFailed,
} from '@madoguchi/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isEmail } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import { Customer } from '../customer.entity';
import { HistorySetting } from '../history/history-entry.entity';
import { MemberMailMailbox } from './member-mail-mailbox';
import {
  customerContents,
  customerName,
  defaultMemberNotifications,
  fill,
  formatTime,
  MAX_RECIPIENTS,
  MEMBER_NOTIFICATION_PLACEHOLDERS,
  MEMBER_NOTIFICATION_TEMPLATES,
  MemberNotificationSettings,
  MemberNotificationTemplate,
  unknownPlaceholders,
} from './member-notification-templates';
import { MemberNotificationPreviewDto, MemberNotificationsDto } from './member-notifications.dto';

/** Kept beside the other customer settings (定型文, 自動履歴保存) in `history_setting`. */
const SETTING = 'member_notifications';

type MemberEvent = 'register' | 'withdraw';

/**
 * 通知メール: the three editable mails sent when a customer registers (MYPAGE sign-up, a form
 * that creates the customer through データベース自動連携, staff creating one with 「登録通知メールを
 * 送る」) or withdraws (退会). Each is one outbox row written in the caller's transaction, so a
 * rollback sends nothing; its key (the Message-ID) is made from the customer and the event, so
 * calling twice for the same event writes nothing the second time and a retry by the dispatcher
 * is the same message.
 */
@Injectable()
export class MemberNotificationsService {
  private readonly logger = new Logger(MemberNotificationsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly channels: ChannelRegistry,
    private readonly mailbox: MemberMailMailbox,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The saved templates; parts never saved are the Japanese defaults. */
  async settings(m: EntityManager = this.dataSource.manager): Promise<MemberNotificationSettings> {
    const d = defaultMemberNotifications();
    const row = await m.getRepository(HistorySetting).findOneBy({ name: SETTING });
    if (!row) return d;
    const saved = JSON.parse(row.value) as Partial<MemberNotificationSettings>;
    return {
      adminOnRegister: { ...d.adminOnRegister, ...saved.adminOnRegister },
      customerOnRegister: { ...d.customerOnRegister, ...saved.customerOnRegister },
      customerOnWithdraw: { ...d.customerOnWithdraw, ...saved.customerOnWithdraw },
    };
  }

  /**
   * Saves all three, refusing (400 VALIDATION_FAILED, by field) an unknown placeholder in a
   * subject or body (`UNKNOWN_PLACEHOLDER {token}`), more than five recipients, one that is no
   * email address, or the business mail switched on without any.
   */
  async save(dto: MemberNotificationsDto, actor: Actor): Promise<MemberNotificationSettings> {
    const problems: Record<string, FieldProblem[]> = {};
    const add = (field: string, p: FieldProblem) => (problems[field] ??= []).push(p);
    for (const t of MEMBER_NOTIFICATION_TEMPLATES) {
      for (const part of ['subject', 'body'] as const) {
        for (const token of unknownPlaceholders(t, dto[t][part])) {
          const allowed = MEMBER_NOTIFICATION_PLACEHOLDERS[t].map((p) => `{${p}}`).join(' ');
          add(
            `${t}.${part}`,
            fieldError(
              'UNKNOWN_PLACEHOLDER',
              `${t}.${part}: unknown placeholder {${token}}; this template knows ${allowed}`,
              { token: `{${token}}`, allowed },
            ),
          );
        }
      }
    }
    const recipients = [
      ...new Set(dto.adminOnRegister.recipients.map((a) => a.trim().toLowerCase()).filter(Boolean)),
    ];
    const bad = recipients.filter((a) => a.length > 254 || !isEmail(a));
    if (recipients.length > MAX_RECIPIENTS)
      add(
        'adminOnRegister.recipients',
        fieldError('ARRAY_MAX_SIZE', `at most ${MAX_RECIPIENTS} addresses`, { max: MAX_RECIPIENTS }),
      );
    if (bad.length)
      add(
        'adminOnRegister.recipients',
        fieldError(
          'EMAIL',
          `not an email address: ${bad
            .slice(0, 5)
            .map((a) => a.slice(0, 60))
            .join(', ')}`,
        ),
      );
    if (dto.adminOnRegister.enabled && !recipients.length)
      add(
        'adminOnRegister.recipients',
        fieldError('REQUIRED', 'give at least one recipient to send the business notification'),
      );
    if (Object.keys(problems).length) throw new ValidationFailed(problems);

    const text = (t: { enabled: boolean; subject: string; body: string }) => ({
      enabled: t.enabled,
      subject: t.subject.trim(),
      body: t.body.replace(/\r\n/g, '\n'),
    });
    const after: MemberNotificationSettings = {
      adminOnRegister: { ...text(dto.adminOnRegister), recipients },
      customerOnRegister: text(dto.customerOnRegister),
      customerOnWithdraw: text(dto.customerOnWithdraw),
    };
    await this.dataSource.transaction(async (m) => {
      const before = await this.settings(m);
      const repo = m.getRepository(HistorySetting);
      const value = JSON.stringify(after);
      if (await repo.existsBy({ name: SETTING }))
        await repo.update({ name: SETTING }, { value, updatedAt: this.clock.now() });
      else await repo.insert({ name: SETTING, value, updatedAt: this.clock.now() });
      await this.audit.record(
        actor,
        { entity: 'member_notifications', entityId: 0, action: 'update', before, after },
        m,
      );
    });
    return after;
  }

  /** A template filled with a real customer's values (the editor's unsaved text when given). */
  async preview(dto: MemberNotificationPreviewDto): Promise<{ subject: string; body: string; to: string[] }> {
    const c = await this.dataSource.getRepository(Customer).findOneBy({ id: dto.customerId });
    if (!c) throw new NotFound('customer', dto.customerId);
    const s = (await this.settings())[dto.template];
    const at = dto.template === 'customerOnWithdraw' ? (c.withdrawnAt ?? this.clock.now()) : c.createdAt;
    const mail = this.render(
      dto.template,
      { subject: dto.subject ?? s.subject, body: dto.body ?? s.body },
      c,
      at,
    );
    const to =
      dto.template === 'adminOnRegister'
        ? (s as MemberNotificationSettings['adminOnRegister']).recipients
        : c.email
          ? [c.email]
          : [];
    return { ...mail, to };
  }

  /** A customer registered: the business's and the customer's mail, in the caller's transaction; once per customer. */
  async registered(m: EntityManager, customerId: number): Promise<void> {
    await this.queue(m, customerId, 'register');
  }

  /** A customer was marked withdrawn: the customer's mail, in the caller's transaction; once per withdrawal. */
  async withdrawn(m: EntityManager, customerId: number): Promise<void> {
    await this.queue(m, customerId, 'withdraw');
  }

  private render(
    template: MemberNotificationTemplate,
    text: { subject: string; body: string },
    c: Customer,
    at: Date,
  ) {
    const values: Record<string, string> = {
      name: customerName(c),
      time: formatTime(at, this.config.company.timeZone),
    };
    if (template === 'adminOnRegister') values.contents = customerContents(c);
    // A subject is one line: {contents} there is folded.
    return {
      subject: fill(text.subject, { ...values, contents: values.contents?.replace(/\n/g, ' / ') ?? '' })
        .replace(/[\r\n]+/g, ' ')
        .slice(0, 255),
      body: fill(text.body, values),
    };
  }

  private async queue(m: EntityManager, customerId: number, event: MemberEvent): Promise<void> {
    const settings = await this.settings(m);
    const c = await m.getRepository(Customer).findOneBy({ id: customerId });
    if (!c || c.mergedIntoId) return;
    const at = event === 'withdraw' ? (c.withdrawnAt ?? this.clock.now()) : this.clock.now();
    // What makes the event one: the customer's creation, or this withdrawal.
    const stamp = (event === 'withdraw' ? (c.withdrawnAt ?? at) : c.createdAt).getTime();
    const wanted: { template: MemberNotificationTemplate; to: string[] }[] = [];
    if (event === 'register') {
      if (settings.adminOnRegister.enabled && settings.adminOnRegister.recipients.length)
        wanted.push({ template: 'adminOnRegister', to: settings.adminOnRegister.recipients });
      if (settings.customerOnRegister.enabled && c.email)
        wanted.push({ template: 'customerOnRegister', to: [c.email] });
    } else if (settings.customerOnWithdraw.enabled && c.email) {
      wanted.push({ template: 'customerOnWithdraw', to: [c.email] });
    }
    if (!wanted.length) return;
    const mailboxId = await this.mailbox.mailboxId(m);
    const adapter = this.channels.adapter('email');
    const channel = mailboxId === null ? null : await adapter.channel(mailboxId);
    if (mailboxId === null || channel === null || !adapter.canSend(channel)) {
      this.logger.warn(
        `customer ${customerId}: the ${event} notification mail was not sent: no mailbox can send`,
      );
      return;
    }
    const now = this.clock.now();
    const rows: Omit<
      OutboxEntry,
      'id' | 'lastError' | 'lastErrorCode' | 'lockOwner' | 'lockedUntil' | 'sentAt'
    >[] = [];
    for (const w of wanted) {
      const mail = this.render(w.template, settings[w.template], c, at);
      const prepared = adapter.prepare(channel, {
        from: null,
        to: w.to.map((address) => ({
          address,
          name: w.template === 'adminOnRegister' ? '' : customerName(c),
        })),
        cc: [],
        bcc: [],
        subject: mail.subject,
        text: mail.body,
        attachments: [],
      });
      const domain = prepared.idempotencyKey.split('@')[1] ?? 'madoguchi.invalid';
      const key = `member-${w.template}.${customerId}.${stamp}@${domain}`;
      if (await m.getRepository(OutboxEntry).existsBy({ idempotencyKey: key })) continue;
      rows.push({
        purpose: 'notification',
        subject: mail.subject.slice(0, 255),
        channel: 'email',
        mailboxId,
        target: prepared.target ? prepared.target.toLowerCase().slice(0, 320) : null,
        ticketId: null,
        articleId: null,
        state: 'pending',
        payload: prepared.payload,
        idempotencyKey: key,
        dueAt: now,
        cancelOnCustomerReply: false,
        attempts: 0,
        createdAt: now,
        updatedAt: now,
      });
    }
    if (rows.length) await m.insert(OutboxEntry, rows);
  }
}
