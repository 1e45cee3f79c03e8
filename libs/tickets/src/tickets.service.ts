import { GroupsService, Principal, UsersService } from '@madoguchi/auth';
import { CustomersService, HistoryService } from '@madoguchi/customers';
import { AuditService, Clock, fieldError, hasControlCharacter, insertRows, MissingRight, NotFound, OutboxEntry, SequenceService, ValidationFailed } from '@madoguchi/core';
import { WorkflowRunner } from '@madoguchi/workflow';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { Article, MailAddress } from './article.entity';
import { Attachment } from './attachment.entity';
import { Delivered, ForwardedMail, InboundMessage, InboundSession } from './inbound';
import { ThreadKey } from './thread-key.entity';
import { formatTicketCode, ticketCodesIn } from './ticket-code';
import { Ticket, TICKET_STATES, TicketState } from './ticket.entity';
import { TicketFilter, TicketQueryDto, TicketSort, UpdateTicketDto } from './ticket.dto';
import { TicketEvents } from './ticket-events.service';
import { NotificationsService } from './notifications/notifications.service';
import { InboundAutomation, MailboxAutomation, NewInquiry } from './automation/inbound-automation.service';
import { Reply } from './workflow/reply.entity';
import { BlockedSendersService } from './spam/blocked-senders.service';
import { LabelRef, LabelsService } from './labels/labels.service';
import { REPLY_WORKFLOW, TICKET_WORKFLOW } from './workflow/workflows';
import { SearchIndex } from './search/search-index.service';
import { queryTerms } from './search/search-text';

/** A new ticket's first message, as routing rules and the journal see it. */
function inquiryOf(msg: InboundMessage): NewInquiry {
  return {
    input: {
      from: msg.from?.address ?? '',
      to: msg.to.map((a) => a.address),
      cc: msg.cc.map((a) => a.address),
      subject: msg.subject,
      body: msg.text,
      channel: msg.channel,
      hasAttachment: msg.attachments.some((a) => !a.inline),
      ...(msg.form ? { form: Object.fromEntries(msg.form.fields.map((f) => [f.key, f.value])) } : {}),
    },
    fromCustomer: msg.classification === 'normal',
    senderName: msg.from?.name ?? '',
  };
}

/**
 * A dedupe key as it is kept in thread_key beside the Message-IDs: with the channel, and with
 * spaces, which no parsed Message-ID holds, so no thread hint can ever match one.
 */
function dedupeKeyOf(msg: InboundMessage): string | null {
  if (!msg.dedupeKey) return null;
  const key = `dedupe ${msg.channel} ${msg.dedupeKey}`;
  return key.length <= 255 ? key : `dedupe ${msg.channel} sha256 ${createHash('sha256').update(msg.dedupeKey).digest('hex')}`;
}

function delivered(ticket: Pick<Ticket, 'id' | 'code' | 'customerId' | 'spam'>, articleId: number, how: { createdTicket?: boolean; reopened?: boolean; duplicate?: boolean }): Delivered {
  return { ticketId: ticket.id, articleId, code: ticket.code, createdTicket: how.createdTicket ?? false, reopened: how.reopened ?? false, duplicate: how.duplicate ?? false, customerId: ticket.customerId, spam: ticket.spam };
}

/** What new tickets of a group need, read once per group and only when one starts a ticket. */
interface NewTicketContext {
  customers: Map<string, number | null>;
  automation: MailboxAutomation;
  /** The mailbox's blocked senders (spam/blocked-senders.service.ts). */
  blocked: Set<string>;
}

/** The automation a session has read, per mailbox (see InboundSession). */
const sessionAutomation = new WeakMap<InboundSession, Map<number, MailboxAutomation>>();

/** Who the transition log names when the customer's own mail moves a ticket. */
const CUSTOMER_ACTOR = { userId: null, label: 'customer' };

export interface TicketListItem {
  id: number;
  code: string;
  mailboxId: number;
  folderId: number | null;
  subject: string;
  state: TicketState;
  from: MailAddress;
  customerId: number | null;
  lastActivityAt: Date;
  createdAt: Date;
  unread: boolean;
  /** The ticket's labels (of its mailbox's catalogue), by name. */
  labels: LabelRef[];
  spam: boolean;
  assigneeId: number | null;
  assigneeGroupId: number | null;
  /** Names of the assigned user and group, for the list and the ticket page. */
  assignee: { id: number; name: string } | null;
  assigneeGroup: { id: number; name: string } | null;
  channel: string;
  /** The start of the customer's latest message, for the list (whitespace folded, ≤ 120 characters). */
  preview: string | null;
  /** Whether any article carries a file that is not an inline image. */
  hasAttachment: boolean;
}

export interface ArticleView {
  id: number;
  kind: string;
  direction: string;
  sender: string;
  messageId: string | null;
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  subject: string | null;
  text: string | null;
  html: string | null;
  status: string | null;
  classification: string | null;
  historyKind: string | null;
  authorId: number | null;
  attachments: { id: number; filename: string; size: number; contentType: string; inline: boolean; contentId: string | null; forwarded: ForwardedMail | null }[];
  createdAt: Date;
  /** When a 社内メモ was last edited; null: never. */
  editedAt: Date | null;
}

/**
 * The list's order: by last activity (the default), created at, customer (the contact's name,
 * then address, A→Z unless `customer_desc`) or state (in the workflow's order: 未対応 first),
 * newest first unless the key ends in `_asc`. The id breaks ties, so pages never overlap.
 */
function orderTickets(qb: SelectQueryBuilder<Ticket>, sort: TicketSort = 'activity'): SelectQueryBuilder<Ticket> {
  const dir = sort.endsWith('_asc') ? 'ASC' : 'DESC';
  switch (sort.replace(/_(asc|desc)$/, '')) {
    case 'created':
      return qb.orderBy('t.created_at', dir).addOrderBy('t.id', dir);
    case 'customer': {
      const az = sort === 'customer_desc' ? 'DESC' : 'ASC';
      return qb.orderBy('t.contact_name', az).addOrderBy('t.contact_address', az).addOrderBy('t.id', 'DESC');
    }
    case 'state': {
      const rank = `CASE t.state ${TICKET_STATES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} ELSE ${TICKET_STATES.length} END`;
      return qb.orderBy(rank, dir === 'DESC' ? 'ASC' : 'DESC').addOrderBy('t.last_activity_at', 'DESC').addOrderBy('t.id', 'DESC');
    }
    default:
      return qb.orderBy('t.last_activity_at', dir).addOrderBy('t.id', dir);
  }
}

/** Ticket numbering, threading of inbound mail, the ticket list and timeline. */
/** Articles a ticket view carries at first, and per page of older ones: a long thread is never one huge answer. */
export const ARTICLE_PAGE = 50;

@Injectable()
export class TicketsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sequences: SequenceService,
    private readonly clock: Clock,
    private readonly runner: WorkflowRunner,
    private readonly automation: InboundAutomation,
    private readonly customers: CustomersService,
    private readonly users: UsersService,
    private readonly groups: GroupsService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly events: TicketEvents,
    private readonly blockedSenders: BlockedSendersService,
    private readonly labels: LabelsService,
    private readonly history: HistoryService,
    private readonly searchIndex: SearchIndex,
  ) {}

  /**
   * Files customer messages of any channel, in order, in the caller's transaction: the one way a
   * channel delivers — IMAP intake a group at a time, direct delivery and retries one message,
   * form submissions, and the portal and SMS to come. A message joins the ticket its thread hints
   * name (or the ticket whose code its subject quotes, when its sender takes part there), else it
   * starts one: sorted by the mailbox's routing rules and linked to its customer before it is
   * written, with its rule log and journal mail in the same transaction. A customer writing again
   * reopens a handled ticket and cancels send-later replies it overtook. A message whose dedupe
   * key was filed before writes nothing and answers with the first filing.
   *
   * Built for intake's speed: the thread keys, dedupe keys and customers of the whole group are
   * read with one query each, the mailbox's automation once, and a run of messages that start new
   * tickets (the usual case) is written with one multi-row INSERT per table. A message that
   * answers one in the current run writes the run first. A channel filing many groups in a row
   * passes one `session` for all of them, and the automation is read once for the session.
   */
  async receive(m: EntityManager, inbound: InboundMessage[], opts: { session?: InboundSession } = {}): Promise<Delivered[]> {
    const results: Delivered[] = new Array(inbound.length);
    const byMailbox = new Map<number, number[]>();
    for (const [i, msg] of inbound.entries()) {
      const list = byMailbox.get(msg.mailboxId);
      if (list) list.push(i);
      else byMailbox.set(msg.mailboxId, [i]);
    }
    for (const [mailboxId, indices] of byMailbox) await this.receiveInMailbox(m, mailboxId, indices, inbound, results, opts.session);
    return results;
  }

  private async receiveInMailbox(m: EntityManager, mailboxId: number, indices: number[], inbound: InboundMessage[], results: Delivered[], session?: InboundSession): Promise<void> {
    const msgs = indices.map((i) => inbound[i]);
    const dedupeKeys = msgs.map(dedupeKeyOf);
    // Every key the group names, in one query: what the messages answer, and their dedupe keys.
    const wanted = [...new Set([...msgs.flatMap((x) => x.thread.answers), ...dedupeKeys.filter((k): k is string => k !== null)])];
    const known = new Map<string, { ticketId: number; articleId: number | null }>();
    if (wanted.length) for (const k of await m.findBy(ThreadKey, { mailboxId, messageId: In(wanted) })) known.set(k.messageId, { ticketId: k.ticketId, articleId: k.articleId });
    let customers: Map<string, number | null> | undefined;
    let auto: MailboxAutomation | undefined;
    let blocked: Set<string> | undefined;
    const context = async (): Promise<NewTicketContext> => ({
      customers: (customers ??= await this.customersByAddress(m, msgs)),
      automation: (auto ??= await this.automationOf(m, mailboxId, session)),
      blocked: (blocked ??= await this.blockedSenders.patterns(m, mailboxId)),
    });
    const remember = (k: number, ticketId: number, articleId: number) => {
      const key = msgs[k].thread.key;
      // The first filing of a key keeps it (thread keys are inserted with INSERT IGNORE).
      if (key && !known.has(key)) known.set(key, { ticketId, articleId });
      if (dedupeKeys[k]) known.set(dedupeKeys[k]!, { ticketId, articleId });
    };

    let run: number[] = [];
    const inRun = new Set<string>();
    const flush = async () => {
      if (!run.length) return;
      const batch = run;
      run = [];
      inRun.clear();
      const tickets = await this.openTickets(m, batch.map((k) => ({ msg: msgs[k], mentions: null })), await context());
      const articleIds = await this.addArticles(m, batch.map((k, i) => ({ msg: msgs[k], ticketId: tickets[i].id })));
      await this.recordInquiries(m, tickets, articleIds, batch.map((k) => msgs[k]));
      batch.forEach((k, i) => {
        results[indices[k]] = delivered(tickets[i], articleIds[i], { createdTicket: true });
        remember(k, tickets[i].id, articleIds[i]);
      });
    };

    const duplicates: number[] = [];
    for (const [k, msg] of msgs.entries()) {
      const dedupe = dedupeKeys[k];
      if ((dedupe && inRun.has(dedupe)) || msg.thread.answers.some((r) => inRun.has(r))) await flush();
      if (dedupe && known.has(dedupe)) {
        duplicates.push(k);
        continue;
      }
      const joins = msg.thread.answers.some((r) => known.has(r)) || (msg.thread.byCode && ticketCodesIn(msg.subject).length > 0);
      if (joins) {
        await flush();
        results[indices[k]] = await this.fileOne(m, msg, known, context);
        remember(k, results[indices[k]].ticketId, results[indices[k]].articleId);
      } else {
        run.push(k);
        if (msg.thread.key) inRun.add(msg.thread.key);
        if (dedupe) inRun.add(dedupe);
      }
    }
    await flush();

    if (duplicates.length) {
      const firsts = duplicates.map((k) => known.get(dedupeKeys[k]!)!);
      const tickets = await m.find(Ticket, { select: { id: true, code: true, customerId: true, spam: true }, where: { id: In([...new Set(firsts.map((f) => f.ticketId))]) } });
      duplicates.forEach((k, i) => {
        const ticket = tickets.find((t) => t.id === firsts[i].ticketId)!;
        results[indices[k]] = delivered(ticket, firsts[i].articleId!, { duplicate: true });
      });
    }
  }

  /**
   * One message that answers a ticket (by its thread hints, or by the code in its subject when
   * its sender takes part there), else a ticket of its own that mentions the quoted one.
   */
  private async fileOne(m: EntityManager, msg: InboundMessage, known: Map<string, { ticketId: number }>, context: () => Promise<NewTicketContext>): Promise<Delivered> {
    // The most specific hint wins: the answers come most specific first.
    const threadId = msg.thread.answers.map((a) => known.get(a)?.ticketId).find((x) => x !== undefined);
    let ticket = threadId !== undefined ? await m.findOneBy(Ticket, { id: threadId }) : null;
    // Merging moves the thread keys; a pointer is still followed, should one be left.
    if (ticket?.mergedIntoId) ticket = await m.findOneBy(Ticket, { id: ticket.mergedIntoId });
    let mentions: number | null = null;
    if (!ticket && msg.thread.byCode) {
      const byCode = await this.findByCode(m, msg);
      if (byCode?.belongs) ticket = byCode.ticket;
      else if (byCode) mentions = byCode.ticket.id;
    }
    if (!ticket) {
      const [created] = await this.openTickets(m, [{ msg, mentions }], await context());
      const [articleId] = await this.addArticles(m, [{ msg, ticketId: created.id }]);
      await this.recordInquiries(m, [created], [articleId], [msg]);
      return delivered(created, articleId, { createdTicket: true });
    }
    const now = msg.receivedAt;
    const fromCustomer = msg.classification === 'normal';
    let reopened = false;
    await m.update(Ticket, { id: ticket.id }, { lastActivityAt: now, unread: true, version: () => 'version + 1' } as object);
    if (fromCustomer && (ticket.state === 'handled' || ticket.state === 'on_hold')) {
      // A customer follow-up on a handled ticket reopens it, through the ticket machine.
      const applied = await this.runner.apply(m, TICKET_WORKFLOW, ticket.id, { type: 'CUSTOMER_WROTE' }, CUSTOMER_ACTOR, { ifPossible: 'only a handled ticket the machine lets reopen is reopened by a customer mail' });
      reopened = applied.applied && applied.to === 'unhandled';
    }
    if (fromCustomer) await this.cancelOvertaken(m, ticket.id, now);
    const [articleId] = await this.addArticles(m, [{ msg, ticketId: ticket.id }]);
    return delivered(ticket, articleId, { reopened });
  }

  /**
   * Send-later replies the customer has overtaken (under the ticket's lock): each one still
   * waiting leaves the outbox through the reply machine's CANCEL, whose effects write the outbox
   * row and the article; one already being sent is left alone. The rows are read FOR UPDATE, so
   * the dispatcher cannot claim one between this read and the cancel.
   */
  private async cancelOvertaken(m: EntityManager, ticketId: number, _now: Date): Promise<void> {
    const qb = m
      .getRepository(OutboxEntry)
      .createQueryBuilder('o')
      .select(['o.id', 'o.articleId'])
      .where('o.ticket_id = :ticketId AND o.state = :state AND o.cancel_on_customer_reply = :yes', { ticketId, state: 'pending', yes: true });
    if (m.connection.options.type === 'mysql') qb.setLock('pessimistic_write');
    const overtaken = await qb.getMany();
    const articleIds = overtaken.map((o) => o.articleId).filter((x): x is number => x !== null);
    if (!articleIds.length) return;
    for (const reply of await m.find(Reply, { select: { id: true }, where: { articleId: In(articleIds), state: 'approved' } })) {
      const reason = 'The customer wrote before it was sent';
      await this.runner.apply(m, REPLY_WORKFLOW, reply.id, { type: 'CANCEL', reason }, CUSTOMER_ACTOR, { reason });
    }
  }

  /**
   * New tickets for messages that start one, written with one INSERT: codes in a block, sorted by
   * the routing rules, linked to their customer, then their rule log and journal mail.
   *
   * The customer rule, the same for every channel: the one customer whose email is the sender's
   * address; none when several share it (an agent picks, nothing is guessed). The mailbox's
   * データベース自動連携, when on, also writes the mapped fields the one customer lacks, and when
   * no customer has the address looks further (by phone, or a 仮登録 customer); spam and
   * automatic mail are never linked by it.
   */
  private async openTickets(m: EntityManager, items: { msg: InboundMessage; mentions: number | null }[], { customers, automation, blocked }: NewTicketContext): Promise<Ticket[]> {
    const first = await this.sequences.nextBlock(m, 'ticket_code', items.length);
    const tickets = items.map(({ msg, mentions }, i) => this.newTicket(m, msg, formatTicketCode(first + i), mentions, customers));
    const inquiries = items.map(({ msg }) => inquiryOf(msg));
    const outcomes = tickets.map((t, i) => this.automation.route(automation, t, inquiries[i]));
    // A blocked sender's new ticket starts in 迷惑メール (before the customer link, which skips spam).
    const blockedBy = tickets.map((t) => this.blockedSenders.match(blocked, t.contactAddress));
    blockedBy.forEach((pattern, i) => pattern && (tickets[i].spam = true));
    if (automation.customerLink.enabled) {
      // The one customer with the address gets the mapped fields it lacks (§2: write the mapped
      // fields); no customer: found by phone or registered; several: left for an agent.
      for (const [i, t] of tickets.entries()) {
        // A channel that knows the customer itself (MYPAGE, SMS by number) is not second-guessed by address.
        if (items[i].msg.customerId !== undefined) continue;
        if (!t.contactAddress || customers.get(t.contactAddress) !== null) await this.automation.linkCustomer(m, automation, t, inquiries[i]);
      }
    }
    // Plain multi-row INSERTs (see insertRows): for a group of 50, TypeORM's insert() costs
    // more CPU than the database does.
    const ids = await insertRows(m, Ticket, tickets);
    tickets.forEach((t, i) => (t.id = ids[i]));
    await this.automation.afterCreate(m, automation, tickets.map((ticket, i) => ({ ticket, outcome: outcomes[i], inquiry: inquiries[i] })));
    await this.blockedSenders.logFiled(m, tickets.flatMap((t, i) => (blockedBy[i] ? [{ ticketId: t.id, pattern: blockedBy[i]! }] : [])));
    return tickets;
  }

  /**
   * 自動履歴 of new inquiries, in the filing transaction: one entry per new ticket of a known
   * customer (mail or form), keyed by its article so a redelivery writes none. Spam, automatic
   * replies, bounces and loops write nothing.
   */
  private async recordInquiries(m: EntityManager, tickets: Ticket[], articleIds: number[], msgs: InboundMessage[]): Promise<void> {
    for (const [i, t] of tickets.entries()) {
      // A MYPAGE post writes its own entry (mypage_customer_post), for every post, not only the first.
      if (t.customerId === null || t.spam || msgs[i].classification !== 'normal' || t.channel === 'mypage') continue;
      await this.history.recordAuto(m, t.channel === 'form' ? 'inquiry_form' : t.channel === 'sms' ? 'sms_received' : 'inquiry_mail', {
        customerId: t.customerId,
        eventKey: `article:${articleIds[i]}`,
        ticketId: t.id,
        articleId: articleIds[i],
        createdAt: msgs[i].receivedAt,
        values: { subject: t.subject, code: t.code },
      });
    }
  }

  /** The messages' articles, attachments, thread keys and dedupe keys, one INSERT per table. */
  private async addArticles(m: EntityManager, items: { msg: InboundMessage; ticketId: number }[]): Promise<number[]> {
    const ids = await insertRows(m, Article, items.map(({ msg, ticketId }) => this.newArticle(m, msg, ticketId)));
    await insertRows(m, Attachment, items.flatMap(({ msg }, i) => msg.attachments.map((a) => m.create(Attachment, { ...a, articleId: ids[i] }))));
    const keys = (keyOf: (msg: InboundMessage) => string | null) =>
      items.flatMap(({ msg, ticketId }, i) => {
        const messageId = keyOf(msg);
        return messageId ? [{ mailboxId: msg.mailboxId, messageId, ticketId, articleId: ids[i] }] : [];
      });
    await insertRows(m, ThreadKey, keys((msg) => msg.thread.key), { ignoreDuplicates: true });
    // Not ignored: a second delivery of the same key racing this one fails its transaction, and its retry finds this one.
    await insertRows(m, ThreadKey, keys(dedupeKeyOf));
    return ids;
  }

  /** The mailbox's routing rules, journal and customer-link settings: read once per session, or per call without one. */
  private async automationOf(m: EntityManager, mailboxId: number, session?: InboundSession): Promise<MailboxAutomation> {
    if (!session) return this.automation.load(m, mailboxId);
    let bySession = sessionAutomation.get(session);
    if (!bySession) sessionAutomation.set(session, (bySession = new Map()));
    let auto = bySession.get(mailboxId);
    if (!auto) bySession.set(mailboxId, (auto = await this.automation.load(m, mailboxId)));
    return auto;
  }

  /** Customers by sender address, for a group of messages in one query; an address several customers share maps to null. */
  private customersByAddress(m: EntityManager, msgs: InboundMessage[]): Promise<Map<string, number | null>> {
    return this.customers.idsByEmail(msgs.flatMap((x) => (x.from?.address ? [x.from.address] : [])), m);
  }

  /**
   * A key of the mailbox (e.g. the Message-ID of a mail sent outside any article, such as a
   * form's thank-you mail) whose answers join this ticket, in the caller's transaction.
   */
  async rememberThreadKey(m: EntityManager, mailboxId: number, key: string, ticketId: number): Promise<void> {
    await m.insert(ThreadKey, { mailboxId, messageId: key, ticketId, articleId: null });
  }

  /**
   * An outbound article as a channel needs it when sending (SMS: whom the ticket belongs to and
   * who wrote the reply, for its own message row and the history entry); null when it is gone.
   */
  async outboundOf(m: EntityManager, articleId: number): Promise<{ ticketId: number; mailboxId: number; customerId: number | null; authorId: number | null; subject: string } | null> {
    const a = await m.findOne(Article, { select: { id: true, ticketId: true, authorId: true, direction: true }, where: { id: articleId } });
    if (!a || a.direction !== 'outbound') return null;
    const t = await m.findOne(Ticket, { select: { id: true, mailboxId: true, customerId: true, subject: true }, where: { id: a.ticketId } });
    return t ? { ticketId: t.id, mailboxId: t.mailboxId, customerId: t.customerId, authorId: a.authorId, subject: t.subject } : null;
  }

  /**
   * What the provider said after an outbound message went out (SMS: the status callback), in the
   * caller's transaction: the article's status moves from sent (or undelivered) to `delivered`,
   * or from sent to `undelivered` with a system note giving the reason. Never back from
   * delivered: a late or repeated report changes nothing. Answers the ticket when the article moved (for the live consoles).
   */
  async recordDelivery(m: EntityManager, articleId: number, outcome: { delivered: true } | { delivered: false; reason: string }, at: Date = this.clock.now()): Promise<{ ticketId: number; mailboxId: number } | null> {
    const next = outcome.delivered ? 'delivered' : 'undelivered';
    // Delivered is the last word (a carrier may correct an earlier "undelivered"); nothing moves back from it.
    const res = await m.update(Article, { id: articleId, direction: 'outbound', status: In(outcome.delivered ? ['sent', 'captured', 'undelivered'] : ['sent', 'captured']) }, { status: next });
    if (!res.affected) return null;
    const a = await m.findOneOrFail(Article, { select: { id: true, ticketId: true }, where: { id: articleId } });
    const t = await m.findOneOrFail(Ticket, { select: { id: true, mailboxId: true }, where: { id: a.ticketId } });
    if (!outcome.delivered) await this.addSystemNote(m, t.id, `送信したメッセージは相手に届きませんでした: ${outcome.reason}`.slice(0, 2000), at);
    return { ticketId: t.id, mailboxId: t.mailboxId };
  }

  /**
   * A ticket a channel opens for a conversation that starts outbound (a MYPAGE thread begun by
   * staff), in the caller's transaction: 未対応, linked to the given customer, with `threadKey`
   * remembered so the customer's later posts (TicketsService.receive with that key in
   * `thread.answers`) join it. Its first article is the staff member's reply.
   */
  async openForChannel(
    m: EntityManager,
    o: { mailboxId: number; channel: 'mypage'; subject: string; customerId: number; contactName: string | null; threadKey: string },
  ): Promise<{ id: number; code: string }> {
    const now = this.clock.now();
    const code = formatTicketCode(await this.sequences.nextBlock(m, 'ticket_code', 1));
    const ticket = await m.save(
      m.create(Ticket, {
        code,
        mailboxId: o.mailboxId,
        folderId: null,
        state: 'unhandled',
        stateVersion: 1,
        stateContext: null,
        stateChangedAt: now,
        version: 1,
        subject: (o.subject || '(件名なし)').slice(0, 998),
        channel: o.channel,
        customerId: o.customerId,
        assigneeId: null,
        assigneeGroupId: null,
        contactAddress: null,
        contactName: o.contactName?.slice(0, 255) || null,
        unread: false,
        spam: false,
        mentionsTicketId: null,
        mergedIntoId: null,
        createdAt: now,
        lastActivityAt: now,
      }),
    );
    await this.rememberThreadKey(m, o.mailboxId, o.threadKey, ticket.id);
    return { id: ticket.id, code };
  }

  /** A note by the system on the ticket's timeline (e.g. why an automatic mail was not sent), in the caller's transaction. */
  async addSystemNote(m: EntityManager, ticketId: number, text: string, at: Date = this.clock.now()): Promise<void> {
    await m.insert(
      Article,
      m.create(Article, {
        ticketId,
        kind: 'note',
        direction: 'inbound',
        sender: 'system',
        messageId: null,
        inReplyTo: [],
        references: [],
        fromAddress: null,
        fromName: null,
        toJson: [],
        ccJson: [],
        bccJson: [],
        subject: null,
        bodyText: text,
        bodyHtml: null,
        status: null,
        authorId: null,
        rawMessageId: null,
        classification: 'normal',
        createdAt: at,
      }),
    );
  }

  async list(query: TicketQueryDto, p: Principal): Promise<{ items: TicketListItem[]; total: number; page: number; pageSize: number }> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    await this.searchReady(query);
    const qb = this.filtered(query, p);
    if (!qb) return { items: [], total: 0, page, pageSize };
    const total = await qb.getCount();
    // The page's ids first, then their rows: the sort carries ids, not whole rows (a label's or a
    // broad filter's thousands of tickets are ordered in a temporary table; docs/performance.md).
    const ids = ((await orderTickets(qb.clone(), query.sort).select('t.id', 'id').offset((page - 1) * pageSize).limit(pageSize).getRawMany()) as { id: number | string }[]).map((r) => Number(r.id));
    const byId = new Map(ids.length ? (await this.dataSource.getRepository(Ticket).findBy({ id: In(ids) })).map((t) => [t.id, t]) : []);
    const rows = ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
    return { items: await this.listItems(rows), total, page, pageSize };
  }

  /**
   * A filter with `q` answers from the search index: this puts every article committed so far into
   * it first (SearchIndex.flush). Callers of `filtered()` with a `q` await it before querying.
   */
  async searchReady(filter: Pick<TicketFilter, 'q'>): Promise<void> {
    if (filter.q?.trim()) await this.searchIndex.flush();
  }

  /**
   * The tickets the list's filters select among those the caller may view (no order, no paging):
   * the list pages it, bulk actions walk it. `null` when the caller can view no mailbox.
   */
  filtered(query: TicketFilter, p: Principal, manager: EntityManager = this.dataSource.manager): SelectQueryBuilder<Ticket> | null {
    const qb = manager.getRepository(Ticket).createQueryBuilder('t');
    const visible = p.visibleMailboxIds();
    if (visible !== null) {
      if (!visible.length) return null;
      qb.andWhere('t.mailbox_id IN (:...visible)', { visible });
    }
    if (query.mailboxId !== undefined) qb.andWhere('t.mailbox_id = :mailboxId', { mailboxId: query.mailboxId });
    // A merged ticket is only a pointer to its survivor: never a row of the list (see merge/).
    qb.andWhere('t.merged_into_id IS NULL');
    if (query.state) qb.andWhere('t.state = :state', { state: query.state });
    if (query.folderId !== undefined) qb.andWhere('t.folder_id = :folderId', { folderId: query.folderId });
    // Spam stays out of the inbox unless asked for.
    if (query.spam !== 'all') qb.andWhere('t.spam = :spam', { spam: query.spam === 'true' });
    if (query.unread !== undefined) qb.andWhere('t.unread = :unread', { unread: query.unread === 'true' });
    if (query.customerId !== undefined) qb.andWhere('t.customer_id = :customerId', { customerId: query.customerId });
    if (query.assignee === 'none') qb.andWhere('t.assignee_id IS NULL');
    else if (query.assignee !== undefined) qb.andWhere('t.assignee_id = :assigneeId', { assigneeId: query.assignee === 'me' ? p.userId : Number(query.assignee) });
    if (query.assigneeGroup !== undefined) qb.andWhere('t.assignee_group_id = :assigneeGroupId', { assigneeGroupId: query.assigneeGroup });
    // Every label named: one semi-join per label on ticket_label's (label_id, ticket_id) index.
    for (const [i, labelId] of [...new Set(query.label ?? [])].entries()) qb.andWhere(`t.id IN (SELECT tl${i}.ticket_id FROM ticket_label tl${i} WHERE tl${i}.label_id = :label${i})`, { [`label${i}`]: labelId });
    if (query.q?.trim()) {
      // Stored text holds no control characters, and SQLite would end a bound string at a NUL.
      const terms = hasControlCharacter(query.q) ? [] : queryTerms(query.q);
      if (!terms.length) qb.andWhere('1 = 0');
      else {
        const cond = this.searchIndex.condition(terms);
        qb.andWhere(cond.sql, cond.params);
      }
    }
    return qb;
  }

  /**
   * An agent's change to a ticket; only the fields given change. Assigning needs the mailbox's
   * reply right; the user must be active and able to see the mailbox, the group must exist. A
   * ticket has at most one user and one group, set independently (`null` unassigns either). A
   * new assignee other than the caller is notified in-app. Audited; live viewers are told after
   * commit. The assignment is not customer activity: the ticket keeps its place in the list.
   */
  async update(id: number, dto: UpdateTicketDto, p: Principal): Promise<TicketListItem> {
    const { ticket, before, labelled } = await this.dataSource.transaction(async (m) => {
      const qb = m.getRepository(Ticket).createQueryBuilder('t').where('t.id = :id', { id });
      if (m.connection.options.type === 'mysql') qb.setLock('pessimistic_write');
      const t = await qb.getOne();
      if (!t || !p.can(t.mailboxId, 'view')) throw new NotFound('ticket', id);
      const before = { assigneeId: t.assigneeId, assigneeGroupId: t.assigneeGroupId };
      const patch: Partial<Pick<Ticket, 'assigneeId' | 'assigneeGroupId'>> = {};
      if (dto.assigneeId !== undefined || dto.assigneeGroupId !== undefined) {
        if (!p.can(t.mailboxId, 'reply')) throw new MissingRight('reply', 'mailbox', 'to assign tickets');
        await this.checkAssignees(m, t.mailboxId, dto);
        if (dto.assigneeId !== undefined) patch.assigneeId = dto.assigneeId;
        if (dto.assigneeGroupId !== undefined) patch.assigneeGroupId = dto.assigneeGroupId;
      }
      // Labels: the full set given, each of the ticket's mailbox (LabelsService checks); like assigning, it needs reply.
      let labelled = false;
      if (dto.labelIds !== undefined) {
        if (!p.can(t.mailboxId, 'reply')) throw new MissingRight('reply', 'mailbox', 'to label tickets');
        const set = await this.labels.setForTicket(m, id, t.mailboxId, dto.labelIds);
        if (set) await this.audit.record(p.actor, { entity: 'ticket', entityId: id, action: 'labels', before: { labels: set.before }, after: { labels: set.after } }, m);
        labelled = set !== null;
      }
      // Subject, customer and folder: each needs reply, like assigning; audited as `edit`.
      if (await this.applyEdits(m, t, dto, p)) labelled = true;
      Object.assign(t, patch);
      const changed = (Object.keys(patch) as (keyof typeof patch)[]).some((k) => patch[k] !== before[k]);
      if (!changed) return { ticket: t, before: null, labelled };
      await m.update(Ticket, { id }, patch);
      await this.audit.record(p.actor, { entity: 'ticket', entityId: id, action: 'assign', before, after: { assigneeId: t.assigneeId, assigneeGroupId: t.assigneeGroupId } }, m);
      if (t.assigneeId !== null && t.assigneeId !== before.assigneeId && t.assigneeId !== p.userId) {
        // In-app only: there is no per-user choice of mail notices yet.
        await this.notifications.notify(m, [t.assigneeId], { kind: 'ticket_assigned', ticketId: id, replyId: null, text: `担当に割り当てられました: ${t.code} ${t.subject}（${p.name}）` }, null);
      }
      return { ticket: t, before, labelled };
    });
    if (before || labelled) this.events.changed(ticket.id, ticket.mailboxId);
    return (await this.listItems([ticket]))[0];
  }

  /** Whom a ticket of this mailbox may be assigned to: active users who can see it, by name. */
  async assignable(mailboxId: number, p: Principal): Promise<{ id: number; name: string; branch: string | null }[]> {
    if (!p.can(mailboxId, 'view')) throw new NotFound('mailbox', mailboxId);
    return (await this.users.withMailboxView(mailboxId)).map((u) => ({ id: u.id, name: u.name, branch: u.branch }));
  }

  /** Groups a ticket of this mailbox may be assigned to: admin groups and groups with any right on it, by name. */
  async assignableGroups(mailboxId: number, p: Principal): Promise<{ id: number; name: string }[]> {
    if (!p.can(mailboxId, 'view')) throw new NotFound('mailbox', mailboxId);
    const groups = await this.groups.list();
    return groups
      .filter((g) => g.rights.includes('admin') || g.mailboxRights.some((r) => r.mailboxId === mailboxId && (r.view || r.reply || r.approve || r.manage)))
      .map((g) => ({ id: g.id, name: g.name }))
      .sort((a, b) => a.name.localeCompare(b.name, 'ja'));
  }

  /**
   * The subject, customer link and folder of an agent's PATCH, in its transaction: the reply
   * right on the mailbox for any of them; linking a customer also takes customers.read (an
   * unknown customer is 400 CUSTOMER_NOT_FOUND on `customerId`); a folder must be the mailbox's.
   * Answers whether anything changed (audited as `edit`, before and after).
   */
  private async applyEdits(m: EntityManager, t: Ticket, dto: UpdateTicketDto, p: Principal): Promise<boolean> {
    if (dto.subject === undefined && dto.customerId === undefined && dto.folderId === undefined) return false;
    if (!p.can(t.mailboxId, 'reply')) throw new MissingRight('reply', 'mailbox', 'to change tickets');
    const patch: Partial<Pick<Ticket, 'subject' | 'customerId' | 'folderId'>> = {};
    if (dto.subject !== undefined) {
      const subject = dto.subject.normalize('NFC').trim();
      if (!subject) throw new ValidationFailed({ subject: [fieldError('REQUIRED', 'subject is required')] });
      patch.subject = subject;
    }
    if (dto.customerId !== undefined) {
      if (dto.customerId !== null) {
        if (!p.has('customers.read')) throw new MissingRight('customers.read', 'global', 'to link a customer');
        if (!(await this.customers.nameAndCode(dto.customerId, m))) throw new ValidationFailed({ customerId: [fieldError('CUSTOMER_NOT_FOUND', `customer ${dto.customerId} does not exist`, { id: dto.customerId })] });
      }
      patch.customerId = dto.customerId;
    }
    if (dto.folderId !== undefined) {
      if (dto.folderId !== null && !(await this.automation.folderExists(m, t.mailboxId, dto.folderId))) {
        throw new ValidationFailed({ folderId: [fieldError('FOLDER_NOT_IN_MAILBOX', `there is no folder ${dto.folderId} in this mailbox`, { id: dto.folderId })] });
      }
      patch.folderId = dto.folderId;
    }
    const keys = (Object.keys(patch) as (keyof typeof patch)[]).filter((k) => patch[k] !== t[k]);
    if (!keys.length) return false;
    const before = Object.fromEntries(keys.map((k) => [k, t[k]]));
    const after = Object.fromEntries(keys.map((k) => [k, patch[k]]));
    await m.update(Ticket, { id: t.id }, after);
    // The ticket's response history (its notes) moves to the karte of the customer it now belongs to.
    if ('customerId' in after) await this.history.followTicketCustomer(m, t.id, t.customerId, patch.customerId ?? null);
    Object.assign(t, after);
    await this.audit.record(p.actor, { entity: 'ticket', entityId: t.id, action: 'edit', before, after }, m);
    return true;
  }

  private async checkAssignees(m: EntityManager, mailboxId: number, dto: UpdateTicketDto): Promise<void> {
    if (dto.assigneeId !== undefined && dto.assigneeId !== null) {
      const ok = await this.users.withMailboxView(mailboxId, [dto.assigneeId], m);
      if (!ok.length) throw new ValidationFailed({ assigneeId: [fieldError('ASSIGNEE_CANNOT_VIEW', `user ${dto.assigneeId} is not an active user who can see this mailbox`, { id: dto.assigneeId })] });
    }
    if (dto.assigneeGroupId !== undefined && dto.assigneeGroupId !== null) {
      if ((await this.groups.unknownIds([dto.assigneeGroupId], m)).length) throw new ValidationFailed({ assigneeGroupId: [fieldError('GROUP_NOT_FOUND', `group ${dto.assigneeGroupId} does not exist`, { id: dto.assigneeGroupId })] });
    }
  }

  /** List rows with the names of their assignees and their labels: one query each for users, groups and labels per page. */
  async listItems(rows: Ticket[]): Promise<TicketListItem[]> {
    const userNames = await this.users.names(rows.flatMap((t) => (t.assigneeId !== null ? [t.assigneeId] : [])));
    const groupNames = await this.groups.names(rows.flatMap((t) => (t.assigneeGroupId !== null ? [t.assigneeGroupId] : [])));
    const labels = await this.labels.labelsOf(rows.map((t) => t.id));
    const { previews, withFiles } = await this.listExtras(rows.map((t) => t.id));
    return rows.map((t) => ({ ...this.listItem(t, userNames, groupNames, labels), preview: previews.get(t.id) ?? null, hasAttachment: withFiles.has(t.id) }));
  }

  /**
   * For a page of the list: the start of each ticket's latest customer message (one query, only
   * the first characters read) and which tickets hold a real attachment (one query).
   */
  private async listExtras(ids: number[]): Promise<{ previews: Map<number, string>; withFiles: Set<number> }> {
    const previews = new Map<number, string>();
    const withFiles = new Set<number>();
    if (!ids.length) return { previews, withFiles };
    const latest = await this.dataSource.query(
      `SELECT a.ticket_id AS ticketId, SUBSTR(a.body_text, 1, 300) AS body FROM article a
        WHERE a.id IN (SELECT MAX(b.id) FROM article b WHERE b.ticket_id IN (${ids.map(() => '?').join(',')}) AND b.direction = 'inbound' AND b.sender = 'customer' GROUP BY b.ticket_id)`,
      ids,
    ) as { ticketId: number | string; body: string | Buffer | null }[];
    for (const r of latest) {
      const text = String(r.body ?? '').replace(/\s+/g, ' ').trim();
      if (text) previews.set(Number(r.ticketId), text.length > 120 ? `${text.slice(0, 120)}…` : text);
    }
    const files = await this.dataSource.query(
      `SELECT DISTINCT a.ticket_id AS ticketId FROM attachment x JOIN article a ON a.id = x.article_id WHERE a.ticket_id IN (${ids.map(() => '?').join(',')}) AND x.inline = 0`,
      ids,
    ) as { ticketId: number | string }[];
    for (const r of files) withFiles.add(Number(r.ticketId));
    return { previews, withFiles };
  }

  /** The ticket with its timeline; 404 when it does not exist or its mailbox is hidden from the user. */
  /**
   * The ticket with the newest `limit` articles of its timeline (oldest first) and how many there
   * are in all; older ones come page by page from `articles()`. 404 when it does not exist or its
   * mailbox is hidden from the user.
   */
  async get(id: number, p: Principal, limit = ARTICLE_PAGE) {
    const t = await this.visibleTicket(id, p);
    const page = await this.articlePage(id, null, limit);
    const articlesTotal = await this.dataSource.getRepository(Article).countBy({ ticketId: id });
    const mentions = t.mentionsTicketId ? await this.dataSource.getRepository(Ticket).findOneBy({ id: t.mentionsTicketId }) : null;
    const ruleLog = await this.automation.log(this.dataSource.manager, id);
    // A merged ticket answers where it went, so the console can go there (same mailbox, so visible).
    const survivor = t.mergedIntoId ? await this.dataSource.getRepository(Ticket).findOneBy({ id: t.mergedIntoId }) : null;
    return {
      ...(await this.listItems([t]))[0],
      mergedInto: survivor ? { id: survivor.id, code: survivor.code } : null,
      ruleLog,
      contact: { address: t.contactAddress ?? '', name: t.contactName ?? '' },
      mentions: mentions && p.can(mentions.mailboxId, 'view') ? { id: mentions.id, code: mentions.code } : null,
      articles: page.items,
      articlesTotal,
      hasOlderArticles: page.hasMore,
    };
  }

  /** Articles older than `beforeId` (the oldest one the caller has), newest `limit` of them, oldest first. */
  async articles(ticketId: number, beforeId: number, limit: number, p: Principal) {
    await this.visibleTicket(ticketId, p);
    const before = await this.dataSource.getRepository(Article).findOneBy({ id: beforeId, ticketId });
    if (!before) throw new NotFound('article', beforeId);
    return this.articlePage(ticketId, before, limit);
  }

  private async articlePage(ticketId: number, before: Article | null, limit: number) {
    const qb = this.dataSource.getRepository(Article).createQueryBuilder('a').where('a.ticket_id = :ticketId', { ticketId });
    if (before) qb.andWhere('(a.created_at < :at OR (a.created_at = :at AND a.id < :id))', { at: before.createdAt, id: before.id });
    const newestFirst = await qb.orderBy('a.created_at', 'DESC').addOrderBy('a.id', 'DESC').take(limit + 1).getMany();
    const hasMore = newestFirst.length > limit;
    const articles = newestFirst.slice(0, limit).reverse();
    const ids = articles.map((a) => a.id);
    const attachments = ids.length ? await this.dataSource.getRepository(Attachment).findBy({ articleId: In(ids) }) : [];
    const outbox = ids.length ? await this.dataSource.getRepository(OutboxEntry).findBy({ articleId: In(ids) }) : [];
    const items = articles.map((a) => {
      const out = outbox.find((o) => o.articleId === a.id);
      return {
        ...this.articleView(a, attachments.filter((x) => x.articleId === a.id)),
        // Why a reply failed (the code is what the console shows, translated; the sentence is for
        // administrators), when the next attempt is, and until when a queued one can be taken back.
        error: out?.state === 'cancelled' ? null : (out?.lastError ?? null),
        errorCode: out?.state === 'cancelled' || out?.state === 'sent' ? null : (out?.lastErrorCode ?? null),
        retryAt: out?.state === 'pending' && a.status === 'retrying' ? out.dueAt : null,
        undoUntil: out?.state === 'pending' && a.status === 'queued' ? out.dueAt : null,
        sendAt: out?.state === 'pending' && a.status === 'scheduled' ? out.dueAt : null,
      };
    });
    return { items, hasMore };
  }

  async markRead(id: number, p: Principal, unread = false): Promise<void> {
    await this.visibleTicket(id, p);
    await this.dataSource.getRepository(Ticket).update({ id }, { unread });
  }

  async visibleTicket(id: number, p: Principal, manager: EntityManager = this.dataSource.manager): Promise<Ticket> {
    const t = await manager.findOneBy(Ticket, { id });
    if (!t || !p.can(t.mailboxId, 'view')) throw new NotFound('ticket', id);
    return t;
  }

  /** An attachment's row, if the user may see its ticket. */
  async visibleAttachment(id: number, p: Principal): Promise<Attachment> {
    const a = await this.dataSource.getRepository(Attachment).findOneBy({ id });
    const article = a ? await this.dataSource.getRepository(Article).findOneBy({ id: a.articleId }) : null;
    const t = article ? await this.dataSource.getRepository(Ticket).findOneBy({ id: article.ticketId }) : null;
    if (!a || !t || !p.can(t.mailboxId, 'view')) throw new NotFound('attachment', id);
    return a;
  }

  articleView(a: Article, attachments: Attachment[]): ArticleView {
    // Inline images are referenced as cid: in the stored HTML; the console fetches them here.
    let html = a.bodyHtml;
    if (html) {
      for (const att of attachments) {
        if (att.contentId) html = html.split(`cid:${att.contentId}`).join(`/api/attachments/${att.id}`);
      }
    }
    return {
      id: a.id,
      kind: a.kind,
      direction: a.direction,
      sender: a.sender,
      messageId: a.messageId,
      from: { address: a.fromAddress ?? '', name: a.fromName ?? '' },
      to: a.toJson,
      cc: a.ccJson,
      bcc: a.bccJson,
      subject: a.subject,
      text: a.bodyText,
      html,
      status: a.status,
      classification: a.classification,
      historyKind: a.historyKind ?? null,
      authorId: a.authorId,
      attachments: attachments.map((x) => ({ id: x.id, filename: x.filename, size: x.size, contentType: x.contentType, inline: x.inline, contentId: x.contentId, forwarded: x.forwarded ?? null })),
      createdAt: a.createdAt,
      editedAt: a.editedAt ?? null,
    };
  }

  private listItem(t: Ticket, userNames: Map<number, string>, groupNames: Map<number, string>, labels: Map<number, LabelRef[]>): Omit<TicketListItem, 'preview' | 'hasAttachment'> {
    const userName = t.assigneeId !== null ? userNames.get(t.assigneeId) : undefined;
    const groupName = t.assigneeGroupId !== null ? groupNames.get(t.assigneeGroupId) : undefined;
    return {
      id: t.id,
      code: t.code,
      mailboxId: t.mailboxId,
      folderId: t.folderId,
      subject: t.subject,
      state: t.state,
      from: { address: t.contactAddress ?? '', name: t.contactName ?? '' },
      customerId: t.customerId,
      lastActivityAt: t.lastActivityAt,
      createdAt: t.createdAt,
      unread: t.unread,
      labels: labels.get(t.id) ?? [],
      spam: t.spam,
      assigneeId: t.assigneeId,
      assigneeGroupId: t.assigneeGroupId,
      assignee: t.assigneeId !== null && userName !== undefined ? { id: t.assigneeId, name: userName } : null,
      assigneeGroup: t.assigneeGroupId !== null && groupName !== undefined ? { id: t.assigneeGroupId, name: groupName } : null,
      channel: t.channel,
    };
  }

  /**
   * A subject code finds a ticket of this mailbox, but the message joins it only when its sender
   * already takes part in it; a stranger quoting a code gets a ticket of their own.
   */
  private async findByCode(m: EntityManager, msg: InboundMessage): Promise<{ ticket: Ticket; belongs: boolean } | null> {
    const codes = ticketCodesIn(msg.subject);
    if (!codes.length) return null;
    let ticket = await m.findOneBy(Ticket, { mailboxId: msg.mailboxId, code: In(codes) });
    // A merged ticket's code names its survivor (merging keeps the pointers one hop long).
    if (ticket?.mergedIntoId) ticket = await m.findOneBy(Ticket, { id: ticket.mergedIntoId });
    if (!ticket) return null;
    const sender = msg.from?.address?.toLowerCase();
    if (!sender) return { ticket, belongs: false };
    if (ticket.contactAddress?.toLowerCase() === sender) return { ticket, belongs: true };
    const articles = await m.find(Article, { where: { ticketId: ticket.id }, select: { fromAddress: true, toJson: true, ccJson: true, id: true } });
    const participants = new Set<string>();
    for (const a of articles) {
      if (a.fromAddress) participants.add(a.fromAddress.toLowerCase());
      for (const x of [...a.toJson, ...a.ccJson]) participants.add(x.address.toLowerCase());
    }
    return { ticket, belongs: participants.has(sender) };
  }

  /** The one ticket factory: a new, unhandled ticket for a message's first filing. */
  private newTicket(m: EntityManager, msg: InboundMessage, code: string, mentions: number | null, customers: Map<string, number | null>): Ticket {
    const now = msg.receivedAt;
    const address = msg.from?.address?.toLowerCase() || null;
    return m.create(Ticket, {
      code,
      mailboxId: msg.mailboxId,
      folderId: null,
      state: 'unhandled',
      stateVersion: 1,
      stateContext: null,
      stateChangedAt: now,
      version: 1,
      subject: (msg.subject || '(件名なし)').slice(0, 998),
      channel: msg.channel,
      customerId: msg.customerId !== undefined ? msg.customerId : address ? (customers.get(address) ?? null) : null,
      assigneeId: null,
      assigneeGroupId: null,
      // MySQL refuses what does not fit (SQLite would not): long values are cut to the column.
      contactAddress: address?.slice(0, 254) ?? null,
      contactName: msg.from?.name?.slice(0, 255) || null,
      unread: true,
      spam: false,
      mentionsTicketId: mentions,
      mergedIntoId: null,
      createdAt: now,
      lastActivityAt: now,
    });
  }

  /** The one article factory for inbound messages. A form's article is titled with the form's name. */
  private newArticle(m: EntityManager, msg: InboundMessage, ticketId: number): Article {
    return m.create(Article, {
      ticketId,
      kind: msg.channel === 'email' ? (msg.classification === 'bounce' ? 'bounce' : 'email') : msg.channel,
      direction: 'inbound',
      sender: msg.classification === 'normal' ? 'customer' : 'system',
      messageId: msg.external?.id ?? null,
      inReplyTo: msg.external?.inReplyTo ?? [],
      references: msg.external?.references ?? [],
      fromAddress: msg.from?.address?.slice(0, 254) ?? null,
      fromName: msg.from?.name?.slice(0, 255) ?? null,
      toJson: msg.to,
      ccJson: msg.cc,
      bccJson: [],
      subject: (msg.form?.name ?? msg.subject).slice(0, 998),
      bodyText: msg.text,
      bodyHtml: msg.html,
      status: null,
      authorId: null,
      rawMessageId: msg.rawMessageId,
      classification: msg.classification,
      createdAt: msg.receivedAt,
    });
  }
}
