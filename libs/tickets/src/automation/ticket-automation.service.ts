import { Principal } from '@madoguchi/auth';
import { AuditService, Clock, insertRows, NotFound, ValidationFailed, MissingRight } from '@madoguchi/core';
import { AutomationService } from '@madoguchi/mailboxes';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull } from 'typeorm';
import { Article } from '../article.entity';
import { Attachment } from '../attachment.entity';
import { TicketEvents } from '../ticket-events.service';
import { Ticket } from '../ticket.entity';
import { MoveTicketsDto } from './ticket-automation.dto';
import { TicketRuleLog } from '../routing/rule-log.entity';
import { evaluateRules } from '../routing/rule-engine';
import { RoutingRulesService } from '../routing/routing-rules.service';
import { TicketLabel } from '../labels/label.entity';
import { LabelsService } from '../labels/labels.service';

/** Tickets in mailbox folders: moving them, re-applying the routing rules, and folder counts. */
@Injectable()
export class TicketAutomationService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly automation: AutomationService,
    private readonly rules: RoutingRulesService,
    private readonly events: TicketEvents,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly labels: LabelsService,
  ) {}

  /** Mailboxes own the folders, tickets what is in them: it counts them here and is told when one goes. */
  onModuleInit(): void {
    this.automation.countFolderContents({
      shown: async (m, mailboxId) => {
        const rows = (await m.query(
          `SELECT folder_id, COUNT(*) AS n, SUM(CASE WHEN state = 'unhandled' THEN 1 ELSE 0 END) AS u FROM ticket WHERE mailbox_id = ? AND folder_id IS NOT NULL AND spam = 0 AND merged_into_id IS NULL GROUP BY folder_id`,
          [mailboxId],
        )) as { folder_id: number; n: number | string; u: number | string | null }[];
        return new Map(rows.map((r) => [Number(r.folder_id), { count: Number(r.n), unhandled: Number(r.u ?? 0) }]));
      },
      held: async (m, folderId) => {
        const [{ n }] = (await m.query('SELECT COUNT(*) AS n FROM ticket WHERE folder_id = ?', [folderId])) as { n: number | string }[];
        return Number(n);
      },
    });
    // A deleted folder's tickets go where the user said, in the transaction that deletes it.
    this.automation.onFolderDeleted(async ({ folderId, moveTo }, m) => {
      await m.query('UPDATE ticket SET folder_id = ? WHERE folder_id = ?', [moveTo, folderId]);
    });
  }

  /** Moves tickets (of one mailbox) into a folder or back to the top level. */
  async move(dto: MoveTicketsDto, p: Principal): Promise<{ moved: number }> {
    const tickets = await this.dataSource.getRepository(Ticket).findBy({ id: In(dto.ticketIds) });
    const visible = tickets.filter((t) => p.can(t.mailboxId, 'view'));
    if (visible.length !== new Set(dto.ticketIds).size) throw new NotFound('ticket', dto.ticketIds.find((id) => !visible.some((t) => t.id === id))!);
    const mailboxIds = [...new Set(visible.map((t) => t.mailboxId))];
    if (mailboxIds.length > 1) throw new ValidationFailed({ ticketIds: ['move tickets of one mailbox at a time'] });
    if (!p.can(mailboxIds[0], 'reply')) throw new MissingRight('reply', 'mailbox', 'to move its tickets');
    if (dto.folderId !== null && !(await this.automation.folderExists(mailboxIds[0], dto.folderId))) {
      throw new ValidationFailed({ folderId: [`there is no folder ${dto.folderId} in this mailbox`] });
    }
    await this.dataSource.transaction(async (m) => {
      await m.update(Ticket, { id: In(visible.map((t) => t.id)) }, { folderId: dto.folderId });
      await this.audit.record(p.actor, { entity: 'ticket', entityId: visible[0].id, action: 'move', after: { ticketIds: visible.map((t) => t.id), folderId: dto.folderId } }, m);
    });
    for (const t of visible) this.events.changed(t.id, t.mailboxId);
    return { moved: visible.length };
  }

  /** Runs the mailbox's rules again over the tickets of one folder (or the top level). */
  async reapply(mailboxId: number, folderId: number | null, p: Principal): Promise<{ checked: number; changed: number }> {
    if (!p.can(mailboxId, 'manage')) {
      if (!p.can(mailboxId, 'view')) throw new NotFound('mailbox', mailboxId);
      throw new MissingRight('manage');
    }
    return this.dataSource.transaction(async (m) => {
      const rules = await this.rules.definitions(m, mailboxId);
      const tickets = await m.find(Ticket, { where: { mailboxId, folderId: folderId === null ? IsNull() : folderId }, order: { id: 'ASC' }, take: 5000 });
      if (!rules.length || !tickets.length) return { checked: tickets.length, changed: 0 };
      const firstArticles = (await m
        .createQueryBuilder(Article, 'a')
        .where('a.ticket_id IN (:...ids)', { ids: tickets.map((t) => t.id) })
        .andWhere('a.id IN (SELECT MIN(a2.id) FROM article a2 WHERE a2.ticket_id = a.ticket_id)')
        .getMany()) as Article[];
      const withFiles = new Set(
        (await m.createQueryBuilder(Attachment, 'x').select('x.article_id', 'articleId').where('x.article_id IN (:...ids)', { ids: firstArticles.length ? firstArticles.map((a) => a.id) : [0] }).andWhere('x.inline = :inline', { inline: false }).getRawMany<{ articleId: number }>()).map((r) => Number(r.articleId)),
      );
      const now = this.clock.now();
      // The tickets' labels and the rules' labels that still exist, read once for the run.
      const carried = await this.labels.labelsOf(tickets.map((t) => t.id), m);
      const live = new Set((await this.labels.byIds(m, rules.flatMap((r) => r.actions.flatMap((a) => (a.type === 'addLabel' && typeof a.labelId === 'number' ? [a.labelId] : []))))).map((l) => l.id));
      const labelRows: { ticketId: number; labelId: number }[] = [];
      let changed = 0;
      for (const t of tickets) {
        const a = firstArticles.find((x) => x.ticketId === t.id);
        const out = evaluateRules(rules, {
          from: a?.fromAddress ?? t.contactAddress ?? '',
          to: (a?.toJson ?? []).map((x) => x.address),
          cc: (a?.ccJson ?? []).map((x) => x.address),
          subject: t.subject,
          body: a?.bodyText ?? '',
          channel: t.channel,
          hasAttachment: a ? withFiles.has(a.id) : false,
        });
        if (!out.applied.length) continue;
        const patch: Partial<Ticket> = {};
        if (out.folderId !== null && out.folderId !== t.folderId) patch.folderId = out.folderId;
        const had = new Set((carried.get(t.id) ?? []).map((l) => l.id));
        const newLabels = out.labelIds.filter((id) => !had.has(id) && live.has(id));
        if (out.assigneeId !== null && out.assigneeId !== t.assigneeId) patch.assigneeId = out.assigneeId;
        if (out.assigneeGroupId !== null && out.assigneeGroupId !== t.assigneeGroupId) patch.assigneeGroupId = out.assigneeGroupId;
        if (out.spam && !t.spam) patch.spam = true;
        if (!Object.keys(patch).length && !newLabels.length) continue;
        changed++;
        if (Object.keys(patch).length) await m.update(Ticket, { id: t.id }, patch);
        labelRows.push(...newLabels.map((labelId) => ({ ticketId: t.id, labelId })));
        await m.insert(
          TicketRuleLog,
          out.applied.map((x) => ({ ticketId: t.id, ruleId: x.ruleId, ruleName: x.ruleName, position: x.position, actionsJson: x.actions, createdAt: now })),
        );
      }
      await insertRows(m, TicketLabel, labelRows as TicketLabel[], { ignoreDuplicates: true });
      await this.audit.record(p.actor, { entity: 'mailbox', entityId: mailboxId, action: 'reapply_rules', after: { folderId, checked: tickets.length, changed } }, m);
      return { checked: tickets.length, changed };
    });
  }
}
