import { Principal } from '@madoguchi/auth';
import { Customer } from '@madoguchi/customers';
import { Clock, escapeLike, hasControlCharacter, insertRows, NotFound, OutboxEntry, SequenceService } from '@madoguchi/core';
import { WorkflowRunner } from '@madoguchi/workflow';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, In } from 'typeorm';
import { Article, MailAddress } from './article.entity';
import { Attachment } from './attachment.entity';
import { Delivered, FormSubmissionInput, ForwardedMail, InboundEmail } from './inbound';
import { ThreadKey } from './thread-key.entity';
import { formatTicketCode, ticketCodesIn } from './ticket-code';
import { Ticket, TicketState } from './ticket.entity';
import { TicketQueryDto } from './ticket.dto';
import { InboundAutomation, MailboxAutomation, NewInquiry } from './automation/inbound-automation';
import { Reply } from './workflow/reply.entity';
import { REPLY_WORKFLOW, TICKET_WORKFLOW } from './workflow/workflows';

/** A new ticket's first mail, as routing rules and the journal see it. */
function inquiryOf(mail: InboundEmail): NewInquiry {
  return {
    input: {
      from: mail.from?.address ?? '',
      to: mail.to.map((a) => a.address),
      cc: mail.cc.map((a) => a.address),
      subject: mail.subject,
      body: mail.text,
      channel: 'email',
      hasAttachment: mail.attachments.some((a) => !a.inline),
    },
    fromCustomer: mail.classification === 'normal',
    senderName: mail.from?.name ?? '',
  };
}

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
  labels: string[];
  spam: boolean;
  assigneeId: number | null;
  assigneeGroupId: number | null;
  channel: string;
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
  ) {}

  /** The mailbox's routing rules, journal and customer-link settings, as deliverInboundBatch uses them. */
  loadAutomation(m: EntityManager, mailboxId: number): Promise<MailboxAutomation> {
    return this.automation.load(m, mailboxId);
  }

  /** Customers by email address, for a group of mail: one query instead of one per message. */
  async customersByEmail(m: EntityManager, addresses: string[]): Promise<Map<string, number>> {
    const wanted = [...new Set(addresses.map((a) => a.toLowerCase()))];
    const found = wanted.length ? await m.find(Customer, { select: { id: true, email: true }, where: { email: In(wanted) }, order: { id: 'DESC' } }) : [];
    // The oldest customer with the address wins (the list is newest first, so later rows overwrite).
    return new Map(found.map((c) => [c.email!, c.id]));
  }

  /**
   * Files a group of inbound mail of one mailbox, in order, in the caller's transaction. Mail that
   * starts a new ticket (the usual case) is written with one multi-row INSERT per table for the
   * whole run of such mail; mail that joins a ticket goes through deliverInboundEmail one by one.
   * A message that answers one earlier in the same group writes the run before it first.
   * `automation` is the mailbox's (see loadAutomation), for a caller filing many groups in a row;
   * without it, it is read when the first new ticket needs it.
   */
  async deliverInboundBatch(m: EntityManager, mails: InboundEmail[], customers: Map<string, number>, automation?: MailboxAutomation): Promise<Delivered[]> {
    const results: Delivered[] = new Array(mails.length);
    if (!mails.length) return results;
    const mailboxId = mails[0].mailboxId;
    const refsOf = (mail: InboundEmail) => [...(mail.bouncedMessageId ? [mail.bouncedMessageId] : []), ...mail.inReplyTo, ...mail.references].filter(Boolean);
    const allRefs = [...new Set(mails.flatMap(refsOf))];
    const known = new Map<string, number>();
    if (allRefs.length) {
      for (const k of await m.findBy(ThreadKey, { mailboxId, messageId: In(allRefs) })) known.set(k.messageId, k.ticketId);
    }
    let run: { index: number; mail: InboundEmail }[] = [];
    const inRun = new Set<string>();
    let auto = automation;

    const flush = async () => {
      if (!run.length) return;
      const first = await this.sequences.nextBlock(m, 'ticket_code', run.length);
      auto ??= await this.automation.load(m, mailboxId);
      const tickets = run.map(({ mail }, i) => this.newTicket(m, mail, formatTicketCode(first + i), null, customers));
      const inquiries = run.map(({ mail }) => inquiryOf(mail));
      const outcomes = tickets.map((t, i) => this.automation.route(auto!, t, inquiries[i]));
      if (auto.customerLink.enabled) for (const [i, t] of tickets.entries()) if (!t.customerId) await this.automation.linkCustomer(m, auto, t, inquiries[i]);
      // Plain multi-row INSERTs (see insertRows): for a group of 50, TypeORM's insert() costs
      // more CPU than the database does.
      const ticketIds = await insertRows(m, Ticket, tickets);
      tickets.forEach((t, i) => (t.id = ticketIds[i]));
      await this.automation.afterCreate(m, auto, tickets.map((ticket, i) => ({ ticket, outcome: outcomes[i], inquiry: inquiries[i] })));
      const articles = run.map(({ mail }, i) => this.newArticle(m, mail, ticketIds[i]));
      const articleIds = await insertRows(m, Article, articles);
      await insertRows(m, Attachment, run.flatMap(({ mail }, i) => mail.attachments.map((a) => m.create(Attachment, { ...a, articleId: articleIds[i] }))));
      const keys = run.flatMap(({ mail }, i) => (mail.messageId ? [{ mailboxId, messageId: mail.messageId, ticketId: ticketIds[i], articleId: articleIds[i] }] : []));
      await insertRows(m, ThreadKey, keys, { ignoreDuplicates: true });
      run.forEach(({ index, mail }, i) => {
        results[index] = { ticketId: ticketIds[i], articleId: articleIds[i], createdTicket: true, reopened: false };
        if (mail.messageId && !known.has(mail.messageId)) known.set(mail.messageId, ticketIds[i]);
      });
      run = [];
      inRun.clear();
    };

    for (const [index, mail] of mails.entries()) {
      const refs = refsOf(mail);
      if (refs.some((r) => inRun.has(r))) await flush();
      const joins = refs.some((r) => known.has(r)) || ticketCodesIn(mail.subject).length > 0;
      if (joins) {
        await flush();
        results[index] = await this.deliverInboundEmail(m, mail, customers, auto);
        if (mail.messageId && !known.has(mail.messageId)) known.set(mail.messageId, results[index].ticketId);
      } else {
        run.push({ index, mail });
        if (mail.messageId) inRun.add(mail.messageId);
      }
    }
    await flush();
    return results;
  }

  /**
   * Files one inbound email in the caller's transaction: onto the ticket it answers (by
   * In-Reply-To/References, then by the code in the subject if the sender belongs to that
   * ticket), or onto a new ticket. A customer writing again reopens a handled ticket and
   * cancels replies scheduled to go out later. `customers` and `automation` as for
   * deliverInboundBatch; read when missing.
   */
  async deliverInboundEmail(m: EntityManager, mail: InboundEmail, customers?: Map<string, number>, automation?: MailboxAutomation): Promise<Delivered> {
    const now = mail.receivedAt;
    let ticket = await this.findThread(m, mail);
    let mentions: number | null = null;
    if (!ticket) {
      const byCode = await this.findByCode(m, mail);
      if (byCode?.belongs) ticket = byCode.ticket;
      else if (byCode) mentions = byCode.ticket.id;
    }
    const createdTicket = !ticket;
    let reopened = false;
    if (!ticket) {
      ticket = await this.createTicket(m, mail, now, mentions, customers, automation);
    } else {
      const fromCustomer = mail.classification === 'normal';
      await m.update(Ticket, { id: ticket.id }, { lastActivityAt: now, unread: true, version: () => 'version + 1' } as object);
      if (fromCustomer && ticket.state === 'handled') {
        // A customer follow-up on a handled ticket reopens it, through the ticket machine.
        const applied = await this.runner.apply(m, TICKET_WORKFLOW, ticket.id, { type: 'CUSTOMER_WROTE' }, CUSTOMER_ACTOR, { ifPossible: 'only a handled ticket reopens' });
        reopened = applied.applied && applied.to === 'unhandled';
      }
      if (fromCustomer) {
        // Send-later replies the customer has overtaken; one already being sent is left alone.
        const overtaken = await m.find(OutboxEntry, { select: { id: true, articleId: true }, where: { ticketId: ticket.id, state: 'pending', cancelOnCustomerReply: true } });
        if (overtaken.length) {
          await m.update(OutboxEntry, { id: In(overtaken.map((o) => o.id)), state: 'pending' }, { state: 'cancelled', lastError: 'The customer wrote before it was sent', updatedAt: now });
          const articleIds = overtaken.map((o) => o.articleId).filter((x): x is number => x !== null);
          if (articleIds.length) {
            await m.update(Article, { id: In(articleIds) }, { status: 'cancelled' });
            for (const reply of await m.find(Reply, { select: { id: true }, where: { articleId: In(articleIds) } })) {
              await this.runner.apply(m, REPLY_WORKFLOW, reply.id, { type: 'CANCEL' }, CUSTOMER_ACTOR, { ifPossible: 'one already being sent is left alone', reason: 'The customer wrote before it was sent' });
            }
          }
        }
      }
    }

    // insert, not save: save() would read every row back after writing it.
    const article = this.newArticle(m, mail, ticket.id);
    article.id = (await m.insert(Article, article)).identifiers[0].id as number;
    if (mail.attachments.length) {
      await m.insert(
        Attachment,
        mail.attachments.map((a) => ({ ...a, articleId: article.id })),
      );
    }
    if (mail.messageId) {
      await m
        .createQueryBuilder()
        .insert()
        .into(ThreadKey)
        .values({ mailboxId: mail.mailboxId, messageId: mail.messageId, ticketId: ticket.id, articleId: article.id })
        .orIgnore()
        .execute();
    }
    return { ticketId: ticket.id, articleId: article.id, createdTicket, reopened };
  }

  /**
   * Files one inquiry-form submission in the caller's transaction: a new ticket (channel
   * `form`) whose first article shows the fields as a table, sorted by the routing rules
   * (which can match `form.<key>`), linked to its customer when the mailbox says so, with
   * journal mail like any new inquiry.
   */
  async deliverFormSubmission(m: EntityManager, input: FormSubmissionInput): Promise<{ ticketId: number; articleId: number; code: string; customerId: number | null; spam: boolean }> {
    const now = input.submittedAt;
    const code = formatTicketCode(await this.sequences.next(m, 'ticket_code', 1));
    const address = input.replyEmail?.trim().toLowerCase() || null;
    const customers = await this.customersByEmail(m, address ? [address] : []);
    const ticket = m.create(Ticket, {
      code,
      mailboxId: input.mailboxId,
      folderId: null,
      state: 'unhandled',
      stateVersion: 1,
      stateContext: null,
      stateChangedAt: now,
      version: 1,
      subject: (input.subject || input.formName).slice(0, 998),
      channel: 'form',
      customerId: address ? (customers.get(address) ?? null) : null,
      assigneeId: null,
      assigneeGroupId: null,
      contactAddress: address?.slice(0, 254) ?? null,
      contactName: input.senderName?.slice(0, 255) || null,
      labels: [],
      unread: true,
      spam: false,
      mentionsTicketId: null,
      createdAt: now,
      lastActivityAt: now,
    });
    const form = Object.fromEntries(input.fields.map((f) => [f.key, f.value]));
    const text = input.fields.map((f) => `${f.label}: ${f.value}`).join('\n');
    const inquiry: NewInquiry = {
      input: { from: address ?? '', to: [], cc: [], subject: ticket.subject, body: text, channel: 'form', hasAttachment: false, form },
      fromCustomer: true,
      senderName: input.senderName ?? '',
    };
    const auto = await this.automation.load(m, input.mailboxId);
    const outcome = this.automation.route(auto, ticket, inquiry);
    if (!ticket.customerId || auto.customerLink.enabled) await this.automation.linkCustomer(m, auto, ticket, inquiry);
    ticket.id = (await m.insert(Ticket, ticket)).identifiers[0].id as number;
    const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const html = `<table class="form-fields"><tbody>${input.fields
      .map((f) => `<tr><th>${esc(f.label)}</th><td>${esc(f.value).replace(/\n/g, '<br>')}</td></tr>`)
      .join('')}</tbody></table>`;
    const article = m.create(Article, {
      ticketId: ticket.id,
      kind: 'form',
      direction: 'inbound',
      sender: 'customer',
      messageId: null,
      inReplyTo: [],
      references: [],
      fromAddress: address,
      fromName: input.senderName,
      toJson: [],
      ccJson: [],
      bccJson: [],
      subject: `${input.formName}`.slice(0, 998),
      bodyText: text,
      bodyHtml: html,
      status: null,
      authorId: null,
      rawMessageId: null,
      classification: 'normal',
      createdAt: now,
    });
    article.id = (await m.insert(Article, article)).identifiers[0].id as number;
    await this.automation.afterCreate(m, auto, [{ ticket, outcome, inquiry }]);
    return { ticketId: ticket.id, articleId: article.id, code, customerId: ticket.customerId, spam: ticket.spam };
  }

  async list(query: TicketQueryDto, p: Principal): Promise<{ items: TicketListItem[]; total: number; page: number; pageSize: number }> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const qb = this.dataSource.getRepository(Ticket).createQueryBuilder('t');
    const visible = p.visibleMailboxIds();
    if (visible !== null) {
      if (!visible.length) return { items: [], total: 0, page, pageSize };
      qb.andWhere('t.mailbox_id IN (:...visible)', { visible });
    }
    if (query.mailboxId !== undefined) qb.andWhere('t.mailbox_id = :mailboxId', { mailboxId: query.mailboxId });
    if (query.state) qb.andWhere('t.state = :state', { state: query.state });
    if (query.folderId !== undefined) qb.andWhere('t.folder_id = :folderId', { folderId: query.folderId });
    // Spam stays out of the inbox unless asked for.
    if (query.spam !== 'all') qb.andWhere('t.spam = :spam', { spam: query.spam === 'true' });
    if (query.unread !== undefined) qb.andWhere('t.unread = :unread', { unread: query.unread === 'true' });
    if (query.customerId !== undefined) qb.andWhere('t.customer_id = :customerId', { customerId: query.customerId });
    for (const [i, word] of (query.q ?? '').split(/[\s\u3000]+/).filter(Boolean).entries()) {
      // Stored text holds no control characters, and SQLite would end the bound pattern at a NUL.
      if (hasControlCharacter(word)) {
        qb.andWhere('1 = 0');
        continue;
      }
      const like = `%${escapeLike(word.normalize('NFKC'))}%`;
      const param = `q${i}`;
      qb.andWhere(
        new Brackets((w) =>
          w
            .where(`t.code LIKE :${param} ESCAPE '!'`)
            .orWhere(`t.subject LIKE :${param} ESCAPE '!'`)
            .orWhere(`t.contact_address LIKE :${param} ESCAPE '!'`)
            .orWhere(`t.contact_name LIKE :${param} ESCAPE '!'`)
            .orWhere(`EXISTS (SELECT 1 FROM article a WHERE a.ticket_id = t.id AND (a.body_text LIKE :${param} ESCAPE '!' OR a.subject LIKE :${param} ESCAPE '!'))`),
        ),
        { [param]: like },
      );
    }
    const total = await qb.getCount();
    const rows = await qb
      .orderBy('t.last_activity_at', 'DESC')
      .addOrderBy('t.id', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getMany();
    return { items: rows.map((t) => this.listItem(t)), total, page, pageSize };
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
    return {
      ...this.listItem(t),
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
    };
  }

  private listItem(t: Ticket): TicketListItem {
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
      labels: t.labels ?? [],
      spam: t.spam,
      assigneeId: t.assigneeId,
      assigneeGroupId: t.assigneeGroupId,
      channel: t.channel,
    };
  }

  private async findThread(m: EntityManager, mail: InboundEmail): Promise<Ticket | null> {
    const ids = [...(mail.bouncedMessageId ? [mail.bouncedMessageId] : []), ...mail.inReplyTo, ...[...mail.references].reverse()].filter(Boolean);
    if (!ids.length) return null;
    const keys = await m.findBy(ThreadKey, { mailboxId: mail.mailboxId, messageId: In([...new Set(ids)]) });
    if (!keys.length) return null;
    // The most specific reference wins: the bounced id, then In-Reply-To, then the newest reference.
    const byId = new Map(keys.map((k) => [k.messageId, k.ticketId]));
    const ticketId = ids.map((id) => byId.get(id)).find((x) => x !== undefined)!;
    return m.findOneBy(Ticket, { id: ticketId });
  }

  /**
   * A subject code finds a ticket of this mailbox, but the mail joins it only when its sender
   * already takes part in it; a stranger quoting a code gets a ticket of their own.
   */
  private async findByCode(m: EntityManager, mail: InboundEmail): Promise<{ ticket: Ticket; belongs: boolean } | null> {
    const codes = ticketCodesIn(mail.subject);
    if (!codes.length) return null;
    const ticket = await m.findOneBy(Ticket, { mailboxId: mail.mailboxId, code: In(codes) });
    if (!ticket) return null;
    const sender = mail.from?.address?.toLowerCase();
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

  private async createTicket(m: EntityManager, mail: InboundEmail, now: Date, mentions: number | null, customers?: Map<string, number>, automation?: MailboxAutomation): Promise<Ticket> {
    const code = formatTicketCode(await this.sequences.next(m, 'ticket_code', 1));
    const address = mail.from?.address?.toLowerCase() ?? null;
    if (!customers) customers = await this.customersByEmail(m, address ? [address] : []);
    const ticket = this.newTicket(m, mail, code, mentions, customers);
    const auto = automation ?? (await this.automation.load(m, mail.mailboxId));
    const inquiry = inquiryOf(mail);
    const outcome = this.automation.route(auto, ticket, inquiry);
    if (!ticket.customerId) await this.automation.linkCustomer(m, auto, ticket, inquiry);
    ticket.id = (await m.insert(Ticket, ticket)).identifiers[0].id as number;
    await this.automation.afterCreate(m, auto, [{ ticket, outcome, inquiry }]);
    return ticket;
  }

  private newTicket(m: EntityManager, mail: InboundEmail, code: string, mentions: number | null, customers: Map<string, number>): Ticket {
    const now = mail.receivedAt;
    const address = mail.from?.address?.toLowerCase() ?? null;
    return m.create(Ticket, {
      code,
      mailboxId: mail.mailboxId,
      folderId: null,
      state: 'unhandled',
      stateVersion: 1,
      stateContext: null,
      stateChangedAt: now,
      version: 1,
      subject: (mail.subject || '(件名なし)').slice(0, 998),
      channel: 'email',
      customerId: address ? (customers.get(address) ?? null) : null,
      assigneeId: null,
      assigneeGroupId: null,
      // MySQL refuses what does not fit (SQLite would not): long values are cut to the column.
      contactAddress: address?.slice(0, 254) ?? null,
      contactName: mail.from?.name?.slice(0, 255) || null,
      labels: [],
      unread: true,
      spam: false,
      mentionsTicketId: mentions,
      createdAt: now,
      lastActivityAt: now,
    });
  }

  private newArticle(m: EntityManager, mail: InboundEmail, ticketId: number): Article {
    return m.create(Article, {
      ticketId,
      kind: mail.classification === 'bounce' ? 'bounce' : 'email',
      direction: 'inbound',
      sender: mail.classification === 'normal' ? 'customer' : 'system',
      messageId: mail.messageId,
      inReplyTo: mail.inReplyTo,
      references: mail.references,
      fromAddress: mail.from?.address?.slice(0, 254) ?? null,
      fromName: mail.from?.name?.slice(0, 255) ?? null,
      toJson: mail.to,
      ccJson: mail.cc,
      bccJson: [],
      subject: mail.subject.slice(0, 998),
      bodyText: mail.text,
      bodyHtml: mail.html,
      status: null,
      authorId: null,
      rawMessageId: mail.rawMessageId,
      classification: mail.classification,
      createdAt: mail.receivedAt,
    });
  }

}
