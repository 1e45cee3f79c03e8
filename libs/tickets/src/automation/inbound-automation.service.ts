import { APP_CONFIG, AppConfig, Clock, insertRows, OutboundDraft, OutboxEntry } from '@madoguchi/core';
import { CustomersService, LinkableField } from '@madoguchi/customers';
import { AutomationService, CustomerLinkSettings, JournalSettings } from '@madoguchi/mailboxes';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OutboundMessages, OutboundSender } from '../outbound/outbound-messages.service';
import { Ticket } from '../ticket.entity';
import { TicketRuleLog } from '../routing/rule-log.entity';
import { evaluateRules, RuleDefinition, RuleInput, RuleOutcome } from '../routing/rule-engine';
import { RoutingRulesService } from '../routing/routing-rules.service';
import { TicketLabel } from '../labels/label.entity';
import { LabelsService } from '../labels/labels.service';

/** The automation of one mailbox, loaded once per intake batch. */
export interface MailboxAutomation {
  mailboxId: number;
  rules: RuleDefinition[];
  journal: JournalSettings;
  customerLink: CustomerLinkSettings;
}

/** What a new ticket's first message looks like to rules and the journal. */
export interface NewInquiry {
  input: RuleInput;
  /** Auto-replies, bounces and loops never cause journal mail. */
  fromCustomer: boolean;
  senderName: string;
}

const EXCERPT = 300;

/**
 * Routing rules and journal mail for new tickets (§2), in the intake transaction: the rules
 * decide folder, labels, assignee and spam before the ticket is written (so it never shows
 * unsorted), each applied rule is logged on the ticket, and journal mail goes through the
 * outbox (retried, never doubled).
 */
@Injectable()
export class InboundAutomation {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly automation: AutomationService,
    private readonly rules: RoutingRulesService,
    private readonly customers: CustomersService,
    private readonly outbound: OutboundMessages,
    private readonly clock: Clock,
    private readonly labels: LabelsService,
  ) {}

  /** Whether the folder is one of the mailbox's (mailboxes owns folders). */
  folderExists(m: EntityManager, mailboxId: number, folderId: number): Promise<boolean> {
    return this.automation.folderExists(mailboxId, folderId, m);
  }

  async load(m: EntityManager, mailboxId: number): Promise<MailboxAutomation> {
    const rules = await this.rules.definitions(m, mailboxId);
    const journal = await this.automation.journalSettings(m, mailboxId);
    const customerLink = await this.automation.customerLinkSettings(m, mailboxId);
    return { mailboxId, rules, journal, customerLink };
  }

  /**
   * データベース自動連携 for a ticket about to be written: its customer, found by email (or a
   * mapped phone field) or created as 仮登録, mapped form fields filled in.
   */
  async linkCustomer(
    m: EntityManager,
    auto: MailboxAutomation,
    ticket: Ticket,
    inquiry: NewInquiry,
  ): Promise<void> {
    const link = auto.customerLink;
    if (!link.enabled || !inquiry.fromCustomer || ticket.spam) return;
    const values: Partial<Record<LinkableField, string>> = {};
    for (const [key, field] of Object.entries(link.fieldMap)) {
      const v = inquiry.input.form?.[key];
      if (v) values[field] = v;
    }
    if (!inquiry.input.form && inquiry.senderName) {
      // A mail's display name 「山田 花子」: family name first, as Japanese senders write it.
      const [last, ...first] = inquiry.senderName.trim().split(/[\s\u3000]+/);
      values.lastName = last;
      if (first.length) values.firstName = first.join(' ');
    }
    const phoneKey = Object.entries(link.fieldMap).find(([, f]) => f === 'tel' || f === 'mobile')?.[0];
    const linked = await this.customers.linkInquiry(
      m,
      // A form submission that creates the customer sends the registration 通知メール (a mail does not).
      {
        matchBy: link.matchBy,
        email: ticket.contactAddress,
        phone: phoneKey ? (inquiry.input.form?.[phoneKey] ?? null) : null,
        values,
        notify: !!inquiry.input.form,
      },
      { userId: null, label: 'customer-link' },
    );
    if (linked) ticket.customerId = linked.customerId;
  }

  /** Applies the rules' outcome to a ticket that is about to be written. */
  route(auto: MailboxAutomation, ticket: Ticket, inquiry: NewInquiry): RuleOutcome | null {
    if (!auto.rules.length) return null;
    const out = evaluateRules(auto.rules, inquiry.input);
    if (!out.applied.length) return null;
    if (out.folderId !== null) ticket.folderId = out.folderId;
    if (out.assigneeId !== null) ticket.assigneeId = out.assigneeId;
    if (out.assigneeGroupId !== null) ticket.assigneeGroupId = out.assigneeGroupId;
    if (out.spam) ticket.spam = true;
    return out;
  }

  /** After the tickets are written: the rules' labels (one INSERT for the batch), the rule log and the journal mail. */
  async afterCreate(
    m: EntityManager,
    auto: MailboxAutomation,
    created: { ticket: Ticket; outcome: RuleOutcome | null; inquiry: NewInquiry }[],
  ): Promise<void> {
    const now = this.clock.now();
    const wanted = created.flatMap(({ ticket, outcome }) =>
      (outcome?.labelIds ?? []).map((labelId) => ({ ticketId: ticket.id, labelId })),
    );
    if (wanted.length) {
      // The rules were read once for the session: a label deleted since then is skipped, not a failed intake.
      const live = new Set(
        (
          await this.labels.byIds(
            m,
            wanted.map((w) => w.labelId),
          )
        ).map((l) => l.id),
      );
      await insertRows(m, TicketLabel, wanted.filter((w) => live.has(w.labelId)) as TicketLabel[]);
    }
    const logs = created.flatMap(({ ticket, outcome }) =>
      (outcome?.applied ?? []).map((a) => ({
        ticketId: ticket.id,
        ruleId: a.ruleId,
        ruleName: a.ruleName.slice(0, 100),
        position: a.position,
        actionsJson: a.actions,
        createdAt: now,
      })),
    );
    await insertRows(m, TicketRuleLog, logs as TicketRuleLog[]);

    const j = auto.journal;
    if (!j.enabled || !j.recipients.length) return;
    const due = created.filter(
      ({ ticket, inquiry }) =>
        inquiry.fromCustomer &&
        !ticket.spam &&
        (!j.folderIds.length || (ticket.folderId !== null && j.folderIds.includes(ticket.folderId))),
    );
    if (!due.length) return;
    const sender = await this.outbound.sender(auto.mailboxId);
    if (!sender) return;
    const folderIds = [...new Set(due.map((d) => d.ticket.folderId).filter((x): x is number => x !== null))];
    const folders = await this.automation.folderNames(folderIds, m);
    const rows = due.flatMap(({ ticket, inquiry }) => {
      const folder = (ticket.folderId !== null ? folders.get(ticket.folderId) : undefined) ?? '受信箱';
      return j.recipients.map((to) => this.journalRow(sender, to, ticket, inquiry, folder, now));
    });
    // One multi-row insert for the whole batch.
    await m.insert(OutboxEntry, rows);
  }

  /** The ticket's rule log, for the ticket view. */
  async log(m: EntityManager, ticketId: number) {
    const rows = await m.find(TicketRuleLog, { where: { ticketId }, order: { id: 'ASC' } });
    const folderIds = [
      ...new Set(
        rows.flatMap((r) => r.actionsJson.flatMap((a) => (a.type === 'moveToFolder' ? [a.folderId] : []))),
      ),
    ];
    const folders = await this.automation.folderNames(folderIds, m);
    const labelIds = rows.flatMap((r) =>
      r.actionsJson.flatMap((a) =>
        a.type === 'addLabel' && typeof a.labelId === 'number' ? [a.labelId] : [],
      ),
    );
    const labels = new Map((await this.labels.byIds(m, labelIds)).map((l) => [l.id, l]));
    return rows.map((r) => ({
      ruleId: r.ruleId,
      ruleName: r.ruleName,
      position: r.position,
      at: r.createdAt,
      actions: r.actionsJson.map((a) => {
        if (a.type === 'moveToFolder') return { ...a, folderName: folders.get(a.folderId) ?? null };
        // Entries from before the catalogue hold the label's name itself (`label`).
        if (a.type === 'addLabel' && typeof a.labelId === 'number')
          return {
            ...a,
            labelName: labels.get(a.labelId)?.name ?? null,
            labelColor: labels.get(a.labelId)?.color ?? null,
          };
        return a;
      }),
    }));
  }

  private journalRow(
    sender: OutboundSender,
    to: string,
    ticket: Ticket,
    inquiry: NewInquiry,
    folder: string,
    now: Date,
  ) {
    const mailbox = sender.identity;
    const from = inquiry.senderName
      ? `${inquiry.senderName} <${ticket.contactAddress ?? ''}>`
      : (ticket.contactAddress ?? '');
    const excerpt = inquiry.input.body.replace(/\s+/g, ' ').trim().slice(0, EXCERPT);
    const draft: OutboundDraft = {
      from: { address: mailbox.address, name: `${mailbox.name} (Madoguchi)` },
      to: [{ address: to, name: '' }],
      cc: [],
      bcc: [],
      subject: `[${mailbox.name}] 新しい問い合わせ ${ticket.code}: ${ticket.subject}`.slice(0, 250),
      text: [
        `${mailbox.name} に新しい問い合わせが届きました。`,
        '',
        `番号: ${ticket.code}`,
        `差出人: ${from}`,
        `件名: ${ticket.subject}`,
        `フォルダ: ${folder}`,
        '',
        excerpt + (inquiry.input.body.length > EXCERPT ? '…' : ''),
        '',
        `${this.config.http.publicUrl}/tickets/${ticket.id}`,
        '',
        '-- ',
        'このメールは Madoguchi のジャーナルメールです（返信しても問い合わせには届きません）。',
      ].join('\n'),
      attachments: [],
    };
    return this.outbound.standalone(sender, draft, now, 'journal').row;
  }
}
