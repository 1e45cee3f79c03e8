import { Actor, AuditService, Conflict, NotFound, ValidationFailed } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { PermissionGroup } from '../groups/permission-group.entity';
import { hashPassword } from '../passwords/password-hasher';
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

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
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
    return this.dataSource.transaction(async (m) => {
      const email = dto.email.trim().toLowerCase();
      if (await m.getRepository(StaffUser).existsBy({ email })) {
        throw new Conflict('USER_EXISTS', `A user with the email ${email} already exists`);
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

  async update(id: number, dto: UpdateUserDto, actor: Actor): Promise<UserView> {
    return this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(StaffUser);
      const user = await repo.findOne({ where: { id }, relations: { groups: true } });
      if (!user) throw new NotFound('user', id);
      const before = toUserView(user);
      if (dto.email !== undefined) {
        const email = dto.email.trim().toLowerCase();
        const other = await repo.findOneBy({ email });
        if (other && other.id !== id) throw new Conflict('USER_EXISTS', `A user with the email ${email} already exists`);
        user.email = email;
      }
      if (dto.name !== undefined) user.name = dto.name.trim();
      if (dto.branch !== undefined) user.branch = dto.branch?.trim() || null;
      if (dto.active !== undefined) user.active = dto.active;
      if (dto.groupIds !== undefined) user.groups = await this.groupsByIds(m, dto.groupIds);
      if (dto.password !== undefined) user.passwordHash = await hashPassword(dto.password);
      await repo.save(user);
      const after = toUserView(user);
      await this.audit.record(
        actor,
        { entity: 'user', entityId: id, action: dto.password ? 'update+password' : 'update', before, after },
        m,
      );
      return after;
    });
  }

  /** Used once, on an empty database. */
  async createInitialAdmin(email: string, name: string, password: string, adminGroup: PermissionGroup, actor: Actor): Promise<StaffUser> {
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
    if (missing.length) throw new ValidationFailed({ groupIds: [`unknown group id(s): ${missing.join(', ')}`] });
    return groups;
  }
}
