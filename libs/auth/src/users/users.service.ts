import { Actor, AuditService, ConfigError, Conflict, NotFound, SYSTEM_ACTOR, ValidationFailed, fieldError } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager, In, Not } from 'typeorm';
import { GroupMailboxRight } from '../groups/group-mailbox-right.entity';
import { assertAnAdminRemains, lockAdminChanges } from '../groups/last-admin';
import { PermissionGroup } from '../groups/permission-group.entity';
import { hashPassword } from '../passwords/password-hasher';
import { assertAcceptablePassword, passwordProblem } from '../passwords/password-policy';
import { GlobalRight } from '../permissions/rights';
import { AccessEvents } from '../sessions/access-events.service';
import { Session } from '../sessions/session.entity';
import { StaffUser } from './staff-user.entity';
import { CreateUserDto, UpdateUserDto } from './user.dto';

export interface UserView {
  id: number;
  email: string;
  name: string;
  branch: string | null;
  active: boolean;
  groupIds: number[];
  createdAt: Date;
  updatedAt: Date;
}

export function toUserView(u: StaffUser): UserView {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    branch: u.branch,
    active: u.active,
    groupIds: (u.groups ?? []).map((g) => g.id).sort((a, b) => a - b),
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
  };
}

/** The group the first start and admin:reset create when none grants the admin right. */
export const ADMIN_GROUP_NAME = '管理者';

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly access: AccessEvents,
  ) {}

  async list(): Promise<UserView[]> {
    const users = await this.dataSource.getRepository(StaffUser).find({ relations: { groups: true }, order: { id: 'ASC' } });
    return users.map(toUserView);
  }

  /** Name and branch of every active user: what assignee pickers need, nothing more. */
  async directory(): Promise<{ id: number; name: string; email: string; branch: string | null }[]> {
    const users = await this.dataSource.getRepository(StaffUser).find({ where: { active: true }, order: { name: 'ASC' } });
    return users.map((u) => ({ id: u.id, name: u.name, email: u.email, branch: u.branch }));
  }

  async get(id: number): Promise<UserView> {
    const user = await this.dataSource.getRepository(StaffUser).findOne({ where: { id }, relations: { groups: true } });
    if (!user) throw new NotFound('user', id);
    return toUserView(user);
  }

  async create(dto: CreateUserDto, actor: Actor): Promise<UserView> {
    assertAcceptablePassword(dto.password, 'password', { email: dto.email });
    return this.dataSource.transaction(async (m) => {
      const email = dto.email.trim().toLowerCase();
      if (await m.getRepository(StaffUser).existsBy({ email })) {
        throw new Conflict('USER_EXISTS', `A user with the email ${email} already exists`, { email });
      }
      const groups = await this.groupsByIds(m, dto.groupIds);
      const user = await m.getRepository(StaffUser).save(
        m.getRepository(StaffUser).create({
          email,
          name: dto.name.trim(),
          passwordHash: await hashPassword(dto.password),
          active: dto.active ?? true,
          branch: dto.branch?.trim() || null,
          groups,
        }),
      );
      const view = toUserView(user);
      await this.audit.record(actor, { entity: 'user', entityId: user.id, action: 'create', after: view }, m);
      return view;
    });
  }

  /**
   * An administrator's change to a user. A new password or deactivation ends the user's sessions
   * (but `keepSessionId`, the administrator's own, when they change themselves); any change tells
   * the user's open live-event streams to look at their rights again.
   */
  async update(id: number, dto: UpdateUserDto, actor: Actor, keepSessionId?: number): Promise<UserView> {
    if (dto.password !== undefined) assertAcceptablePassword(dto.password, 'password', { email: dto.email });
    const view = await this.dataSource.transaction(async (m) => {
      await lockAdminChanges(m);
      const repo = m.getRepository(StaffUser);
      const user = await repo.findOne({ where: { id }, relations: { groups: true } });
      if (!user) throw new NotFound('user', id);
      const before = toUserView(user);
      if (dto.email !== undefined) {
        const email = dto.email.trim().toLowerCase();
        const other = await repo.findOneBy({ email });
        if (other && other.id !== id) throw new Conflict('USER_EXISTS', `A user with the email ${email} already exists`, { email });
        user.email = email;
      }
      if (dto.name !== undefined) user.name = dto.name.trim();
      if (dto.branch !== undefined) user.branch = dto.branch?.trim() || null;
      if (dto.active !== undefined) user.active = dto.active;
      if (dto.groupIds !== undefined) user.groups = await this.groupsByIds(m, dto.groupIds);
      if (dto.password !== undefined) user.passwordHash = await hashPassword(dto.password);
      await repo.save(user);
      if (dto.active === false || dto.groupIds !== undefined) await assertAnAdminRemains(m);
      if (dto.password !== undefined || dto.active === false) {
        const keep = keepSessionId !== undefined && actor.userId === id ? keepSessionId : undefined;
        await m.getRepository(Session).delete(keep !== undefined ? { userId: id, id: Not(keep) } : { userId: id });
      }
      const after = toUserView(user);
      await this.audit.record(
        actor,
        { entity: 'user', entityId: id, action: dto.password ? 'update+password' : 'update', before, after },
        m,
      );
      return after;
    });
    this.access.changed([id]);
    return view;
  }

  /**
   * Recovery for an instance left without an administrator (`npm run admin:reset -- --email …`):
   * the user (created when missing) is activated, put into a group with the admin right (the
   * first such group, or a new 管理者 group) and given the password, or a generated one that the
   * caller prints once. Their sessions end.
   */
  async resetAdministrator(emailIn: string, password?: string): Promise<{ email: string; password: string; created: boolean; group: string }> {
    const email = emailIn.trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new ValidationFailed({ email: [fieldError('EMAIL', 'email must be an email address')] });
    const secret = password ?? randomBytes(12).toString('base64url');
    assertAcceptablePassword(secret, 'password', { email });
    const passwordHash = await hashPassword(secret);
    const result = await this.dataSource.transaction(async (m) => {
      await lockAdminChanges(m);
      const groups = m.getRepository(PermissionGroup);
      let group = (await groups.find({ order: { id: 'ASC' } })).find((g) => g.rights.includes('admin'));
      if (!group) {
        const name = (await groups.existsBy({ name: ADMIN_GROUP_NAME })) ? `${ADMIN_GROUP_NAME} (${new Date().toISOString().slice(0, 10)})` : ADMIN_GROUP_NAME;
        group = await groups.save(groups.create({ name, rights: ['admin'] as GlobalRight[] }));
        await this.audit.record(SYSTEM_ACTOR, { entity: 'group', entityId: group.id, action: 'create', after: { name, rights: group.rights } }, m);
      }
      const repo = m.getRepository(StaffUser);
      let user = await repo.findOne({ where: { email }, relations: { groups: true } });
      const created = !user;
      user ??= repo.create({ email, name: ADMIN_GROUP_NAME, branch: null, groups: [] });
      user.active = true;
      user.passwordHash = passwordHash;
      if (!user.groups.some((g) => g.id === group.id)) user.groups = [...user.groups, group];
      user = await repo.save(user);
      await m.getRepository(Session).delete({ userId: user.id });
      await this.audit.record(SYSTEM_ACTOR, { entity: 'user', entityId: user.id, action: 'admin-reset', after: toUserView(user) }, m);
      return { id: user.id, created, group: group.name };
    });
    this.access.changed([result.id]);
    return { email, password: secret, created: result.created, group: result.group };
  }

  /** Used once, on an empty database. */
  async createInitialAdmin(email: string, name: string, password: string, adminGroup: PermissionGroup, actor: Actor): Promise<StaffUser> {
    const problem = passwordProblem(password, { email });
    if (problem) throw new ConfigError([`MADOGUCHI_ADMIN_PASSWORD: ${problem}`]);
    const repo = this.dataSource.getRepository(StaffUser);
    const user = await repo.save(
      repo.create({ email: email.toLowerCase(), name, passwordHash: await hashPassword(password), active: true, branch: null, groups: [adminGroup] }),
    );
    await this.audit.record(actor, { entity: 'user', entityId: user.id, action: 'create', after: toUserView(user) });
    return user;
  }

  async count(): Promise<number> {
    return this.dataSource.getRepository(StaffUser).count();
  }

  private async groupsByIds(m: EntityManager, ids: number[]): Promise<PermissionGroup[]> {
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    const groups = await m.getRepository(PermissionGroup).findBy({ id: In(unique) });
    const missing = unique.filter((id) => !groups.some((g) => g.id === id));
    if (missing.length) throw new ValidationFailed({ groupIds: [fieldError('UNKNOWN_ID', `unknown group id(s): ${missing.join(', ')}`, { ids: missing.join(', ') })] });
    return groups;
  }

  /** Every user's name (active or not), e.g. for an export's 担当 column. */
  async allNames(): Promise<Map<number, string>> {
    const users = await this.dataSource.getRepository(StaffUser).find({ select: { id: true, name: true } });
    return new Map(users.map((u) => [u.id, u.name]));
  }

  /** Which of these ids name no user (active or not), e.g. to refuse an unknown assignee. */
  async unknownIds(ids: number[], m: EntityManager = this.dataSource.manager): Promise<number[]> {
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    const found = await m.getRepository(StaffUser).find({ select: { id: true }, where: { id: In(unique) } });
    return unique.filter((id) => !found.some((u) => u.id === id));
  }

  /** Email and name of those of these users who are active: whom a notice may be mailed to. */
  async activeContacts(ids: number[], m: EntityManager = this.dataSource.manager): Promise<{ id: number; email: string; name: string }[]> {
    if (!ids.length) return [];
    const users = await m.getRepository(StaffUser).find({ select: { id: true, email: true, name: true }, where: { id: In([...new Set(ids)]), active: true } });
    return users.map((u) => ({ id: u.id, email: u.email, name: u.name }));
  }

  /** Names of these users (active or not), for lists that show who did something. */
  async names(ids: number[]): Promise<Map<number, string>> {
    if (!ids.length) return new Map();
    const users = await this.dataSource.getRepository(StaffUser).find({ select: { id: true, name: true }, where: { id: In([...new Set(ids)]) } });
    return new Map(users.map((u) => [u.id, u.name]));
  }

  /**
   * Active users who may see this mailbox (through an admin group or a group with any right on
   * it), by name: whom a ticket of the mailbox may be assigned to. `onlyIds` narrows the answer
   * to those users, e.g. to check one assignee.
   */
  async withMailboxView(mailboxId: number, onlyIds?: number[], m: EntityManager = this.dataSource.manager): Promise<{ id: number; name: string; email: string; branch: string | null }[]> {
    if (onlyIds && !onlyIds.length) return [];
    const grants = await m.getRepository(GroupMailboxRight).find({
      select: { groupId: true },
      where: [
        { mailboxId, canView: true },
        { mailboxId, canReply: true },
        { mailboxId, canApprove: true },
        { mailboxId, canManage: true },
      ],
    });
    const admins = (await m.getRepository(PermissionGroup).find({ select: { id: true, rights: true } })).filter((g) => g.rights.includes('admin'));
    const groupIds = [...new Set([...grants.map((g) => g.groupId), ...admins.map((g) => g.id)])];
    if (!groupIds.length) return [];
    const qb = m
      .getRepository(StaffUser)
      .createQueryBuilder('u')
      .innerJoin('u.groups', 'g', 'g.id IN (:...groupIds)', { groupIds })
      .where('u.active = :active', { active: true });
    if (onlyIds) qb.andWhere('u.id IN (:...onlyIds)', { onlyIds: [...new Set(onlyIds)] });
    const users = await qb.orderBy('u.name', 'ASC').addOrderBy('u.id', 'ASC').getMany();
    return users.map((u) => ({ id: u.id, name: u.name, email: u.email, branch: u.branch }));
  }
}
