import { Actor, AuditService, Conflict, NotFound, ValidationFailed, fieldError } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { GlobalRight, MailboxRightGrant } from '../permissions/rights';
import { CreateGroupDto, MailboxRightDto, UpdateGroupDto } from './group.dto';
import { AccessEvents } from '../sessions/access-events.service';
import { GroupMailboxRight } from './group-mailbox-right.entity';
import { assertAnAdminRemains, lockAdminChanges } from './last-admin';
import { PermissionGroup } from './permission-group.entity';

export interface GroupView {
  id: number;
  name: string;
  rights: GlobalRight[];
  mailboxRights: MailboxRightGrant[];
  createdAt: Date;
  updatedAt: Date;
}

function toGroupView(g: PermissionGroup): GroupView {
  return {
    id: g.id,
    name: g.name,
    rights: [...g.rights],
    mailboxRights: (g.mailboxRights ?? [])
      .map((r) => ({ mailboxId: r.mailboxId, view: r.canView, reply: r.canReply, approve: r.canApprove, manage: r.canManage }))
      .sort((a, b) => a.mailboxId - b.mailboxId),
    createdAt: g.createdAt,
    updatedAt: g.updatedAt,
  };
}

@Injectable()
export class GroupsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly access: AccessEvents,
  ) {}

  /** Which of these ids name no group, e.g. to refuse a routing rule that assigns to an unknown one. */
  async unknownIds(ids: number[], m: EntityManager = this.dataSource.manager): Promise<number[]> {
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    const found = await m.getRepository(PermissionGroup).find({ select: { id: true }, where: { id: In(unique) } });
    return unique.filter((id) => !found.some((g) => g.id === id));
  }

  async list(): Promise<GroupView[]> {
    const groups = await this.dataSource.getRepository(PermissionGroup).find({ relations: { mailboxRights: true }, order: { id: 'ASC' } });
    return groups.map(toGroupView);
  }

  async get(id: number): Promise<GroupView> {
    return toGroupView(await this.load(this.dataSource.manager, id));
  }

  async create(dto: CreateGroupDto, actor: Actor): Promise<GroupView> {
    return this.dataSource.transaction(async (m) => {
      await this.assertNameFree(m, dto.name);
      const repo = m.getRepository(PermissionGroup);
      const group = await repo.save(repo.create({ name: dto.name.trim(), rights: [...new Set(dto.rights)] }));
      await this.replaceMailboxRights(m, group.id, dto.mailboxRights ?? []);
      const view = toGroupView(await this.load(m, group.id));
      await this.audit.record(actor, { entity: 'group', entityId: group.id, action: 'create', after: view }, m);
      return view;
    });
  }

  async update(id: number, dto: UpdateGroupDto, actor: Actor): Promise<GroupView> {
    const view = await this.dataSource.transaction(async (m) => {
      await lockAdminChanges(m);
      const group = await this.load(m, id);
      const before = toGroupView(group);
      if (dto.name !== undefined && dto.name.trim() !== group.name) {
        await this.assertNameFree(m, dto.name);
        group.name = dto.name.trim();
      }
      if (dto.rights !== undefined) group.rights = [...new Set(dto.rights)];
      await m.getRepository(PermissionGroup).update({ id }, { name: group.name, rights: group.rights, updatedAt: new Date() });
      if (dto.mailboxRights !== undefined) await this.replaceMailboxRights(m, id, dto.mailboxRights);
      if (dto.rights !== undefined) await assertAnAdminRemains(m);
      const after = toGroupView(await this.load(m, id));
      await this.audit.record(actor, { entity: 'group', entityId: id, action: 'update', before, after }, m);
      return after;
    });
    // Members' open live-event streams pick up the new rights at once.
    this.access.changed(null);
    return view;
  }

  async remove(id: number, actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await lockAdminChanges(m);
      const before = toGroupView(await this.load(m, id));
      await m.getRepository(PermissionGroup).delete({ id });
      await assertAnAdminRemains(m);
      await this.audit.record(actor, { entity: 'group', entityId: id, action: 'delete', before }, m);
    });
    this.access.changed(null);
  }

  /** Creates the administrators' group on an empty database. */
  async ensureAdminGroup(name: string, actor: Actor): Promise<PermissionGroup> {
    const repo = this.dataSource.getRepository(PermissionGroup);
    const existing = await repo.findOneBy({ name });
    if (existing) return existing;
    const group = await repo.save(repo.create({ name, rights: ['admin'] as GlobalRight[] }));
    await this.audit.record(actor, { entity: 'group', entityId: group.id, action: 'create', after: { name, rights: group.rights } });
    return group;
  }

  private async load(m: EntityManager, id: number): Promise<PermissionGroup> {
    const group = await m.getRepository(PermissionGroup).findOne({ where: { id }, relations: { mailboxRights: true } });
    if (!group) throw new NotFound('group', id);
    return group;
  }

  private async assertNameFree(m: EntityManager, name: string): Promise<void> {
    if (await m.getRepository(PermissionGroup).existsBy({ name: name.trim() })) {
      throw new Conflict('GROUP_EXISTS', `A group named ${name.trim()} already exists`, { name: name.trim() });
    }
  }

  private async replaceMailboxRights(m: EntityManager, groupId: number, grants: MailboxRightDto[]): Promise<void> {
    const ids = [...new Set(grants.map((g) => g.mailboxId))];
    if (ids.length !== grants.length) throw new ValidationFailed({ mailboxRights: [fieldError('DUPLICATE', 'each mailbox may appear only once')] });
    if (ids.length) {
      // The mailbox table belongs to the mailboxes library; only its ids are checked here.
      const found: { id: number }[] = await m
        .createQueryBuilder()
        .select('mb.id', 'id')
        .from('mailbox', 'mb')
        .where('mb.id IN (:...ids)', { ids })
        .getRawMany();
      const missing = ids.filter((id) => !found.some((f) => Number(f.id) === id));
      if (missing.length) throw new ValidationFailed({ mailboxRights: [fieldError('UNKNOWN_ID', `unknown mailbox id(s): ${missing.join(', ')}`, { ids: missing.join(', ') })] });
    }
    await m.getRepository(GroupMailboxRight).delete({ groupId });
    const rows = grants
      .filter((g) => g.view || g.reply || g.approve || g.manage)
      .map((g) => ({
        groupId,
        mailboxId: g.mailboxId,
        canView: g.view || g.reply || g.approve || g.manage,
        canReply: g.reply,
        canApprove: g.approve,
        canManage: g.manage,
      }));
    if (rows.length) await m.getRepository(GroupMailboxRight).insert(rows);
  }

  /** Which of these group ids exist (for other libs that keep group ids, e.g. approval policies). */
  async existingIds(ids: number[]): Promise<number[]> {
    if (!ids.length) return [];
    return (await this.dataSource.getRepository(PermissionGroup).find({ select: { id: true }, where: { id: In([...new Set(ids)]) } })).map((g) => g.id);
  }

  /** Names of these groups, for lists that show an assigned group. */
  async names(ids: number[]): Promise<Map<number, string>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const groups = await this.dataSource.getRepository(PermissionGroup).find({ select: { id: true, name: true }, where: { id: In(unique) } });
    return new Map(groups.map((g) => [g.id, g.name]));
  }
}
