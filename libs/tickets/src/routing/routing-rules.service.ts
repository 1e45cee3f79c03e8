import { GroupsService, Principal, UsersService } from '@madoguchi/auth';
import { Actor, AuditService, Conflict, fieldError, FieldProblem, MissingRight, NotFound, ValidationFailed } from '@madoguchi/core';
import { AutomationService, MailboxesService } from '@madoguchi/mailboxes';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { conditionCheck, RuleAction, RuleCondition, RuleDefinition, RuleOp } from './rule-engine';
import { RoutingRule } from './routing-rule.entity';
import { CreateRuleDto, RuleActionDto, RuleConditionDto, UpdateRuleDto } from './routing-rules.dto';
import { LabelsService } from '../labels/labels.service';

export const ruleView = (r: RoutingRule) => ({
  id: r.id,
  mailboxId: r.mailboxId,
  name: r.name,
  position: r.position,
  match: r.match,
  conditions: r.conditionsJson,
  actions: r.actionsJson,
  active: r.active,
});

export const ruleDefinition = (r: RoutingRule): RuleDefinition => ({
  id: r.id,
  name: r.name,
  position: r.position,
  match: r.match,
  conditions: r.conditionsJson,
  actions: r.actionsJson,
  active: r.active,
});

/**
 * Routing rules (振り分け設定, §2) in one home: their definition here, their application at
 * intake (InboundAutomation.route) and on demand (TicketAutomationService.reapply), and the rule
 * log, all in tickets — the rules act on tickets. Reading needs the mailbox's view right,
 * changing them the manage right. Folders are mailboxes': a folder that rules move mail into
 * cannot be deleted.
 */
@Injectable()
export class RoutingRulesService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly mailboxes: MailboxesService,
    private readonly folders: AutomationService,
    private readonly users: UsersService,
    private readonly groups: GroupsService,
    private readonly labels: LabelsService,
  ) {}

  onModuleInit(): void {
    this.folders.onFolderDeleted(async ({ mailboxId, folderId }, m) => {
      const rules = (await m.findBy(RoutingRule, { mailboxId })).filter((r) => r.actionsJson.some((a) => a.type === 'moveToFolder' && a.folderId === folderId));
      if (rules.length) throw new Conflict('FOLDER_IN_USE', `Routing rules move mail into this folder: ${rules.map((r) => `「${r.name}」`).join(', ')}. Change them first.`, { rules: rules.map((r) => `「${r.name}」`).join('、') });
    });
    // A deleted label leaves the rules that added it: the action goes (audited on the rule), and a
    // rule left with no action is switched off rather than matching and doing nothing.
    this.labels.onLabelDeleted(async (label, actor, m) => {
      const uses = (r: RoutingRule) => r.actionsJson.some((a) => a.type === 'addLabel' && a.labelId === label.id);
      for (const rule of (await m.findBy(RoutingRule, { mailboxId: label.mailboxId })).filter(uses)) {
        const before = ruleView(rule);
        rule.actionsJson = rule.actionsJson.filter((a) => !(a.type === 'addLabel' && a.labelId === label.id));
        if (!rule.actionsJson.length) rule.active = false;
        await m.save(rule);
        await this.audit.record(actor, { entity: 'routing_rule', entityId: rule.id, action: 'update', before, after: { ...ruleView(rule), reason: `label 「${label.name}」 deleted` } }, m);
      }
    });
  }

  async rules(mailboxId: number, p: Principal) {
    await this.mailbox(mailboxId, p, 'view');
    const rows = await this.dataSource.getRepository(RoutingRule).find({ where: { mailboxId }, order: { position: 'ASC', id: 'ASC' } });
    return rows.map(ruleView);
  }

  /** The active rules of a mailbox as the engine takes them (no permission check: intake uses it). */
  async definitions(m: EntityManager, mailboxId: number): Promise<RuleDefinition[]> {
    const rows = await m.find(RoutingRule, { where: { mailboxId, active: true }, order: { position: 'ASC', id: 'ASC' } });
    return rows.map(ruleDefinition);
  }

  async createRule(mailboxId: number, dto: CreateRuleDto, p: Principal) {
    await this.mailbox(mailboxId, p, 'manage');
    return this.dataSource.transaction(async (m) => {
      const conditions = this.conditions(dto.conditions);
      const actions = await this.actions(m, mailboxId, dto.actions, p.actor);
      const existing = await m.find(RoutingRule, { where: { mailboxId }, order: { position: 'ASC', id: 'ASC' } });
      const position = Math.min(dto.position ?? existing.length + 1, existing.length + 1);
      const rule = await m.save(m.create(RoutingRule, { mailboxId, name: dto.name.trim(), match: dto.match, conditionsJson: conditions, actionsJson: actions, active: dto.active ?? true, position }));
      await this.renumber(m, [...existing.slice(0, position - 1), rule, ...existing.slice(position - 1)]);
      await this.audit.record(p.actor, { entity: 'routing_rule', entityId: rule.id, action: 'create', after: ruleView(rule) }, m);
      return ruleView(rule);
    });
  }

  async updateRule(mailboxId: number, ruleId: number, dto: UpdateRuleDto, p: Principal) {
    await this.mailbox(mailboxId, p, 'manage');
    return this.dataSource.transaction(async (m) => {
      const rule = await m.findOneBy(RoutingRule, { id: ruleId, mailboxId });
      if (!rule) throw new NotFound('routing rule', ruleId);
      const before = ruleView(rule);
      if (dto.name !== undefined) rule.name = dto.name.trim();
      if (dto.match !== undefined) rule.match = dto.match;
      if (dto.conditions !== undefined) rule.conditionsJson = this.conditions(dto.conditions);
      if (dto.actions !== undefined) rule.actionsJson = await this.actions(m, mailboxId, dto.actions, p.actor);
      if (dto.active !== undefined) rule.active = dto.active;
      await m.save(rule);
      if (dto.position !== undefined) {
        const others = (await m.find(RoutingRule, { where: { mailboxId }, order: { position: 'ASC', id: 'ASC' } })).filter((r) => r.id !== ruleId);
        const at = Math.min(dto.position, others.length + 1);
        await this.renumber(m, [...others.slice(0, at - 1), rule, ...others.slice(at - 1)]);
      }
      await this.audit.record(p.actor, { entity: 'routing_rule', entityId: ruleId, action: 'update', before, after: ruleView(rule) }, m);
      return ruleView(rule);
    });
  }

  async deleteRule(mailboxId: number, ruleId: number, p: Principal): Promise<void> {
    await this.mailbox(mailboxId, p, 'manage');
    await this.dataSource.transaction(async (m) => {
      const rule = await m.findOneBy(RoutingRule, { id: ruleId, mailboxId });
      if (!rule) throw new NotFound('routing rule', ruleId);
      await m.delete(RoutingRule, { id: ruleId });
      await this.renumber(m, await m.find(RoutingRule, { where: { mailboxId }, order: { position: 'ASC', id: 'ASC' } }));
      await this.audit.record(p.actor, { entity: 'routing_rule', entityId: ruleId, action: 'delete', before: ruleView(rule) }, m);
    });
  }

  private conditions(list: RuleConditionDto[]): RuleCondition[] {
    const errors: Record<string, FieldProblem[]> = {};
    const out = list.map((c, i) => {
      const cond: RuleCondition = { field: c.field.trim(), op: c.op as RuleOp, value: c.value };
      const problem = conditionCheck(cond);
      if (problem) errors[`conditions.${i}`] = [problem];
      return cond;
    });
    if (Object.keys(errors).length) throw new ValidationFailed(errors);
    return out;
  }

  private async actions(m: EntityManager, mailboxId: number, list: RuleActionDto[], actor: Actor): Promise<RuleAction[]> {
    if (!list.length) throw new ValidationFailed({ actions: [fieldError('REQUIRED', 'a rule needs at least one action')] });
    const errors: Record<string, (string | FieldProblem)[]> = {};
    const out: RuleAction[] = [];
    for (const [i, a] of list.entries()) {
      const key = `actions.${i}`;
      switch (a.type) {
        case 'moveToFolder':
          // Folders are mailboxes': it says whether this one is the mailbox's.
          if (!a.folderId || !(await this.folders.folderExists(mailboxId, a.folderId, m))) errors[key] = [`moveToFolder needs a folderId of this mailbox (got ${a.folderId ?? 'none'})`];
          else out.push({ type: 'moveToFolder', folderId: a.folderId });
          break;
        case 'addLabel': {
          if (a.labelId !== undefined) {
            const [label] = await this.labels.byIds(m, [a.labelId]);
            if (!label || label.mailboxId !== mailboxId) errors[key] = [fieldError('LABEL_NOT_FOUND', `addLabel needs a label of this mailbox (got ${a.labelId})`, { id: a.labelId })];
            else out.push({ type: 'addLabel', labelId: label.id });
          } else if (a.label?.trim()) {
            out.push({ type: 'addLabel', labelId: (await this.labels.findOrCreate(m, mailboxId, a.label, actor)).id });
          } else errors[key] = [fieldError('REQUIRED', 'addLabel needs a labelId')];
          break;
        }
        case 'assign': {
          if (!a.userId === !a.groupId) {
            errors[key] = ['assign needs exactly one of userId or groupId'];
            break;
          }
          // Staff and groups are auth's: it says which ids it does not know.
          const unknown = a.userId ? await this.users.unknownIds([a.userId], m) : await this.groups.unknownIds([a.groupId!], m);
          if (unknown.length) errors[key] = [`there is no ${a.userId ? 'user' : 'group'} ${a.userId ?? a.groupId}`];
          else out.push(a.userId ? { type: 'assign', userId: a.userId } : { type: 'assign', groupId: a.groupId });
          break;
        }
        case 'markSpam':
          out.push({ type: 'markSpam' });
          break;
        case 'stop':
          out.push({ type: 'stop' });
          break;
      }
    }
    if (Object.keys(errors).length) throw new ValidationFailed(errors);
    return out;
  }

  private async renumber(m: EntityManager, ordered: RoutingRule[]): Promise<void> {
    for (const [i, r] of ordered.entries()) {
      if (r.position !== i + 1) {
        r.position = i + 1;
        await m.update(RoutingRule, { id: r.id }, { position: i + 1 });
      }
    }
  }

  /** The same 404 for a mailbox that does not exist as for one the caller may not view. */
  private async mailbox(mailboxId: number, p: Principal, right: 'view' | 'manage'): Promise<void> {
    if (!(await this.mailboxes.names([mailboxId])).has(mailboxId) || !p.can(mailboxId, 'view')) throw new NotFound('mailbox', mailboxId);
    if (right === 'manage' && !p.can(mailboxId, 'manage')) throw new MissingRight('manage');
  }
}
