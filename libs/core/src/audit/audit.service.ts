import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../clock/clock.service';
import { Actor } from './actor';
import { AuditEntry } from './audit-entry.entity';

export interface AuditRecord {
  entity: string;
  entityId: string | number;
  action: string;
  before?: unknown;
  after?: unknown;
}

/** Keys never written to the audit log, whatever entity they sit on. */
const SECRET_KEYS = new Set(['password', 'passwordHash', 'tokenHash', 'csrfToken', 'secret', 'token']);

function redact(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value, (k, v: unknown) => (SECRET_KEYS.has(k) ? '[redacted]' : v));
}

@Injectable()
export class AuditService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Write in the caller's transaction when given its manager, so the entry commits or rolls back with the change. */
  async record(actor: Actor, rec: AuditRecord, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.insert(AuditEntry, {
      at: this.clock.now(),
      actorUserId: actor.userId,
      actorLabel: actor.label,
      entity: rec.entity,
      entityId: String(rec.entityId),
      action: rec.action,
      beforeJson: redact(rec.before),
      afterJson: redact(rec.after),
    });
  }

  async list(filter: { entity?: string; entityId?: string; limit?: number }): Promise<AuditEntry[]> {
    const qb = this.dataSource.getRepository(AuditEntry).createQueryBuilder('a').orderBy('a.id', 'DESC');
    if (filter.entity) qb.andWhere('a.entity = :entity', { entity: filter.entity });
    if (filter.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: filter.entityId });
    return qb.take(Math.min(filter.limit ?? 100, 500)).getMany();
  }
}
