import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere, In } from 'typeorm';
import { WorkflowTransition } from './workflow-transition.entity';

/** One event a machine took, as the transition log keeps it. */
export interface TransitionRecord {
  id: number;
  /** `ticket` or `reply`. */
  machine: string;
  entityId: number;
  ticketId: number;
  fromState: string;
  toState: string;
  event: string;
  actorId: number | null;
  actorLabel: string;
  reason: string | null;
  createdAt: Date;
}

const record = (r: WorkflowTransition): TransitionRecord => ({
  id: r.id,
  machine: r.machine,
  entityId: r.entityId,
  ticketId: r.ticketId,
  fromState: r.fromState,
  toState: r.toState,
  event: r.event,
  actorId: r.actorId,
  actorLabel: r.actorLabel,
  reason: r.reason,
  createdAt: r.createdAt,
});

/** Reads the append-only transition log the runner writes; other libs ask here instead of reading the table. */
@Injectable()
export class WorkflowHistory {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A ticket's whole story: its own transitions and its replies', oldest first. */
  async ofTicket(ticketId: number, m: EntityManager = this.dataSource.manager): Promise<TransitionRecord[]> {
    const rows = await m.getRepository(WorkflowTransition).find({ where: { ticketId }, order: { id: 'ASC' } });
    return rows.map(record);
  }

  /** Rows of one machine that now belong to another ticket (merged, split): their transitions follow them there. */
  async moveToTicket(m: EntityManager, machine: string, entityIds: number[], ticketId: number): Promise<void> {
    if (!entityIds.length) return;
    await m.getRepository(WorkflowTransition).update({ machine, entityId: In([...new Set(entityIds)]) }, { ticketId });
  }

  /** The transitions of these rows of one machine (optionally only one event), oldest first. */
  async ofEntities(machine: string, entityIds: number[], event?: string, m: EntityManager = this.dataSource.manager): Promise<TransitionRecord[]> {
    if (!entityIds.length) return [];
    const where: FindOptionsWhere<WorkflowTransition> = { machine, entityId: In([...new Set(entityIds)]) };
    if (event !== undefined) where.event = event;
    const rows = await m.getRepository(WorkflowTransition).find({ where, order: { id: 'ASC' } });
    return rows.map(record);
  }
}
