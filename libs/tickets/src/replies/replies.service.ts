import { MailboxApprovers, Principal, UsersService } from '@madoguchi/auth';
import { CustomersService, HistoryService } from '@madoguchi/customers';
import { Actor, APP_CONFIG, AppConfig, AuditService, ChannelKind, ChannelRegistry, Clock, Conflict, DeliveryFailure, DeliveryOutcomes, fieldError, MissingRight, NotFound, OutboxEntry, Recipient, SYSTEM_ACTOR, ValidationFailed } from '@madoguchi/core';
import { MailboxesService, renderTemplate, TemplatesService, TemplateView } from '@madoguchi/mailboxes';
import { AfterSend, DeliveryProblem, EffectContext, OutboundArticleStatus, ReplyApprovalEvent, TicketLifecycleEvent, WorkflowHistory, WorkflowRunner } from '@madoguchi/workflow';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { Article } from '../article.entity';
import { Attachment } from '../attachment.entity';
import { NotificationKind } from '../notifications/notification.entity';
import { NotificationsService } from '../notifications/notifications.service';
import { OutboundMessages, OutboundSender } from '../outbound/outbound-messages.service';
import { CreateReplyDto, UpdateReplyDto } from './reply.dto';
import { checkSeen } from './send-guard';
import { replyHtmlToText, sanitizeReplyHtml } from './rich-text';
import { futureTime } from '../workflow/future-time';
import { discardDraft } from '../drafts/drafts.service';
import { ThreadKey } from '../thread-key.entity';
import { isNewMailSubject, newMailSubject, replySubject } from '../ticket-code';
import { TicketEvents } from '../ticket-events.service';
import { Ticket } from '../ticket.entity';
import { TicketsService } from '../tickets.service';
import { Upload } from '../uploads/upload.entity';
import { UploadsService } from '../uploads/uploads.service';
import { ApprovalPolicy, NO_APPROVAL, stepsFor } from '../workflow/approval-policy';
import { Reply, ReplyAttachment } from '../workflow/reply.entity';
import { REPLY_WORKFLOW, replyContext, TICKET_WORKFLOW } from '../workflow/workflows';

/** `retrying`: 送信エラー, the channel tries again at `delivery.retryAt`; `failed`: 送信失敗, it gave up (再送 by hand). */
export type ReplyStatus = 'draft' | 'awaiting_approval' | 'rejected' | 'queued' | 'retrying' | 'sent' | 'captured' | 'failed' | 'cancelled';

export interface ReplyView {
  id: number;
  ticketId: number;
  mailboxId: number;
  author: { id: number; name: string } | null;
  status: ReplyStatus;
  step: number | null;
  steps: number;
  rejectReason: string | null;
  rejectedBy: { id: number; name: string } | null;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
  /** A rich text reply's sanitised HTML; null for plain text. */
  html: string | null;
  senderTemplateId: number | null;
  signatureTemplateId: number | null;
  attachments: { uploadId: string; filename: string; contentType: string; size: number }[];
  previous: { subject: string; text: string } | null;
  approvals: { step: number; user: { id: number; name: string }; at: Date | null }[];
  sendAt: Date | null;
  /** What the ticket becomes once it goes out (handled / hold / open), and until when a hold lasts. */
  afterSend: AfterSend;
  holdUntil: Date | null;
  undoUntil: Date | null;
  /** Set while the caller (the final approver) may still undo the approval: until when, and how long that is from this answer. */
  approvalUndo: { until: Date; remainingMs: number } | null;
  articleId: number | null;
  /** The Message-ID the mail goes out with, once approved. */
  messageId: string | null;
  /** The channel's own words for the last failure (for administrators; the console shows `delivery.code`'s text). */
  error: string | null;
  /** The last failed delivery attempt: its code, how many attempts, and when the next one is (none once given up). */
  delivery: { code: string; attempts: number; retryAt: Date | null } | null;
  canApprove: boolean;
  canEdit: boolean;
  /** The caller may take it out of the outbox now (its author, or a manager of the mailbox, while it waits). */
  canCancel: boolean;
  createdAt: Date;
  updatedAt: Date;
  ticket: { id: number; code: string; subject: string };
}

/** Deciding a reply needs the approve right on its mailbox, whatever place the user has in the policy. */
export class NotApprover extends MissingRight {
  constructor() {
    super('approve', 'mailbox', 'to approve or reject replies', 'REPLY_NOT_APPROVER');
  }
}

const addr = (address: string): Recipient => ({ address: address.trim().toLowerCase(), name: '' });
const PENDING_STATES = ['draft', 'awaiting_approval', 'rejected'] as const;

/** The channel a reply to this ticket goes out on: email for mail and form inquiries. */
const replyChannel = (ticket: Ticket): ChannelKind => (ticket.channel === 'sms' || ticket.channel === 'mypage' ? ticket.channel : 'email');

/**
 * Replies (§3): every reply is a row driven by the approval machine. With no approval policy it
 * is approved at once; otherwise it waits for each step. Only the `enqueueReply` effect of the
 * final approval writes the outbound article and its outbox row, so nothing can reach the
 * outbox before the last step approves. Nothing is sent here.
 */
/**
 * The text and (for a rich reply) the sanitised HTML a reply is stored with: the text is the
 * writer's when given, else derived from the sanitised HTML. HTML that sanitises to nothing
 * readable is refused like an empty text.
 */
function replyBody(dto: { text?: string; bodyHtml?: string }): { text: string; html: string | null } {
  if (dto.bodyHtml === undefined) return { text: dto.text ?? '', html: null };
  const html = sanitizeReplyHtml(dto.bodyHtml);
  const derived = replyHtmlToText(html);
  const text = dto.text !== undefined && dto.text !== '' ? dto.text : derived;
  if (!derived.trim() || !text.trim()) throw new ValidationFailed({ bodyHtml: [fieldError('REQUIRED', 'the reply has no text')] });
  if (text.length > 100_000) throw new ValidationFailed({ bodyHtml: [fieldError('MAX_LENGTH', 'the reply is too long', { max: 100_000 })] });
  return { text, html: html || null };
}

/** What the ticket becomes when this reply is approved or sent (its 送信して… choice). */
function thenOf(reply: Reply): { then: AfterSend; holdUntil: string | null } {
  return { then: reply.afterSend ?? 'handled', holdUntil: reply.holdUntil ? new Date(reply.holdUntil).toISOString() : null };
}

@Injectable()
export class RepliesService implements DeliveryOutcomes {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tickets: TicketsService,
    private readonly mailboxes: MailboxesService,
    private readonly events: TicketEvents,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly runner: WorkflowRunner,
    private readonly notifications: NotificationsService,
    private readonly approvers: MailboxApprovers,
    private readonly customerHistory: HistoryService,
    private readonly uploads: UploadsService,
    private readonly outbound: OutboundMessages,
    private readonly templates: TemplatesService,
    private readonly customers: CustomersService,
    private readonly users: UsersService,
    private readonly history: WorkflowHistory,
    channels: ChannelRegistry,
  ) {
    // Delivery outcomes of the outbox (sent, failed) come here: replies are what tickets sends.
    channels.useOutcomes(this);
    // Every named action of the reply machine is written here, by the runner, in the
    // transition's transaction: no caller can apply an event and forget its rows.
    this.runner.registerEffects(REPLY_WORKFLOW, {
      enqueueReply: (m, e) => this.enqueueEffect(m, e),
      notifyApprovers: (m, e) => this.notifyApprovers(m, e),
      notifyAuthorRejected: async (m, e) => {
        // People are named by name in notices; the actor's label (an email) is for the audit log.
        const name = e.actor.userId ? ((await this.users.names([e.actor.userId])).get(e.actor.userId) ?? e.actor.label) : e.actor.label;
        await this.notifyAuthor(m, e, 'reply_rejected', (t, r) => `差し戻し: ${t.code} ${r.subject} — 理由: ${String(e.params.reason)}（${name}）`);
      },
      notifyAuthorApproved: (m, e) => this.notifyAuthor(m, e, 'reply_approved', (t, r) => `承認されました: ${t.code} ${r.subject}`, false),
      notifyAuthorSendFailed: (m, e) =>
        this.notifyAuthor(m, e, 'reply_send_failed', (t, r) =>
          e.params.final ? `送信失敗: ${t.code} ${r.subject} — 送信できませんでした。内容を確認して再送してください` : `送信エラー: ${t.code} ${r.subject} — 送信できませんでした。自動で再送を試みます`,
        false),
      setArticleStatus: async (m, { row, params }) => {
        if (row.articleId) await m.update(Article, { id: row.articleId }, { status: params.status as OutboundArticleStatus });
      },
      cancelDelivery: (m, e) => this.cancelDelivery(m, e),
      requeueDelivery: (m, e) => this.requeueDelivery(m, e),
      withdrawDelivery: (m, e) => this.withdrawDelivery(m, e),
    });
  }

  /** Writes a reply and submits it: `queued` when no approval is needed, else `awaiting_approval`. */
  async reply(ticketId: number, dto: CreateReplyDto, p: Principal): Promise<ReplyView> {
    const { reply, ticket } = await this.dataSource.transaction(async (m) => {
      const ticket = await this.lockTicket(m, ticketId, p);
      return { reply: await this.submitIn(m, ticket, dto, p), ticket };
    });
    this.events.changed(ticket.id, ticket.mailboxId);
    return this.view(reply, p);
  }

  /**
   * Writes and submits a reply on a ticket the caller's transaction has locked: the one path of
   * every first outbound mail (a reply, and a new mail's first article, whose `subject` is given
   * as it goes out instead of `Re: …`). Nothing reaches the outbox before the last approval.
   */
  async submitIn(m: EntityManager, ticket: Ticket, dto: CreateReplyDto, p: Principal, subject?: string): Promise<Reply> {
    const ticketId = ticket.id;
    if (!p.can(ticket.mailboxId, 'reply')) throw new MissingRight('reply');
    const channel = await this.outbound.senderOrFail(ticket.mailboxId, replyChannel(ticket));
    if (!dto.to.length) throw new ValidationFailed({ to: ['at least one recipient is required'] });
    const now = this.clock.now();
    const sendAt = futureTime(dto.sendAt, now, 'sendAt', 'SEND_AT_RANGE');
    const afterSend = dto.afterSend ?? 'handled';
    if (dto.holdUntil && afterSend !== 'hold') throw new ValidationFailed({ holdUntil: [fieldError('HOLD_UNTIL_WITHOUT_HOLD', 'holdUntil goes with afterSend: hold')] });
    const holdUntil = afterSend === 'hold' ? futureTime(dto.holdUntil, now, 'holdUntil', 'HOLD_UNTIL_RANGE') : null;
    const body = replyBody(dto);
    // What the channel cannot carry (an SMS over 660 characters, an address of the wrong kind) is refused now, not at the final approval.
    this.outbound.check(channel, { from: null, to: dto.to.map(addr), cc: (dto.cc ?? []).map(addr), bcc: (dto.bcc ?? []).map(addr), subject: dto.subject ?? '', text: body.text, html: body.html, attachments: (dto.attachments ?? []).map(() => ({ filename: '', contentType: '', blobKey: '' })) });
    const attachments = await this.resolveUploads(m, dto.attachments ?? [], p);
    await this.checkTemplates(m, ticket.mailboxId, dto);
    await checkSeen(m, ticketId, p.userId, dto);
    await discardDraft(m, ticketId, p.userId);

    const row = m.create(Reply, {
      ticketId,
      mailboxId: ticket.mailboxId,
      authorId: p.userId,
      state: 'draft',
      stateContext: null,
      stateVersion: REPLY_WORKFLOW.version,
      stateChangedAt: now,
      version: 1,
      toJson: dto.to.map((a) => a.trim()),
      ccJson: (dto.cc ?? []).map((a) => a.trim()),
      bccJson: (dto.bcc ?? []).map((a) => a.trim()),
      subject: subject ?? replySubject(dto.subject?.trim() || ticket.subject, ticket.code),
      bodyText: body.text,
      bodyHtml: body.html,
      attachmentsJson: attachments,
      senderTemplateId: dto.senderTemplateId ?? null,
      signatureTemplateId: dto.signatureTemplateId ?? null,
      sendAt,
      afterSend,
      holdUntil,
      previousSubject: null,
      previousText: null,
      articleId: null,
      createdAt: now,
      updatedAt: now,
    });
    const reply = await m.save(row);
    const steps = stepsFor(await this.policy(m, ticket.mailboxId), p.groups.map((g) => g.id));
    const applied = await this.runner.apply(m, REPLY_WORKFLOW, reply.id, { type: 'SUBMIT', actorId: p.userId, steps }, p.actor);
    if (applied.to === 'awaiting_approval') await this.ticketEvent(m, ticket.id, { type: 'REPLY_SUBMITTED' }, p.actor);
    await m.update(Ticket, { id: ticketId }, { lastActivityAt: now });
    await this.audit.record(p.actor, { entity: 'reply', entityId: reply.id, action: 'submit', after: { ticketId, to: dto.to, subject: reply.subject, status: applied.to } }, m);
    return applied.row;
  }

  /**
   * `submitIn` on a ticket given by id, locked here in the caller's transaction: for a channel
   * whose posts are replies (MYPAGE's staff posts), so the post row and its reply commit together.
   */
  async submitOnTicket(m: EntityManager, ticketId: number, dto: CreateReplyDto, p: Principal): Promise<{ replyId: number }> {
    const ticket = await this.lockTicket(m, ticketId, p);
    const reply = await this.submitIn(m, ticket, dto, p);
    return { replyId: reply.id };
  }

  /** The reply behind an outbound article (null: none), for a channel adapter finding what it delivers. */
  async replyIdOfArticle(articleId: number, m: EntityManager = this.dataSource.manager): Promise<number | null> {
    const r = await m.findOne(Reply, { select: { id: true }, where: { articleId } });
    return r?.id ?? null;
  }

  /** Where these replies are (queued, awaiting_approval, rejected, sent, …), by id; no permission check. */
  async statusesOf(replyIds: number[]): Promise<Map<number, ReplyStatus>> {
    if (!replyIds.length) return new Map();
    const rows = await this.dataSource.getRepository(Reply).findBy({ id: In([...new Set(replyIds)]) });
    return new Map(rows.map((r) => [r.id, this.status(r, null)]));
  }

  /** Approves the current step (send `step` to make sure it is the one you looked at). */
  async approve(replyId: number, step: number | undefined, p: Principal): Promise<ReplyView> {
    return this.decide(replyId, p, async (m, reply, ticket) => {
      const event: ReplyApprovalEvent = { type: 'APPROVE', ...this.approver(p, reply.mailboxId), step };
      const applied = await this.runner.apply(m, REPLY_WORKFLOW, reply.id, event, p.actor);
      if (applied.to === 'approved') await this.ticketEvent(m, ticket.id, { type: 'REPLY_APPROVED', ...thenOf(reply) }, p.actor);
      await this.audit.record(p.actor, { entity: 'reply', entityId: reply.id, action: 'approve', after: { state: applied.to, step: replyContext(applied.row).step } }, m);
      return applied.row;
    });
  }

  /**
   * Undo of the final approval, within the undo window, by the approver who gave it: the reply is
   * back at that step (承認待ち), its outbound article and outbox row are gone, nothing is sent.
   * The outbox row's state decides a race with the dispatcher: one it already took answers 409.
   */
  async undoApproval(replyId: number, p: Principal): Promise<ReplyView> {
    return this.decide(replyId, p, async (m, reply, ticket) => {
      const event: ReplyApprovalEvent = { type: 'UNDO_APPROVAL', actorId: p.userId, hasApproveRight: this.approver(p, reply.mailboxId).hasApproveRight };
      // Gone out (or given up on after trying): the window is over, whoever asks.
      if (reply.state === 'sent' || reply.state === 'failed') throw new Conflict('UNDO_WINDOW_OVER', 'The time to undo this approval is over');
      const articleId = reply.articleId;
      const applied = await this.runner.apply(m, REPLY_WORKFLOW, reply.id, event, p.actor, { reason: 'approval undone' });
      await this.ticketEvent(m, ticket.id, { type: 'REPLY_SUBMITTED' }, p.actor, 'approval undone');
      await this.audit.record(p.actor, { entity: 'reply', entityId: reply.id, action: 'undo_approval', before: { state: 'approved', articleId }, after: { state: applied.to, step: replyContext(applied.row).step } }, m);
      // The author was told 「承認されました」: they hear that it was taken back (not when they undid it themselves).
      if (reply.authorId && reply.authorId !== p.userId) {
        await this.notifications.notify(m, [reply.authorId], { kind: 'reply_approval_undone', ticketId: ticket.id, replyId: reply.id, text: `承認が取り消されました: ${ticket.code} ${reply.subject}（${p.name}）— 承認待ちに戻りました` }, null);
      }
      return applied.row;
    });
  }

  /** Sends the reply back to its author with a reason; the ticket shows 非承認. */
  async reject(replyId: number, reason: string, step: number | undefined, p: Principal): Promise<ReplyView> {
    return this.decide(replyId, p, async (m, reply, ticket) => {
      const event: ReplyApprovalEvent = { type: 'REJECT', ...this.approver(p, reply.mailboxId), step, reason };
      const applied = await this.runner.apply(m, REPLY_WORKFLOW, reply.id, event, p.actor, { reason: reason.trim() });
      // The rejected version is what the author's next version is compared with.
      await m.update(Reply, { id: reply.id }, { previousSubject: reply.subject, previousText: reply.bodyText, updatedAt: this.clock.now() });
      await this.ticketEvent(m, ticket.id, { type: 'REPLY_REJECTED', reason: reason.trim() }, p.actor, reason.trim());
      await this.audit.record(p.actor, { entity: 'reply', entityId: reply.id, action: 'reject', after: { reason: reason.trim() } }, m);
      // 自動履歴: the reply's version is new with every transition, so each rejection is one event.
      await this.customerHistory.recordAuto(m, 'reply_rejected', {
        customerId: ticket.customerId,
        eventKey: `reply:${reply.id}:v${applied.row.version}`,
        ticketId: ticket.id,
        staffId: reply.authorId,
        authorId: p.userId,
        values: { subject: reply.subject, reason: reason.trim() },
        details: [{ content: reason.trim().slice(0, 2000), staffId: p.userId, workedAt: this.clock.now() }],
      });
      return { ...applied.row, previousSubject: reply.subject, previousText: reply.bodyText };
    });
  }

  /** The author edits a draft or a rejected reply. */
  async edit(replyId: number, dto: UpdateReplyDto, p: Principal): Promise<ReplyView> {
    return this.decide(replyId, p, async (m, reply, ticket) => {
      const applied = await this.runner.apply(m, REPLY_WORKFLOW, reply.id, { type: 'EDIT', actorId: p.userId }, p.actor);
      const patch: Partial<Reply> = { updatedAt: this.clock.now() };
      if (dto.to !== undefined) {
        if (!dto.to.length) throw new ValidationFailed({ to: ['at least one recipient is required'] });
        patch.toJson = dto.to.map((a) => a.trim());
      }
      if (dto.cc !== undefined) patch.ccJson = dto.cc.map((a) => a.trim());
      if (dto.bcc !== undefined) patch.bccJson = dto.bcc.map((a) => a.trim());
      if (dto.subject !== undefined) {
        // A new mail's first article keeps its form (no `Re:`) through edits.
        const subject = dto.subject.trim() || ticket.subject;
        patch.subject = isNewMailSubject(reply.subject, ticket.code) ? newMailSubject(subject, ticket.code) : replySubject(subject, ticket.code);
      }
      if (dto.bodyHtml !== undefined) {
        const body = replyBody({ text: dto.text ?? '', bodyHtml: dto.bodyHtml });
        patch.bodyText = dto.text !== undefined ? dto.text : body.text;
        patch.bodyHtml = body.html;
      } else if (dto.text !== undefined) {
        patch.bodyText = dto.text;
        patch.bodyHtml = null;
      }
      if (dto.attachments !== undefined) patch.attachmentsJson = await this.resolveUploads(m, dto.attachments, p, reply.attachmentsJson);
      // What the channel cannot carry is refused on edit too (a mailbox that cannot send now is told at submit, as before).
      const channel = await this.outbound.sender(ticket.mailboxId, replyChannel(ticket));
      if (channel) this.outbound.check(channel, {
        from: null,
        to: (patch.toJson ?? reply.toJson).map(addr),
        cc: (patch.ccJson ?? reply.ccJson).map(addr),
        bcc: (patch.bccJson ?? reply.bccJson).map(addr),
        subject: patch.subject ?? reply.subject,
        text: patch.bodyText ?? reply.bodyText,
        html: patch.bodyHtml !== undefined ? patch.bodyHtml : (reply.bodyHtml ?? null),
        attachments: (patch.attachmentsJson ?? reply.attachmentsJson).map(({ filename, contentType, blobKey }) => ({ filename, contentType, blobKey })),
      });
      if (dto.sendAt !== undefined) patch.sendAt = dto.sendAt === null ? null : futureTime(dto.sendAt, this.clock.now(), 'sendAt', 'SEND_AT_RANGE');
      await m.update(Reply, { id: reply.id }, patch);
      await this.audit.record(p.actor, { entity: 'reply', entityId: reply.id, action: 'edit', before: { subject: reply.subject, text: reply.bodyText }, after: { subject: patch.subject, text: patch.bodyText } }, m);
      return Object.assign(applied.row, patch);
    });
  }

  /** The author resubmits a rejected reply: approval starts again at step 1 under today's policy. */
  async resubmit(replyId: number, p: Principal): Promise<ReplyView> {
    return this.decide(replyId, p, async (m, reply, ticket) => {
      const steps = stepsFor(await this.policy(m, ticket.mailboxId), p.groups.map((g) => g.id));
      const applied = await this.runner.apply(m, REPLY_WORKFLOW, reply.id, { type: 'RESUBMIT', actorId: p.userId, steps }, p.actor);
      await this.ticketEvent(m, ticket.id, applied.to === 'approved' ? { type: 'REPLY_APPROVED', ...thenOf(reply) } : { type: 'REPLY_RESUBMITTED' }, p.actor);
      await this.audit.record(p.actor, { entity: 'reply', entityId: reply.id, action: 'resubmit', after: { state: applied.to } }, m);
      return applied.row;
    });
  }

  /** The author takes back a reply that has not been approved yet. */
  async withdraw(replyId: number, p: Principal): Promise<ReplyView> {
    return this.decide(replyId, p, async (m, reply, ticket) => {
      if (reply.authorId !== p.userId) throw new NotFound('reply', replyId);
      const applied = await this.runner.apply(m, REPLY_WORKFLOW, reply.id, { type: 'WITHDRAW', actorId: p.userId }, p.actor);
      if (!(await this.otherPending(m, ticket.id, reply.id))) await this.ticketEvent(m, ticket.id, { type: 'REPLY_WITHDRAWN' }, p.actor);
      await this.audit.record(p.actor, { entity: 'reply', entityId: reply.id, action: 'withdraw' }, m);
      return applied.row;
    });
  }

  /** Undo: a queued reply (in its undo window, or waiting for its send-later time) is taken back. */
  async cancelReply(replyId: number, p: Principal): Promise<ReplyView> {
    const reply = await this.dataSource.getRepository(Reply).findOneBy({ id: replyId });
    // Someone else's reply answers as an unknown one: only its author or a manager of the mailbox may undo it.
    if (!reply || !this.mayUndo(reply.authorId, reply.mailboxId, p)) throw new NotFound('reply', replyId);
    if (!reply.articleId) throw new Conflict('NOT_QUEUED', 'This reply is not in the outbox: withdraw it instead');
    await this.cancel(reply.articleId, p);
    return this.view((await this.dataSource.getRepository(Reply).findOneByOrFail({ id: replyId })), p);
  }

  /** Undo by article id, as the timeline knows it: the reply machine's CANCEL takes it out of the outbox. */
  async cancel(articleId: number, p: Principal) {
    const { article, ticket } = await this.dataSource.transaction(async (m) => {
      const { article, ticket } = await this.ownArticle(m, articleId, p);
      const reply = await m.findOneBy(Reply, { articleId });
      if (!reply || (reply.state !== 'approved' && reply.state !== 'failed')) throw new Conflict('TOO_LATE', 'This message is already being sent or was sent; it can no longer be cancelled');
      await this.runner.apply(m, REPLY_WORKFLOW, reply.id, { type: 'CANCEL', reason: 'Cancelled by the sender' }, p.actor, { reason: 'Cancelled by the sender' });
      if (!(await this.otherPending(m, ticket.id, reply.id))) await this.ticketEvent(m, ticket.id, { type: 'REPLY_WITHDRAWN' }, p.actor);
      await this.audit.record(p.actor, { entity: 'article', entityId: articleId, action: 'cancel' }, m);
      return { article: await m.findOneByOrFail(Article, { id: articleId }), ticket };
    });
    this.events.changed(ticket.id, ticket.mailboxId);
    return this.tickets.articleView(article, []);
  }

  /** 再送: a reply whose sending failed goes back to the outbox, due now (the machine's RETRY). */
  async retry(articleId: number, p: Principal) {
    const { article, ticket } = await this.dataSource.transaction(async (m) => {
      const { article, ticket } = await this.ownArticle(m, articleId, p);
      const reply = await m.findOneBy(Reply, { articleId });
      if (!reply || reply.state !== 'failed') throw new Conflict('NOT_FAILED', 'Only a message that failed can be sent again');
      await this.runner.apply(m, REPLY_WORKFLOW, reply.id, { type: 'RETRY' }, p.actor);
      await this.audit.record(p.actor, { entity: 'article', entityId: articleId, action: 'retry' }, m);
      return { article: await m.findOneByOrFail(Article, { id: articleId }), ticket };
    });
    this.events.changed(ticket.id, ticket.mailboxId);
    return this.tickets.articleView(article, []);
  }

  /**
   * The dispatcher's report that an outbox row went out (DeliveryOutcomes), in the transaction
   * that marks it sent: the reply machine takes SENT (the article says sent, or kept locally) and
   * the ticket REPLY_SENT (unless the customer wrote after the reply was written). Lock order:
   * ticket first, as intake does.
   */
  async sent(m: EntityManager, row: OutboxEntry, outcome: { captured: boolean }): Promise<void> {
    if (!row.ticketId) return;
    await this.lockTicketRow(m, row.ticketId);
    const reply = row.articleId ? await m.findOneBy(Reply, { articleId: row.articleId }) : null;
    if (reply) {
      await this.runner.apply(m, REPLY_WORKFLOW, reply.id, { type: 'SENT', captured: outcome.captured }, SYSTEM_ACTOR, {
        ifPossible: 'a send recovered from the Sent folder after the reply was already settled',
      });
    }
    const newer = await m
      .createQueryBuilder(Article, 'a')
      .where('a.ticket_id = :t AND a.direction = :d AND a.created_at > :since', { t: row.ticketId, d: 'inbound', since: row.createdAt })
      .getCount();
    await this.ticketEvent(m, row.ticketId, { type: 'REPLY_SENT', customerWroteAfter: newer > 0, ...(reply ? thenOf(reply) : {}) }, SYSTEM_ACTOR);
    await m.update(Ticket, { id: row.ticketId }, { lastActivityAt: this.clock.now() });
    // An SMS reply's history entry is the SMS channel's own (`sms_sent`, written by its adapter's recordOutcome),
    // a MYPAGE post's too (`mypage_staff_post`, written when its adapter publishes it).
    if (reply && row.channel !== 'sms' && row.channel !== 'mypage') {
      // 自動履歴, once per reply: a delivery reported twice (a retry, a send recovered from the Sent folder) finds the key.
      const ticket = await m.findOne(Ticket, { select: { id: true, customerId: true, subject: true }, where: { id: row.ticketId } });
      await this.customerHistory.recordAuto(m, 'reply_sent', {
        customerId: ticket?.customerId ?? null,
        eventKey: `reply:${reply.id}`,
        ticketId: row.ticketId,
        articleId: row.articleId,
        staffId: reply.authorId,
        authorId: reply.authorId,
        values: { subject: reply.subject ?? ticket?.subject ?? '' },
      });
    }
  }

  /** After the outcome committed: the consoles showing the ticket reload it. */
  settled(row: OutboxEntry): void {
    if (row.ticketId) this.events.changed(row.ticketId, row.mailboxId);
  }

  /** The dispatcher's report of a failed attempt: 送信エラー while it retries, 送信失敗 once it gives up; the author hears of it. */
  async failed(m: EntityManager, row: OutboxEntry, failure: DeliveryFailure): Promise<void> {
    if (!row.ticketId || !row.articleId) return;
    await this.lockTicketRow(m, row.ticketId);
    const reply = await m.findOneBy(Reply, { articleId: row.articleId });
    if (!reply) return;
    const event: ReplyApprovalEvent = { type: 'SEND_FAILED', code: failure.code, detail: failure.detail, attempts: failure.attempts, retryAt: failure.retryAt?.toISOString() ?? null };
    await this.runner.apply(m, REPLY_WORKFLOW, reply.id, event, SYSTEM_ACTOR, { reason: failure.code });
  }

  // ---- reading ---------------------------------------------------------------------------

  async get(replyId: number, p: Principal): Promise<ReplyView> {
    const reply = await this.dataSource.getRepository(Reply).findOneBy({ id: replyId });
    if (!reply || !p.can(reply.mailboxId, 'view')) throw new NotFound('reply', replyId);
    return this.view(reply, p);
  }

  /** Every reply of a ticket, oldest first. */
  async forTicket(ticketId: number, p: Principal): Promise<ReplyView[]> {
    await this.tickets.visibleTicket(ticketId, p);
    const rows = await this.dataSource.getRepository(Reply).find({ where: { ticketId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return this.views(rows, p);
  }

  /** The caller's own replies in one status (e.g. rejected ones to rework). */
  async mine(status: string | undefined, p: Principal): Promise<ReplyView[]> {
    const where = status && (PENDING_STATES as readonly string[]).includes(status) ? { authorId: p.userId, state: status as Reply['state'] } : { authorId: p.userId };
    const rows = await this.dataSource.getRepository(Reply).find({ where, order: { updatedAt: 'DESC', id: 'DESC' }, take: 200 });
    const views = await this.views(rows.filter((r) => p.can(r.mailboxId, 'view')), p);
    return status ? views.filter((v) => v.status === status) : views;
  }

  /** What the caller may approve now, oldest first. */
  async approvals(p: Principal): Promise<ReplyView[]> {
    const visible = p.visibleMailboxIds();
    if (visible && !visible.length) return [];
    const rows = await this.dataSource.getRepository(Reply).find({
      where: { state: 'awaiting_approval', ...(visible ? { mailboxId: In(visible) } : {}) },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: 500,
    });
    // The caller's own replies waiting for someone else are listed too (申請中, canApprove false).
    return (await this.views(rows, p)).filter((v, i) => v.canApprove || rows[i].authorId === p.userId);
  }

  /** Whether a reply by this user on this mailbox would need approval, and how many steps. */
  async approvalFor(mailboxId: number, p: Principal): Promise<{ approvalRequired: boolean; approvalSteps: number }> {
    const steps = stepsFor(await this.policy(this.dataSource.manager, mailboxId), p.groups.map((g) => g.id));
    return { approvalRequired: steps.length > 0, approvalSteps: steps.length };
  }

  async view(reply: Reply, p: Principal): Promise<ReplyView> {
    return (await this.views([reply], p))[0];
  }

  private async views(rows: Reply[], p: Principal): Promise<ReplyView[]> {
    if (!rows.length) return [];
    const ctxs = rows.map(replyContext);
    const userIds = new Set<number>();
    rows.forEach((r, i) => {
      if (r.authorId) userIds.add(r.authorId);
      if (ctxs[i].rejectedBy) userIds.add(ctxs[i].rejectedBy!);
      ctxs[i].approvals.forEach((a) => userIds.add(a.userId));
    });
    const names = await this.users.names([...userIds]);
    const name = (id: number | null) => (id ? { id, name: names.get(id) ?? `#${id}` } : null);
    const articleIds = rows.map((r) => r.articleId).filter((x): x is number => x !== null);
    const articles = articleIds.length ? await this.dataSource.getRepository(Article).find({ select: { id: true, status: true, messageId: true }, where: { id: In(articleIds) } }) : [];
    const outbox = articleIds.length ? await this.dataSource.getRepository(OutboxEntry).find({ where: { articleId: In(articleIds) } }) : [];
    const tickets = await this.dataSource.getRepository(Ticket).find({ select: { id: true, code: true, subject: true }, where: { id: In([...new Set(rows.map((r) => r.ticketId))]) } });
    const approvedAt = await this.approvalTimes(rows.map((r) => r.id));
    const groupIds = p.groups.map((g) => g.id);

    return rows.map((r, i) => {
      const c = ctxs[i];
      const article = articles.find((a) => a.id === r.articleId);
      const out = outbox.find((o) => o.articleId === r.articleId);
      const status = this.status(r, article?.status ?? null);
      const snapshot = REPLY_WORKFLOW.machine.resolveState({ value: r.state, context: c });
      const t = tickets.find((x) => x.id === r.ticketId);
      return {
        id: r.id,
        ticketId: r.ticketId,
        mailboxId: r.mailboxId,
        author: name(r.authorId),
        status,
        step: r.state === 'awaiting_approval' ? c.step : null,
        steps: c.steps.length,
        rejectReason: r.state === 'rejected' ? c.rejectReason : null,
        rejectedBy: r.state === 'rejected' ? name(c.rejectedBy) : null,
        to: r.toJson,
        cc: r.ccJson,
        bcc: r.bccJson,
        subject: r.subject,
        text: r.bodyText,
        html: r.bodyHtml ?? null,
        senderTemplateId: r.senderTemplateId,
        signatureTemplateId: r.signatureTemplateId,
        attachments: r.attachmentsJson.map(({ uploadId, filename, contentType, size }) => ({ uploadId, filename, contentType, size })),
        previous: r.previousText !== null ? { subject: r.previousSubject ?? '', text: r.previousText } : null,
        approvals: c.approvals.map((a) => ({ step: a.step, user: name(a.userId)!, at: approvedAt.get(`${r.id}:${a.step}`) ?? null })),
        sendAt: r.sendAt,
        afterSend: r.afterSend ?? 'handled',
        holdUntil: r.holdUntil,
        undoUntil: out?.state === 'pending' && article?.status === 'queued' ? out.dueAt : null,
        approvalUndo: this.approvalUndo(r, c, out, p),
        articleId: r.articleId,
        messageId: article?.messageId ?? null,
        error: out && out.state !== 'cancelled' && out.state !== 'sent' ? out.lastError : null,
        delivery: this.delivery(r, c.delivery ?? null, out),
        canApprove: r.state === 'awaiting_approval' && snapshot.can({ type: 'APPROVE', actorId: p.userId, groupIds, isAdmin: p.isAdmin, hasApproveRight: p.can(r.mailboxId, 'approve') }),
        canEdit: (r.state === 'draft' || r.state === 'rejected') && r.authorId === p.userId,
        canCancel: (r.state === 'approved' || r.state === 'failed') && r.articleId !== null && this.mayUndo(r.authorId, r.mailboxId, p),
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
        ticket: { id: r.ticketId, code: t?.code ?? '', subject: t?.subject ?? '' },
      };
    });
  }

  private approvalUndo(r: Reply, c: ReturnType<typeof replyContext>, out: OutboxEntry | undefined, p: Principal): ReplyView['approvalUndo'] {
    if (r.state !== 'approved' || !out || out.state !== 'pending' || out.attempts > 0) return null;
    const snapshot = REPLY_WORKFLOW.machine.resolveState({ value: r.state, context: c });
    if (!snapshot.can({ type: 'UNDO_APPROVAL', actorId: p.userId, hasApproveRight: p.can(r.mailboxId, 'approve') })) return null;
    const until = this.approvalUndoEnd(out);
    const remainingMs = until.getTime() - this.clock.now().getTime();
    return remainingMs > 0 ? { until, remainingMs } : null;
  }

  /** When each step was approved, from the transition log. */
  private async approvalTimes(replyIds: number[]): Promise<Map<string, Date>> {
    const rows = await this.history.ofEntities('reply', replyIds);
    // Replayed: a (re)submission starts again at step 1, an undone approval takes its step back.
    const times = new Map<number, Date[]>();
    for (const row of rows) {
      const list = times.get(row.entityId) ?? [];
      if (row.event === 'SUBMIT' || row.event === 'RESUBMIT') list.length = 0;
      else if (row.event === 'APPROVE') list.push(new Date(row.createdAt));
      else if (row.event === 'UNDO_APPROVAL') list.pop();
      times.set(row.entityId, list);
    }
    const out = new Map<string, Date>();
    for (const [id, list] of times) list.forEach((at, i) => out.set(`${id}:${i + 1}`, at));
    return out;
  }

  /** Where a reply is, from its machine alone (the article's status is written by the same machine). */
  private status(r: Reply, articleStatus: string | null): ReplyStatus {
    switch (r.state) {
      case 'draft':
      case 'awaiting_approval':
      case 'rejected':
      case 'cancelled':
      case 'failed':
        return r.state;
      case 'sent':
        // Kept locally by the embedded default (no SMTP account): not delivered.
        return replyContext(r).captured || articleStatus === 'captured' ? 'captured' : 'sent';
      case 'approved':
        return replyContext(r).delivery ? 'retrying' : 'queued';
    }
  }

  private delivery(r: Reply, problem: DeliveryProblem | null, out: OutboxEntry | undefined): ReplyView['delivery'] {
    if (!problem || (r.state !== 'approved' && r.state !== 'failed')) return null;
    const retryAt = r.state === 'approved' && out?.state === 'pending' ? out.dueAt : null;
    return { code: problem.code, attempts: problem.attempts, retryAt };
  }

  // ---- effects (registered with the runner) -------------------------------------------------

  private async ticketOf(m: EntityManager, reply: Reply): Promise<Ticket> {
    return m.findOneByOrFail(Ticket, { id: reply.ticketId });
  }

  private async enqueueEffect(m: EntityManager, { row }: EffectContext<Reply>): Promise<void> {
    row.articleId = await this.enqueue(m, row, await this.ticketOf(m, row));
    await m.update(Reply, { id: row.id }, { articleId: row.articleId });
  }

  private async notifyApprovers(m: EntityManager, { row: reply, params }: EffectContext<Reply>): Promise<void> {
    const ticket = await this.ticketOf(m, reply);
    const policy = (await this.policy(m, reply.mailboxId)) ?? NO_APPROVAL;
    const step = Number(params.step);
    const ctx = replyContext(reply);
    const groups = ctx.steps[step - 1]?.approverGroupIds ?? [];
    const exclude = ctx.approvals.map((a) => a.userId).concat(reply.authorId ?? []);
    const approvers = (await this.approvers.of(reply.mailboxId, groups, m)).filter((id) => !exclude.includes(id));
    const text = `承認依頼: ${ticket.code} ${reply.subject}（ステップ ${step}/${ctx.steps.length}）`;
    await this.notifications.notify(m, approvers, { kind: 'approval_requested', ticketId: ticket.id, replyId: reply.id, text }, policy.notifyByMail ? reply.mailboxId : null);
  }

  /** A notice to the reply's author; by mail too when the policy says so and `byMail` allows. */
  private async notifyAuthor(m: EntityManager, { row: reply }: EffectContext<Reply>, kind: NotificationKind, text: (t: Ticket, r: Reply) => string, byMail = true): Promise<void> {
    if (!reply.authorId) return;
    const ticket = await this.ticketOf(m, reply);
    const policy = byMail ? ((await this.policy(m, reply.mailboxId)) ?? NO_APPROVAL) : NO_APPROVAL;
    await this.notifications.notify(m, [reply.authorId], { kind, ticketId: ticket.id, replyId: reply.id, text: text(ticket, reply) }, byMail && policy.notifyByMail ? reply.mailboxId : null);
  }

  /** Out of the outbox while it waits; one the dispatcher already took is too late (the event rolls back). */
  private async cancelDelivery(m: EntityManager, { row, event }: EffectContext<Reply>): Promise<void> {
    if (!row.articleId) return;
    const reason = (event as { reason?: string }).reason ?? 'Cancelled by the sender';
    // Waiting in the outbox, or given up on (送信失敗): never one the dispatcher holds.
    const res = await m.update(OutboxEntry, { articleId: row.articleId, state: In(['pending', 'failed']) }, { state: 'cancelled', lastError: reason, updatedAt: this.clock.now() });
    if (res.affected) return;
    const out = await m.findOneBy(OutboxEntry, { articleId: row.articleId });
    if (out && out.state !== 'cancelled') throw new Conflict('TOO_LATE', 'This message is already being sent or was sent; it can no longer be cancelled');
  }

  /** Until when the final approval of a reply in the outbox can be undone: its row's birth plus the undo window. */
  private approvalUndoEnd(out: OutboxEntry): Date {
    return new Date(new Date(out.createdAt).getTime() + this.config.mail.undoSeconds * 1000);
  }

  /**
   * The undo of the final approval: the outbox row (only while pending and never tried, so the
   * dispatcher's claim and this delete exclude each other on the row), the outbound article with
   * its files' rows and thread key. Past the window, or once taken: 409, and the event rolls back.
   */
  private async withdrawDelivery(m: EntityManager, { row }: EffectContext<Reply>): Promise<void> {
    const articleId = row.articleId;
    const out = articleId ? await m.findOneBy(OutboxEntry, { articleId }) : null;
    if (!articleId || !out) throw new Conflict('NOT_QUEUED', 'This reply is not in the outbox');
    if (this.clock.now().getTime() >= this.approvalUndoEnd(out).getTime()) throw new Conflict('UNDO_WINDOW_OVER', 'The time to undo this approval is over');
    const res = await m.delete(OutboxEntry, { id: out.id, state: 'pending', attempts: 0 });
    if (!res.affected) throw new Conflict('TOO_LATE', 'This message is already being sent or was sent; it can no longer be cancelled');
    await m.delete(Attachment, { articleId });
    await m.delete(ThreadKey, { articleId });
    await m.delete(Article, { id: articleId });
    row.articleId = null;
    await m.update(Reply, { id: row.id }, { articleId: null });
  }

  private async requeueDelivery(m: EntityManager, { row }: EffectContext<Reply>): Promise<void> {
    if (!row.articleId) return;
    const now = this.clock.now();
    const res = await m.update(OutboxEntry, { articleId: row.articleId, state: 'failed' }, { state: 'pending', dueAt: now, lastError: null, lastErrorCode: null, attempts: 0, updatedAt: now });
    if (!res.affected) throw new Conflict('NOT_FAILED', 'Only a message that failed can be sent again');
  }

  /** The outbound article, its thread key and its outbox row: the reply is on its way. */
  private async enqueue(m: EntityManager, reply: Reply, ticket: Ticket): Promise<number> {
    const sender = await this.outbound.senderOrFail(reply.mailboxId, replyChannel(ticket));
    const now = this.clock.now();
    const last = await m.findOne(Article, { where: { ticketId: ticket.id, direction: 'inbound' }, order: { createdAt: 'DESC', id: 'DESC' } });
    const from = await this.sender(m, reply, ticket, sender);
    const prepared = this.outbound.prepare(sender, {
      from: from.from,
      replyTo: from.replyTo,
      to: reply.toJson.map(addr),
      cc: reply.ccJson.map(addr),
      bcc: reply.bccJson.map(addr),
      subject: reply.subject,
      text: reply.bodyText,
      html: reply.bodyHtml ?? null,
      attachments: reply.attachmentsJson.map(({ filename, contentType, blobKey }) => ({ filename, contentType, blobKey })),
      answers: last ? { externalId: last.messageId, ancestry: last.references ?? [] } : null,
    });
    const sendAt = reply.sendAt && reply.sendAt.getTime() > now.getTime() ? reply.sendAt : null;
    const identity = from.from ?? sender.identity;
    const article = await m.save(
      m.create(Article, {
        ticketId: ticket.id,
        kind: sender.kind,
        direction: 'outbound',
        sender: 'agent',
        messageId: prepared.externalId,
        inReplyTo: prepared.thread.parent ? [prepared.thread.parent] : [],
        references: prepared.thread.ancestry,
        fromAddress: identity.address.trim().toLowerCase(),
        fromName: identity.name,
        toJson: reply.toJson.map(addr),
        ccJson: reply.ccJson.map(addr),
        bccJson: reply.bccJson.map(addr),
        subject: reply.subject,
        bodyText: reply.bodyText,
        bodyHtml: reply.bodyHtml ?? null,
        status: sendAt ? 'scheduled' : 'queued',
        authorId: reply.authorId,
        rawMessageId: null,
        classification: null,
        createdAt: now,
      }),
    );
    if (reply.attachmentsJson.length) {
      await m.insert(
        Attachment,
        reply.attachmentsJson.map((a) => ({ articleId: article.id, filename: a.filename, contentType: a.contentType, size: a.size, blobKey: a.blobKey, contentId: null, inline: false })),
      );
    }
    // An answer to this message finds its ticket by the channel's id for it.
    if (prepared.externalId) await m.insert(ThreadKey, { mailboxId: ticket.mailboxId, messageId: prepared.externalId, ticketId: ticket.id, articleId: article.id });
    await m.insert(
      OutboxEntry,
      this.outbound.row(sender, prepared, {
        purpose: 'reply',
        subject: reply.subject,
        ticketId: ticket.id,
        articleId: article.id,
        dueAt: sendAt ?? new Date(now.getTime() + this.config.mail.undoSeconds * 1000),
        cancelOnCustomerReply: !!sendAt,
        now,
      }),
    );
    return article.id;
  }

  /** From (and Reply-To) of the chosen sender template, placeholders filled; null: the mailbox's own. */
  private async sender(m: EntityManager, reply: Reply, ticket: Ticket, sender: OutboundSender): Promise<{ from: Recipient | null; replyTo: Recipient | null }> {
    const fallback = { from: null, replyTo: null };
    if (!reply.senderTemplateId) return fallback;
    const t = await this.template(reply.senderTemplateId);
    if (!t || t.kind !== 'sender') return fallback;
    const customer = ticket.customerId ? await this.customers.nameAndCode(ticket.customerId, m) : null;
    const author = reply.authorId ? { name: (await this.users.names([reply.authorId])).get(reply.authorId) ?? null } : null;
    const vars = {
      customer: { name: customer ? `${customer.lastName ?? ''} ${customer.firstName ?? ''}`.trim() : ticket.contactName, code: customer?.code ?? null },
      ticket: { code: ticket.code, subject: ticket.subject },
      agent: { name: author?.name ?? null },
      mailbox: { name: sender.identity.name },
      company: { name: this.config.company.name },
    };
    return {
      from: { address: (t.fromAddress || sender.identity.address).trim().toLowerCase(), name: renderTemplate(t.fromName ?? sender.identity.name, vars) },
      replyTo: t.replyTo ? { address: t.replyTo.trim().toLowerCase(), name: '' } : null,
    };
  }

  // ---- helpers ---------------------------------------------------------------------------

  /** Loads the reply and locks its ticket first (the lock order everyone uses), then runs `fn`. */
  private async decide(replyId: number, p: Principal, fn: (m: EntityManager, reply: Reply, ticket: Ticket) => Promise<Reply>): Promise<ReplyView> {
    const { reply, ticket } = await this.dataSource.transaction(async (m) => {
      const found = await m.findOneBy(Reply, { id: replyId });
      if (!found || !p.can(found.mailboxId, 'view')) throw new NotFound('reply', replyId);
      const ticket = await this.lockTicket(m, found.ticketId, p);
      const reply = await m.findOneByOrFail(Reply, { id: replyId });
      return { reply: await fn(m, reply, ticket), ticket };
    });
    this.events.changed(ticket.id, ticket.mailboxId);
    return this.view(reply, p);
  }

  /** The caller as an approver of a reply on this mailbox; without the approve right, refused at once. */
  private approver(p: Principal, mailboxId: number) {
    const hasApproveRight = p.can(mailboxId, 'approve');
    if (!hasApproveRight) throw new NotApprover();
    return { actorId: p.userId, groupIds: p.groups.map((g) => g.id), isAdmin: p.isAdmin, hasApproveRight };
  }

  /** Cancelling or retrying a message: its author while they may reply there, or a manager of the mailbox. */
  private mayUndo(authorId: number | null, mailboxId: number, p: Principal): boolean {
    return (authorId === p.userId && p.can(mailboxId, 'reply')) || p.can(mailboxId, 'manage');
  }

  private async lockTicket(m: EntityManager, ticketId: number, p: Principal): Promise<Ticket> {
    const t = await this.lockTicketRow(m, ticketId);
    if (!t || !p.can(t.mailboxId, 'view')) throw new NotFound('ticket', ticketId);
    return t;
  }

  private async lockTicketRow(m: EntityManager, ticketId: number): Promise<Ticket | null> {
    const qb = m.getRepository(Ticket).createQueryBuilder('t').where('t.id = :id', { id: ticketId });
    if (m.connection.options.type === 'mysql') qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  /** The ticket follows the reply where its state allows; a reply is never refused because of the ticket. */
  private async ticketEvent(m: EntityManager, ticketId: number, event: TicketLifecycleEvent, actor: Actor, reason?: string): Promise<void> {
    await this.runner.apply(m, TICKET_WORKFLOW, ticketId, event, actor, { ifPossible: 'the ticket follows a reply only where its state allows', reason });
  }

  private async otherPending(m: EntityManager, ticketId: number, replyId: number): Promise<boolean> {
    const n = await m
      .createQueryBuilder(Reply, 'r')
      .where('r.ticket_id = :ticketId AND r.id <> :replyId AND r.state IN (:...states)', { ticketId, replyId, states: ['awaiting_approval', 'rejected'] })
      .getCount();
    return n > 0;
  }

  async policy(m: EntityManager, mailboxId: number): Promise<ApprovalPolicy | null> {
    const raw = await this.mailboxes.approvalPolicyJson(mailboxId, m);
    return raw ? (JSON.parse(raw) as ApprovalPolicy) : null;
  }

  /** A hold's end: in the future and at most a year ahead; none holds until the customer writes. */
  /** Uploads the caller made (or that the reply already had), in the order given. */
  private async resolveUploads(m: EntityManager, ids: string[], p: Principal, existing: ReplyAttachment[] = []): Promise<ReplyAttachment[]> {
    if (!ids.length) return [];
    const uploads = await m.findBy(Upload, { id: In(ids) });
    const resolved = ids.map((id) => {
      const kept = existing.find((a) => a.uploadId === id);
      if (kept) return kept;
      const u = uploads.find((x) => x.id === id);
      if (!u || u.userId !== p.userId) throw new ValidationFailed({ attachments: [`attachment ${id} was not found: upload the file again`] });
      return { uploadId: u.id, filename: u.filename, contentType: u.contentType, size: u.size, blobKey: u.blobKey };
    });
    await this.uploads.markUsed(m, resolved.map((a) => a.uploadId));
    return resolved;
  }

  /** A template by id, or null when there is none (templates are mailboxes' own rows). */
  private template(id: number): Promise<TemplateView | null> {
    return this.templates.get(id).catch((e: unknown) => {
      if (e instanceof NotFound) return null;
      throw e;
    });
  }

  private async checkTemplates(m: EntityManager, mailboxId: number, dto: CreateReplyDto): Promise<void> {
    for (const [field, id, kind] of [['senderTemplateId', dto.senderTemplateId, 'sender'], ['signatureTemplateId', dto.signatureTemplateId, 'signature']] as const) {
      if (!id) continue;
      const t = await this.template(id);
      if (!t || t.kind !== kind || (t.mailboxId !== null && t.mailboxId !== mailboxId)) {
        throw new ValidationFailed({ [field]: [`there is no ${kind} template ${id} for this mailbox`] });
      }
    }
  }

  private async ownArticle(m: EntityManager, articleId: number, p: Principal) {
    const article = await m.findOneBy(Article, { id: articleId });
    if (!article || article.direction !== 'outbound') throw new NotFound('article', articleId);
    const ticket = await this.lockTicket(m, article.ticketId, p);
    if (!this.mayUndo(article.authorId, ticket.mailboxId, p)) throw new NotFound('article', articleId);
    return { article, ticket };
  }
}
