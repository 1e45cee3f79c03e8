import { Logger, OnModuleDestroy } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/** Where a relay's last look ended: rows are read in (stamp, id) order. */
export interface RelayCursor {
  at: Date;
  id: number;
}

export interface RelayOptions {
  /** How often an instance with listeners looks at the database. */
  intervalMs: number;
  /** Rows per query; a burst of more changes than a page still moves on. */
  pageSize: number;
  /** For the logger's "could not read …" line. */
  what: string;
}

/** Clocks of instances differ a little, and a transaction commits after its rows were stamped. */
const OVERLAP_MS = 5000;

/**
 * Live events for the console (SSE) across instances: the instance that makes a change tells its
 * listeners after commit (`tellLocal`); and, while anyone here listens, it looks every
 * `intervalMs` for rows other instances stamped since, telling each change once. A subclass
 * says how to read a page of changed rows, what makes one change distinct, and which event it
 * is. Nothing runs while nobody listens.
 */
export abstract class PolledRelay<Row, E> implements OnModuleDestroy {
  private readonly logger: Logger;
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private listeners = 0;
  private timer: NodeJS.Timeout | null = null;
  private relaying = false;
  /** Changes stamped after this are what the next look reads (less the overlap). */
  protected since = new Date();
  /** row id → the change already told and when the row was stamped (ms). */
  private readonly told = new Map<number, { key: string; at: number }>();
  /** row id → when this instance last told of a change it made itself (ms). */
  private readonly local = new Map<number, number>();

  protected constructor(private readonly options: RelayOptions) {
    this.logger = new Logger(options.what);
  }

  /** Rows stamped after `after`, in (stamp, id) order, at most `limit`. */
  protected abstract page(after: RelayCursor, limit: number): Promise<Row[]>;
  protected abstract cursorOf(row: Row): RelayCursor;
  /** What tells this change of the row from an earlier one (for tickets, the stamp itself). */
  protected abstract changeKey(row: Row): string;
  /** The event of a change made on another instance, or null when it is not one to tell. */
  protected abstract eventOf(row: Row): E | null;

  subscribe(listener: (e: E) => void): () => void {
    this.emitter.on('event', listener);
    if (this.listeners++ === 0) this.startRelay();
    return () => {
      this.emitter.off('event', listener);
      if (--this.listeners === 0) this.stopRelay();
    };
  }

  onModuleDestroy(): void {
    this.stopRelay();
  }

  /** One look at the database for changes made elsewhere (the timer calls it; tests may too). */
  async relay(): Promise<void> {
    const now = Date.now();
    let after: RelayCursor = { at: new Date(this.since.getTime() - OVERLAP_MS), id: 0 };
    for (;;) {
      const rows = await this.page(after, this.options.pageSize);
      for (const row of rows) {
        const { at, id } = this.cursorOf(row);
        const key = this.changeKey(row);
        if (this.told.get(id)?.key === key) continue;
        this.told.set(id, { key, at: at.getTime() });
        // A change this instance made (and told of after its commit, so after it was stamped).
        if (at.getTime() <= (this.local.get(id) ?? -Infinity)) continue;
        const event = this.eventOf(row);
        if (event !== null) this.emitter.emit('event', event);
      }
      if (rows.length) {
        after = this.cursorOf(rows[rows.length - 1]);
        if (after.at > this.since) this.since = after.at;
      }
      if (rows.length < this.options.pageSize) break;
    }
    const keep = now - 2 * OVERLAP_MS;
    for (const [id, told] of this.told) if (told.at < this.since.getTime() - OVERLAP_MS && told.at < keep) this.told.delete(id);
    for (const [id, at] of this.local) if (at < keep) this.local.delete(id);
  }

  /** After commit, by the instance that made the change: told now, and not again by the relay. */
  protected tellLocal(id: number | null, event: E): void {
    // Only needed to keep the relay from telling it twice, so only while it runs.
    if (id !== null && this.listeners > 0) this.local.set(id, Date.now());
    this.emitter.emit('event', event);
  }

  /** How far back a change may be and still be told (the look-back of the first look included). */
  protected get lookBackMs(): number {
    return 2 * OVERLAP_MS;
  }

  private startRelay(): void {
    // Only what changes from now on: what happened before, a console loads with its page.
    this.since = new Date();
    this.timer = setInterval(() => {
      if (this.relaying) return;
      this.relaying = true;
      this.relay()
        .catch((e: Error) => this.logger.warn(`Could not read ${this.options.what}: ${e.message}`))
        .finally(() => (this.relaying = false));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  private stopRelay(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.local.clear();
  }
}
