import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EventEmitter } from 'node:events';
import { DataSource } from 'typeorm';
import { Ticket } from './ticket.entity';

export interface TicketChanged {
  type: 'ticket';
  ticketId: number;
  mailboxId: number;
}

/** How often an instance with listeners looks for tickets other instances changed. */
const RELAY_MS = 1000;
/** Clocks of instances differ a little, and a transaction commits after its rows were stamped. */
const RELAY_OVERLAP_MS = 5000;
const RELAY_PAGE = 1000;

/**
 * Notice that a ticket changed, for the console's live updates (SSE). Emitted after commit by
 * the instance that made the change; and, while anyone here listens, every second for tickets
 * whose last activity moved on another instance (a worker filing mail, another web instance
 * sending a reply), read from the database. Each change is told once per instance.
 */
@Injectable()
export class TicketEvents implements OnModuleDestroy {
  private readonly logger = new Logger('TicketEvents');
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private listeners = 0;
  private timer: NodeJS.Timeout | null = null;
  private relaying = false;
  private since = new Date();
  /** ticket id → the last activity already told (ms), for tickets active inside the overlap. */
  private readonly told = new Map<number, number>();
  /** ticket id → when this instance last told of a change it made itself (ms). */
  private readonly local = new Map<number, number>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  changed(ticketId: number, mailboxId: number): void {
    // Only needed to keep the relay from telling it twice, so only while it runs.
    if (this.listeners > 0) this.local.set(ticketId, Date.now());
    this.emit({ type: 'ticket', ticketId, mailboxId });
  }

  subscribe(listener: (e: TicketChanged) => void): () => void {
    this.emitter.on('changed', listener);
    if (this.listeners++ === 0) this.startRelay();
    return () => {
      this.emitter.off('changed', listener);
      if (--this.listeners === 0) this.stopRelay();
    };
  }

  onModuleDestroy(): void {
    this.stopRelay();
  }

  /** One look at the database for tickets changed elsewhere (the timer calls it; tests may too). */
  async relay(): Promise<void> {
    const now = Date.now();
    // Pages in (last activity, id) order, so a burst of more changes than a page still moves on.
    let after = { at: new Date(this.since.getTime() - RELAY_OVERLAP_MS), id: 0 };
    for (;;) {
      const rows = await this.dataSource
        .getRepository(Ticket)
        .createQueryBuilder('t')
        .select(['t.id', 't.mailboxId', 't.lastActivityAt'])
        .where('(t.lastActivityAt > :at OR (t.lastActivityAt = :at AND t.id > :id))', after)
        .orderBy('t.lastActivityAt', 'ASC')
        .addOrderBy('t.id', 'ASC')
        .limit(RELAY_PAGE)
        .getMany();
      for (const t of rows) {
        const at = t.lastActivityAt.getTime();
        if (this.told.get(t.id) === at) continue;
        this.told.set(t.id, at);
        // A change this instance made (and told of after its commit, so after it was stamped).
        if (at <= (this.local.get(t.id) ?? -Infinity)) continue;
        this.emit({ type: 'ticket', ticketId: t.id, mailboxId: t.mailboxId });
      }
      if (rows.length) {
        const last = rows[rows.length - 1];
        after = { at: last.lastActivityAt, id: last.id };
        if (last.lastActivityAt > this.since) this.since = last.lastActivityAt;
      }
      if (rows.length < RELAY_PAGE) break;
    }
    const keep = now - 2 * RELAY_OVERLAP_MS;
    for (const [id, at] of this.told) if (at < this.since.getTime() - RELAY_OVERLAP_MS && at < keep) this.told.delete(id);
    for (const [id, at] of this.local) if (at < keep) this.local.delete(id);
  }

  private emit(e: TicketChanged): void {
    this.emitter.emit('changed', e);
  }

  private startRelay(): void {
    // Only what changes from now on: what happened before, a console loads with its list.
    this.since = new Date();
    this.timer = setInterval(() => {
      if (this.relaying) return;
      this.relaying = true;
      this.relay()
        .catch((e: Error) => this.logger.warn(`Could not read ticket changes: ${e.message}`))
        .finally(() => (this.relaying = false));
    }, RELAY_MS);
    this.timer.unref();
  }

  private stopRelay(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.local.clear();
  }
}
