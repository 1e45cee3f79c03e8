import { PolledRelay, RelayCursor } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
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

const CALL_KEYS = 'incoming!_call:%';

type CallRow = Pick<HistoryEntry, 'id' | 'customerId' | 'phone' | 'callJson' | 'updatedAt'>;

/** The call details of a row and its latest event, and what tells this event from the others. */
function callOf(h: CallRow) {
  const call = h.callJson ? (JSON.parse(h.callJson) as CallDetails) : null;
  const last = call?.events.at(-1);
  return { call, last, key: `${call?.events.length ?? 0}:${last?.receivedAt ?? ''}` };
}

/**
 * Incoming calls for the console's pop-up (SSE). Emitted after commit by the instance that
 * received the webhook; and, while anyone here listens, twice a second (the card must show
 * within a second) for call entries that changed on another instance, read from the database
 * (`IDX_history_kind_updated`). Each call event is told once per instance.
 */
@Injectable()
export class CtiEvents extends PolledRelay<CallRow, CallPopUp> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super({ intervalMs: 500, pageSize: 500, what: 'incoming calls' });
  }

  /** Call after the transaction that wrote the entry committed. */
  called(e: Omit<CallPopUp, 'type'>): void {
    this.tellLocal(e.entryId, { type: 'call', ...e });
  }

  protected page(after: RelayCursor, limit: number): Promise<CallRow[]> {
    return this.dataSource
      .getRepository(HistoryEntry)
      .createQueryBuilder('h')
      .select(['h.id', 'h.customerId', 'h.phone', 'h.callJson', 'h.updatedAt'])
      .where('h.kind = :kind', { kind: 'call' })
      .andWhere('(h.updatedAt > :at OR (h.updatedAt = :at AND h.id > :id))', after)
      .andWhere("h.event_key LIKE :keys ESCAPE '!'", { keys: CALL_KEYS })
      .orderBy('h.updatedAt', 'ASC')
      .addOrderBy('h.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  protected cursorOf(h: CallRow): RelayCursor {
    return { at: h.updatedAt, id: h.id };
  }

  /**
   * Only a change the phone system made (a call event not told yet) counts, not an agent editing
   * or linking the entry: that must not pop up as a call again.
   */
  protected changeKey(h: CallRow): string {
    return callOf(h).key;
  }

  protected eventOf(h: CallRow): CallPopUp | null {
    const { call, last } = callOf(h);
    // A call event received long ago (an old call whose row was touched) is not a call now.
    if (!(Date.parse(last?.receivedAt ?? '') >= this.since.getTime() - this.lookBackMs)) return null;
    return {
      type: 'call',
      entryId: h.id,
      customerIds: h.customerId !== null ? [h.customerId] : (call?.candidateIds ?? []),
      phone: h.phone ?? call?.from ?? '',
      event: last?.event ?? 'ringing',
    };
  }
}
