import { GroupsService, Principal, UsersService } from '@madoguchi/auth';
import { detailChunks, firstLine, HistoryService, NOTE_HISTORY_KINDS, NOTE_KIND_LABELS } from '@madoguchi/customers';
import { MailboxesService } from '@madoguchi/mailboxes';
import { AuditService, Clock, DomainError, NotFound, ValidationFailed, MissingRight, fieldError, FieldProblem } from '@madoguchi/core';
import { WorkflowHistory, WorkflowRunner } from '@madoguchi/workflow';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { Article } from '../article.entity';
import { HistoryNoteDto, MarkHandledDto } from './ticket-workflow.dto';
import { TicketEvents } from '../ticket-events.service';
import { Ticket, TICKET_STATES, TicketState } from '../ticket.entity';
import { TicketsService } from '../tickets.service';
import { ApprovalPolicy } from './approval-policy';
import { ApprovalPolicyDto } from './approval-policy.dto';
import { TICKET_WORKFLOW } from './workflows';
import { futureTime } from './future-time';

/** Ticket transitions that are not replies: mark handled, reopen; response-history notes; the story. */
@Injectable()
export class TicketWorkflowService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tickets: TicketsService,
    private readonly runner: WorkflowRunner,
    private readonly events: TicketEvents,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly mailboxes: MailboxesService,
    private readonly groups: GroupsService,
    private readonly users: UsersService,
    private readonly history: WorkflowHistory,
    private readonly customerHistory: HistoryService,
  ) {}

  /** 対応済にする: no mail, optionally with a response-history note. */
  async markHandled(ticketId: number, dto: MarkHandledDto, p: Principal) {
    const ticket = await this.dataSource.transaction(async (m) => {
      const t = await this.replyable(m, ticketId, p);
      const note = dto.note ? await this.writeNote(m, t, dto.note, p) : null;
      const applied = await this.runner.apply(m, TICKET_WORKFLOW, ticketId, { type: 'MARK_HANDLED' }, p.actor, { reason: note ? `${dto.note!.kind}: ${dto.note!.text.slice(0, 200)}` : null });
      // 対応済 is activity on the ticket: 最終更新 moves (and the list re-sorts).
      await m.update(Ticket, { id: ticketId }, { lastActivityAt: this.clock.now() });
      await this.audit.record(p.actor, { entity: 'ticket', entityId: ticketId, action: 'mark_handled', before: { state: applied.from }, after: { state: applied.to } }, m);
      return applied.row;
    });
    this.events.changed(ticket.id, ticket.mailboxId);
    return this.tickets.get(ticketId, p);
  }

  /**
   * 対応済 for many tickets at once (bulk actions), in the caller's transaction: each through the
   * ticket machine, with the same response-history note on each one the machine moves; a ticket
   * already handled is left as it is. The caller has checked the rights. Answers the tickets the
   * machine refused, with the refusal's code.
   */
  async markHandledMany(m: EntityManager, tickets: Ticket[], note: HistoryNoteDto | undefined, p: Principal): Promise<Map<number, string>> {
    const refused = new Map<number, string>();
    const reason = note ? `${note.kind}: ${note.text.slice(0, 200)}` : null;
    for (const t of tickets) {
      if (t.state === 'handled') continue;
      try {
        const applied = await this.runner.apply(m, TICKET_WORKFLOW, t.id, { type: 'MARK_HANDLED' }, p.actor, { reason });
        if (note) await this.writeNote(m, t, note, p);
        await m.update(Ticket, { id: t.id }, { lastActivityAt: this.clock.now() });
        t.state = applied.to as TicketState;
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        refused.set(t.id, e.code);
      }
    }
    return refused;
  }

  /**
   * 保留: the ticket waits until `until` (ISO, at most a year ahead), or without it until the
   * customer's next message; either reopens it as 未対応. Not activity: 最終更新 stays.
   */
  async hold(ticketId: number, until: string | undefined, p: Principal) {
    const untilIso = futureTime(until, this.clock.now(), 'until', 'HOLD_UNTIL_RANGE')?.toISOString() ?? null;
    const ticket = await this.dataSource.transaction(async (m) => {
      await this.replyable(m, ticketId, p);
      const applied = await this.runner.apply(m, TICKET_WORKFLOW, ticketId, { type: 'HOLD', until: untilIso }, p.actor, { reason: untilIso ? `保留期限 ${untilIso}` : null });
      await this.audit.record(p.actor, { entity: 'ticket', entityId: ticketId, action: 'hold', before: { state: applied.from }, after: { state: applied.to, until: untilIso } }, m);
      return applied.row;
    });
    this.events.changed(ticket.id, ticket.mailboxId);
    return this.tickets.get(ticketId, p);
  }

  /** 再オープン: a handled ticket goes back to 未対応. */
  async reopen(ticketId: number, p: Principal) {
    const ticket = await this.dataSource.transaction(async (m) => {
      await this.replyable(m, ticketId, p);
      const applied = await this.runner.apply(m, TICKET_WORKFLOW, ticketId, { type: 'REOPEN' }, p.actor);
      await m.update(Ticket, { id: ticketId }, { lastActivityAt: this.clock.now() });
      await this.audit.record(p.actor, { entity: 'ticket', entityId: ticketId, action: 'reopen', before: { state: applied.from }, after: { state: applied.to } }, m);
      return applied.row;
    });
    this.events.changed(ticket.id, ticket.mailboxId);
    return this.tickets.get(ticketId, p);
  }

  /** 対応履歴の追加: a phone call, FAX, visit or other response, on the ticket's timeline. */
  async addHistoryNote(ticketId: number, dto: HistoryNoteDto, p: Principal) {
    const { article, ticket } = await this.dataSource.transaction(async (m) => {
      const ticket = await this.replyable(m, ticketId, p);
      const article = await this.writeNote(m, ticket, dto, p);
      await m.update(Ticket, { id: ticketId }, { lastActivityAt: this.clock.now() });
      return { article, ticket };
    });
    this.events.changed(ticket.id, ticket.mailboxId);
    return this.tickets.articleView(article, []);
  }

  /** The ticket's whole story: its own transitions and its replies', oldest first. */
  async transitions(ticketId: number, p: Principal) {
    await this.tickets.visibleTicket(ticketId, p);
    const rows = await this.history.ofTicket(ticketId);
    const users = await this.userNames(rows.map((r) => r.actorId).filter((x): x is number => x !== null));
    return rows.map((r) => ({
      id: r.id,
      machine: r.machine,
      entityId: r.entityId,
      from: r.fromState,
      to: r.toState,
      event: r.event,
      reason: r.reason,
      actor: r.actorId ? { id: r.actorId, name: users.get(r.actorId) ?? r.actorLabel } : null,
      actorLabel: r.actorLabel,
      at: r.createdAt,
    }));
  }

  /** Tickets per state (未対応, 承認待ち, 非承認, 対応済) in one mailbox or all the caller may see. */
  async counts(mailboxId: number | undefined, p: Principal): Promise<Record<TicketState, number>> {
    const counts = Object.fromEntries(TICKET_STATES.map((s) => [s, 0])) as Record<TicketState, number>;
    const visible = p.visibleMailboxIds();
    if (mailboxId !== undefined && !p.can(mailboxId, 'view')) throw new NotFound('mailbox', mailboxId);
    if (mailboxId === undefined && visible && !visible.length) return counts;
    const qb = this.dataSource.getRepository(Ticket).createQueryBuilder('t').select('t.state', 'state').addSelect('COUNT(*)', 'n').groupBy('t.state');
    // Spam is not in the inbox, so not in its counts either.
    qb.andWhere('t.spam = :spam', { spam: false });
    // A merged ticket lives on in its survivor (merge/).
    qb.andWhere('t.merged_into_id IS NULL');
    if (mailboxId !== undefined) qb.andWhere('t.mailbox_id = :mailboxId', { mailboxId });
    else if (visible) qb.andWhere('t.mailbox_id IN (:...visible)', { visible });
    for (const row of await qb.getRawMany<{ state: TicketState; n: string | number }>()) {
      if (row.state in counts) counts[row.state] = Number(row.n);
    }
    return counts;
  }

  async getPolicy(mailboxId: number, p: Principal): Promise<ApprovalPolicy> {
    if (!p.can(mailboxId, 'view')) throw new NotFound('mailbox', mailboxId);
    const json = await this.mailboxes.approvalPolicyJson(mailboxId);
    if (json === undefined) throw new NotFound('mailbox', mailboxId);
    return json ? (JSON.parse(json) as ApprovalPolicy) : { mode: 'off', groupIds: [], steps: [], notifyByMail: false };
  }

  /** Replaces the mailbox's approval policy; groups must exist and steps be 1–3 when approval is on. */
  async setPolicy(mailboxId: number, dto: ApprovalPolicyDto, p: Principal): Promise<ApprovalPolicy> {
    if (!p.can(mailboxId, 'manage')) {
      if (!p.can(mailboxId, 'view')) throw new NotFound('mailbox', mailboxId);
      throw new MissingRight('manage', 'mailbox', 'to change its approval policy');
    }
    const policy: ApprovalPolicy = {
      mode: dto.mode,
      groupIds: dto.mode === 'groups' ? [...new Set(dto.groupIds ?? [])] : [],
      steps: dto.mode === 'off' ? [] : (dto.steps ?? []).map((s) => ({ approverGroupIds: [...new Set(s.approverGroupIds)] })),
      notifyByMail: dto.notifyByMail ?? false,
    };
    const errors: Record<string, FieldProblem[]> = {};
    if (policy.mode !== 'off' && (policy.steps.length < 1 || policy.steps.length > 3)) errors.steps = [fieldError('STEPS_RANGE', 'with approval on, give 1 to 3 steps', { min: 1, max: 3 })];
    policy.steps.forEach((s, i) => {
      if (!s.approverGroupIds.length) errors[`steps.${i}.approverGroupIds`] = [fieldError('REQUIRED', `step ${i + 1} needs at least one approver group`)];
    });
    if (policy.mode === 'groups' && !policy.groupIds.length) errors.groupIds = [fieldError('REQUIRED', 'choose the groups whose replies need approval')];
    const allGroups = [...policy.groupIds, ...policy.steps.flatMap((s) => s.approverGroupIds)];
    if (allGroups.length) {
      const found = await this.groups.existingIds(allGroups);
      const missing = [...new Set(allGroups)].filter((g) => !found.includes(g));
      if (missing.length) errors.groups = [fieldError('UNKNOWN_ID', `unknown group id${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, { ids: missing.join(', ') })];
    }
    if (Object.keys(errors).length) throw new ValidationFailed(errors);
    await this.dataSource.transaction(async (m) => {
      const before = await this.getPolicy(mailboxId, p);
      await this.mailboxes.setApprovalPolicyJson(mailboxId, JSON.stringify(policy), m);
      await this.audit.record(p.actor, { entity: 'mailbox', entityId: mailboxId, action: 'approval_policy', before, after: policy }, m);
    });
    return policy;
  }

  private async replyable(m: EntityManager, ticketId: number, p: Principal): Promise<Ticket> {
    const ticket = await this.tickets.visibleTicket(ticketId, p, m);
    if (!p.can(ticket.mailboxId, 'reply')) throw new MissingRight('reply');
    return ticket;
  }

  private async writeNote(m: EntityManager, ticket: Ticket, dto: HistoryNoteDto, p: Principal): Promise<Article> {
    const article = await m.save(
      m.create(Article, {
        ticketId: ticket.id,
        kind: 'history',
        historyKind: dto.kind,
        direction: 'outbound',
        sender: 'agent',
        messageId: null,
        inReplyTo: [],
        references: [],
        fromAddress: null,
        fromName: p.name,
        toJson: [],
        ccJson: [],
        bccJson: [],
        subject: null,
        bodyText: dto.text,
        bodyHtml: null,
        status: null,
        authorId: p.userId,
        rawMessageId: null,
        classification: null,
        createdAt: this.clock.now(),
      }),
    );
    await this.audit.record(p.actor, { entity: 'article', entityId: article.id, action: 'history_note', after: { ticketId: ticket.id, kind: dto.kind } }, m);
    // The same note on the customer's karte (対応履歴), committed with the article.
    await this.customerHistory.recordAuto(m, 'ticket_note', {
      customerId: ticket.customerId,
      withoutCustomer: true,
      eventKey: `article:${article.id}`,
      ticketId: ticket.id,
      articleId: article.id,
      kind: NOTE_HISTORY_KINDS[dto.kind] ?? 'note',
      authorId: p.userId,
      staffId: p.userId,
      createdAt: article.createdAt,
      values: { kind: NOTE_KIND_LABELS[dto.kind] ?? NOTE_KIND_LABELS.other, note: firstLine(dto.text), subject: ticket.subject },
      details: detailChunks(dto.text).map((content) => ({ content, workedAt: article.createdAt, staffId: p.userId })),
    });
    return article;
  }

  private async userNames(ids: number[]): Promise<Map<number, string>> {
    return this.users.names(ids);
  }
}
