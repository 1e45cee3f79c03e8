import { AuditService, Clock, NotFound } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { Principal } from '../permissions/principal';
import { ApiToken } from './api-token.entity';
import { newSecretToken, sha256Hex } from './secret-token';

export interface TokenView {
  id: number;
  name: string;
  userId: number;
  userEmail: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

@Injectable()
export class TokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async create(userId: number, name: string, actor: Principal | { userId: number; label: string }): Promise<{ id: number; name: string; token: string }> {
    const token = newSecretToken('mdg_');
    const row = await this.dataSource.getRepository(ApiToken).save({
      userId,
      name,
      tokenHash: sha256Hex(token),
      prefix: token.slice(0, 12),
      createdAt: this.clock.now(),
      lastUsedAt: null,
      revokedAt: null,
    });
    const a = actor instanceof Principal ? actor.actor : actor;
    await this.audit.record(a, { entity: 'api_token', entityId: row.id, action: 'create', after: { userId, name } });
    return { id: row.id, name, token };
  }

  /** Own tokens; an admin sees everyone's. Revoked tokens are not listed. */
  async list(principal: Principal): Promise<TokenView[]> {
    const rows = await this.dataSource.getRepository(ApiToken).find({
      where: principal.isAdmin ? { revokedAt: IsNull() } : { revokedAt: IsNull(), userId: principal.userId },
      relations: { user: true },
      order: { id: 'DESC' },
    });
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      userId: r.userId,
      userEmail: r.user.email,
      prefix: r.prefix,
      createdAt: r.createdAt,
      lastUsedAt: r.lastUsedAt,
    }));
  }

  async revoke(id: number, principal: Principal): Promise<void> {
    const repo = this.dataSource.getRepository(ApiToken);
    const row = await repo.findOneBy({ id, revokedAt: IsNull() });
    if (!row || (!principal.isAdmin && row.userId !== principal.userId)) throw new NotFound('token', id);
    await repo.update({ id }, { revokedAt: this.clock.now() });
    await this.audit.record(principal.actor, { entity: 'api_token', entityId: id, action: 'revoke', before: { name: row.name } });
  }
}
