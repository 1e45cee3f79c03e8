import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EventEmitter } from 'node:events';
import { DataSource } from 'typeorm';
import { HistoryEntry } from '../history/history-entry.entity';
import type { CallDetails } from '../history/history.service';

/** An incoming call to pop up (or update) in the console: the entry, the customers with the number, the event. */
export interface CallPopUp {
  type: 'call';
  /** Null when 自動履歴保存 of incoming calls is switched off: the card shows, nothing was written. */
  entryId: number | null;
  /** The one matched customer, the several candidates, or none (an unknown number). */
  customerIds: number[];
  /** The caller's number, digits only. */
  phone: string;
  event: string;
}

/** How often an instance with listeners looks for calls other instances wrote: the card must show within a second. */
const RELAY_MS = 500;
/** Clocks of instances differ a little, and a transaction commits after its rows were stamped. */
const RELAY_OVERLAP_MS = 5000;
const RELAY_PAGE = 500;
const CALL_KEYS = 'incoming!_call:%';

/**
 * Incoming calls for the console's pop-up (SSE). Emitted after commit by the instance that
 * received the webhook; and, while anyone here listens, twice a second for call entries that
 * changed on another instance, read from the database (`IDX_history_kind_updated`). Each change
 * is told once per instance.
 */
@Injectable()
export class CtiEvents implements OnModuleDestroy {
  private readonly logger = new Logger('CtiEvents');
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private listeners = 0;
  private timer: NodeJS.Timeout | null = null;
  private relaying = false;
  private since = new Date();
  /** entry id → the call event already told (its count and arrival) and when the row was stamped (ms). */
  private readonly told = new Map<number, { call: string; at: number }>();
  /** entry id → when this instance last told of a change it made itself (ms). */
  private readonly local = new Map<number, number>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Call after the transaction that wrote the entry committed. */
  called(e: Omit<CallPopUp, 'type'>): void {
    if (e.entryId !== null && this.listeners > 0) this.local.set(e.entryId, Date.now());
    this.emit({ type: 'call', ...e });
  }

  subscribe(listener: (e: CallPopUp) => void): () => void {
    this.emitter.on('call', listener);
    if (this.listeners++ === 0) this.startRelay();
    return () => {
      this.emitter.off('call', listener);
      if (--this.listeners === 0) this.stopRelay();
    };
  }

  onModuleDestroy(): void {
    this.stopRelay();
  }

  /** One look at the database for calls changed elsewhere (the timer calls it; tests may too). */
  async relay(): Promise<void> {
    const now = Date.now();
    let after = { at: new Date(this.since.getTime() - RELAY_OVERLAP_MS), id: 0 };
    for (;;) {
      const rows = await this.dataSource
        .getRepository(HistoryEntry)
        .createQueryBuilder('h')
        .select(['h.id', 'h.customerId', 'h.phone', 'h.callJson', 'h.updatedAt'])
        .where('h.kind = :kind', { kind: 'call' })
        .andWhere('(h.updatedAt > :at OR (h.updatedAt = :at AND h.id > :id))', after)
        .andWhere("h.event_key LIKE :keys ESCAPE '!'", { keys: CALL_KEYS })
        .orderBy('h.updatedAt', 'ASC')
        .addOrderBy('h.id', 'ASC')
        .limit(RELAY_PAGE)
        .getMany();
      for (const h of rows) {
        const at = h.updatedAt.getTime();
        const call = h.callJson ? (JSON.parse(h.callJson) as CallDetails) : null;
        const last = call?.events.at(-1);
        // Only a change the phone system made (a call event not told yet, received lately), not
        // an agent editing or linking the entry: that must not pop up as a call again.
        const key = `${call?.events.length ?? 0}:${last?.receivedAt ?? ''}`;
        if (this.told.get(h.id)?.call === key) continue;
        this.told.set(h.id, { call: key, at });
        if (at <= (this.local.get(h.id) ?? -Infinity)) continue;
        if (!(Date.parse(last?.receivedAt ?? '') >= this.since.getTime() - 2 * RELAY_OVERLAP_MS)) continue;
        this.emit({
          type: 'call',
          entryId: h.id,
          customerIds: h.customerId !== null ? [h.customerId] : (call?.candidateIds ?? []),
          phone: h.phone ?? call?.from ?? '',
          event: call?.events.at(-1)?.event ?? 'ringing',
        });
      }
      if (rows.length) {
        const last = rows[rows.length - 1];
        after = { at: last.updatedAt, id: last.id };
        if (last.updatedAt > this.since) this.since = last.updatedAt;
      }
      if (rows.length < RELAY_PAGE) break;
    }
    const keep = now - 2 * RELAY_OVERLAP_MS;
    for (const [id, told] of this.told)
      if (told.at < this.since.getTime() - RELAY_OVERLAP_MS && told.at < keep) this.told.delete(id);
    for (const [id, at] of this.local) if (at < keep) this.local.delete(id);
  }

  private emit(e: CallPopUp): void {
    this.emitter.emit('call', e);
  }

  private startRelay(): void {
    this.since = new Date();
    this.timer = setInterval(() => {
      if (this.relaying) return;
      this.relaying = true;
      this.relay()
        .catch((e: Error) => this.logger.warn(`Could not read incoming calls: ${e.message}`))
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
