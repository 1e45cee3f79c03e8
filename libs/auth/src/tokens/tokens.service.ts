import { APP_CONFIG, AppConfig, AuditService, Clock, NotFound } from '@madoguchi/core';
import { Inject, Injectable } from '@nestjs/common';
import { AccessEvents } from '../sessions/access-events.service';
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
  expiresAt: Date | null;
  expired: boolean;
}

/** A CTI token as the settings list shows it: never its text. */
export interface CtiTokenView {
  id: number;
  name: string;
  prefix: string;
  createdAt: Date;
  createdBy: string;
  lastUsedAt: Date | null;
}

@Injectable()
export class TokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly access: AccessEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `expiresInDays`: left out, API_TOKEN_DAYS (90 by default); null, never. */
  async create(
    userId: number,
    name: string,
    actor: Principal | { userId: number; label: string },
    expiresInDays?: number | null,
  ): Promise<{ id: number; name: string; token: string; expiresAt: Date | null }> {
    const token = newSecretToken('mdg_');
    const now = this.clock.now();
    const days = expiresInDays === undefined ? this.config.auth.apiTokenDays : expiresInDays;
    const expiresAt = days === null ? null : new Date(now.getTime() + days * 86400_000);
    const row = await this.dataSource.getRepository(ApiToken).save({
      userId,
      name,
      tokenHash: sha256Hex(token),
      prefix: token.slice(0, 12),
      createdAt: now,
      lastUsedAt: null,
      revokedAt: null,
      expiresAt,
    });
    const a = actor instanceof Principal ? actor.actor : actor;
    await this.audit.record(a, { entity: 'api_token', entityId: row.id, action: 'create', after: { userId, name, expiresAt } });
    return { id: row.id, name, token, expiresAt };
  }

  /** Own tokens; an admin sees everyone's. Revoked tokens are not listed; expired ones are, marked. */
  async list(principal: Principal): Promise<TokenView[]> {
    const now = this.clock.now();
    const rows = await this.dataSource.getRepository(ApiToken).find({
      where: principal.isAdmin ? { revokedAt: IsNull(), scope: IsNull() } : { revokedAt: IsNull(), scope: IsNull(), userId: principal.userId },
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
      expiresAt: r.expiresAt,
      expired: !!r.expiresAt && r.expiresAt <= now,
    }));
  }

  async revoke(id: number, principal: Principal): Promise<void> {
    const repo = this.dataSource.getRepository(ApiToken);
    const row = await repo.findOneBy({ id, revokedAt: IsNull(), scope: IsNull() });
    if (!row || (!principal.isAdmin && row.userId !== principal.userId)) throw new NotFound('token', id);
    await repo.update({ id }, { revokedAt: this.clock.now() });
    await this.audit.record(principal.actor, { entity: 'api_token', entityId: id, action: 'revoke', before: { name: row.name } });
    this.access.changed([row.userId]);
  }

  /**
   * A token for the phone system's webhook (`POST /api/cti/calls` and nothing else). It belongs
   * to the administrator who made it only as a record: it never signs anyone in, so it carries
   * no rights, and it does not expire (an administrator deletes it).
   */
  async createCti(name: string, principal: Principal): Promise<{ id: number; name: string; token: string }> {
    const token = newSecretToken('mdg_cti_');
    const row = await this.dataSource.getRepository(ApiToken).save({
      userId: principal.userId,
      name,
      tokenHash: sha256Hex(token),
      prefix: token.slice(0, 16),
      scope: 'cti' as const,
      createdAt: this.clock.now(),
      lastUsedAt: null,
      revokedAt: null,
      expiresAt: null,
    });
    await this.audit.record(principal.actor, { entity: 'cti_token', entityId: row.id, action: 'create', after: { name } });
    return { id: row.id, name, token };
  }

  async listCti(): Promise<CtiTokenView[]> {
    const rows = await this.dataSource.getRepository(ApiToken).find({ where: { revokedAt: IsNull(), scope: 'cti' }, relations: { user: true }, order: { id: 'DESC' } });
    return rows.map((r) => ({ id: r.id, name: r.name, prefix: r.prefix, createdAt: r.createdAt, createdBy: r.user.email, lastUsedAt: r.lastUsedAt }));
  }

  /** Deleting a CTI token revokes it: the row stays (its audit trail names it), the text stops working at once. */
  async revokeCti(id: number, principal: Principal): Promise<void> {
    const repo = this.dataSource.getRepository(ApiToken);
    const row = await repo.findOneBy({ id, revokedAt: IsNull(), scope: 'cti' });
    if (!row) throw new NotFound('CTI token', id);
    await repo.update({ id }, { revokedAt: this.clock.now() });
    await this.audit.record(principal.actor, { entity: 'cti_token', entityId: id, action: 'delete', before: { name: row.name } });
  }
}
