import { Actor, Clock, Conflict, NotFound } from '@madoguchi/core';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { AnyStateMachine, EventObject, transition } from 'xstate';
import { WorkflowTransition } from './workflow-transition.entity';

/** The columns a row owned by a workflow machine keeps (house style: state machines). */
export interface MachineRow extends ObjectLiteral {
  id: number;
  state: string;
  stateContext: string | null;
  stateVersion: number;
  stateChangedAt: Date;
  version: number;
}

/** A machine bound to the table whose rows it drives. */
export interface WorkflowDefinition<Row extends MachineRow, Event extends EventObject> {
  /** Stored on every transition row: `ticket`, `reply`. */
  name: string;
  machine: AnyStateMachine;
  /** The machine's version as a number, kept on the row (`state_version`). */
  version: number;
  entity: EntityTarget<Row>;
  /** The context of a row written before any event (or by a migration). */
  initialContext(row: Row): object;
  ticketIdOf(row: Row): number;
  refusal(state: string, context: never, event: Event): string;
}

/** A named effect of a transition; its registered handler writes it as rows in the same transaction. */
export interface WorkflowAction {
  type: string;
  params: Record<string, unknown>;
}

/** What an effect handler is given: the row after the transition, the action's params, who acted. */
export interface EffectContext<Row> {
  row: Row;
  params: Record<string, unknown>;
  actor: Actor;
  event: EventObject;
  from: string;
  to: string;
}

/** Writes one named effect (outbox row, notification, article status) inside the transition's transaction. */
export type EffectHandler<Row> = (m: EntityManager, effect: EffectContext<Row>) => Promise<void>;

export interface Applied<Row> {
  applied: boolean;
  row: Row;
  from: string;
  to: string;
  actions: WorkflowAction[];
}

/**
 * The one entry point that changes a workflow state. Inside the caller's transaction: lock the
 * row, rebuild the snapshot from it, refuse what the state cannot take (409 with the reason),
 * compute the next state with XState's pure `transition()`, write the row (optimistic version
 * check on top of the lock) and an append-only transition row, then run the effect handler
 * registered for each of the transition's named actions — outbox, notification and article
 * rows, in the same transaction, so no caller can forget one. Nothing is sent before commit.
 */
@Injectable()
export class WorkflowRunner {
  private readonly logger = new Logger('Workflow');
  private readonly handlers = new Map<string, Record<string, EffectHandler<never>>>();

  constructor(private readonly clock: Clock) {}

  /** The handlers of a machine's named actions (one registration per machine, by its owner). */
  registerEffects<Row extends MachineRow>(def: WorkflowDefinition<Row, never>, handlers: Record<string, EffectHandler<Row>>): void {
    this.handlers.set(def.name, handlers as Record<string, EffectHandler<never>>);
  }

  async apply<Row extends MachineRow, Event extends EventObject>(
    m: EntityManager,
    def: WorkflowDefinition<Row, Event>,
    id: number,
    event: Event,
    actor: Actor,
    /**
     * `ifPossible`: why it is right to skip the event when the state cannot take it (e.g. the
     * ticket follows a reply only where its state allows); the skip is logged with the refusal.
     */
    opts: { reason?: string | null; ifPossible?: string } = {},
  ): Promise<Applied<Row>> {
    const row = await this.lock(m, def, id);
    const context = row.stateContext ? (JSON.parse(row.stateContext) as object) : def.initialContext(row);
    const snapshot = def.machine.resolveState({ value: row.state, context });
    if (!snapshot.can(event)) {
      if (opts.ifPossible) {
        this.logger.log(`${def.name} ${id}: ${event.type} skipped in ${row.state}: ${def.refusal(row.state, context as never, event)} (${opts.ifPossible})`);
        return { applied: false, row, from: row.state, to: row.state, actions: [] };
      }
      throw new Conflict('TRANSITION_NOT_ALLOWED', def.refusal(row.state, context as never, event), { state: row.state, event: event.type });
    }
    const [next, actions] = transition(def.machine, snapshot, event);
    const from = row.state;
    const to = String(next.value);
    const now = this.clock.now();
    const patch = {
      state: to,
      stateContext: JSON.stringify(next.context),
      stateVersion: def.version,
      stateChangedAt: to !== row.state ? now : row.stateChangedAt,
      version: row.version + 1,
    };
    const res = await m
      .createQueryBuilder()
      .update(def.entity)
      .set(patch as never)
      .where('id = :id AND version = :version', { id, version: row.version })
      .execute();
    if (!res.affected) throw new Conflict('CONCURRENT_CHANGE', 'Someone else changed this at the same moment; reload and try again');
    await m.insert(WorkflowTransition, {
      machine: def.name,
      entityId: id,
      ticketId: def.ticketIdOf(row),
      fromState: from,
      toState: to,
      event: event.type,
      actorId: actor.userId,
      actorLabel: actor.label,
      reason: opts.reason ?? null,
      createdAt: now,
    });
    const named = actions
      .filter((a) => !a.type.startsWith('xstate.'))
      .map((a) => ({ type: a.type, params: (a.params ?? {}) as Record<string, unknown> }));
    Object.assign(row, patch);
    const handlers = this.handlers.get(def.name) ?? {};
    for (const action of named) {
      const handler = handlers[action.type] as EffectHandler<Row> | undefined;
      // A transition whose effect nobody writes would be lost silently: refuse it (rolls back).
      if (!handler) throw new Error(`No effect handler for ${def.name}.${action.type}: register it with WorkflowRunner.registerEffects`);
      await handler(m, { row, params: action.params, actor, event, from, to });
    }
    return { applied: true, row, from, to, actions: named };
  }

  /** The row, locked for the rest of the transaction (MySQL row lock; SQLite writes are serialised). */
  private async lock<Row extends MachineRow>(m: EntityManager, def: WorkflowDefinition<Row, never>, id: number): Promise<Row> {
    const qb = m.getRepository(def.entity).createQueryBuilder('r').where('r.id = :id', { id });
    if (m.connection.options.type === 'mysql') qb.setLock('pessimistic_write');
    const row = await qb.getOne();
    if (!row) throw new NotFound(def.name, id);
    return row;
  }
}
