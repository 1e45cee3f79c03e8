import { Clock } from '@madoguchi/core';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EventEmitter } from 'node:events';
import { DataSource, LessThan } from 'typeorm';
import { Ticket } from '../ticket.entity';
import { PRESENCE_STALE_MS, TicketPresence } from './ticket-presence.entity';

export interface PresenceChanged {
  type: 'presence';
  ticketId: number;
  mailboxId: number;
}

/** The same beat as TicketEvents' relay: a change elsewhere shows within about a second. */
const RELAY_MS = 1000;
/** Rows this much older than stale are deleted by whichever instance relays (a tab that closed without a goodbye). */
const PURGE_AFTER_MS = 10 * 60_000;
const PURGE_EVERY = 60;

interface Known {
  mailboxId: number;
  signature: string;
}

/**
 * Notice that who has a ticket open (or is writing a reply there) changed, for the console's
 * presence bar over SSE. Told at once by the instance where it changed; and, while anyone here
 * listens, every second by comparing the fresh rows of `ticket_presence` with what was last
 * told: so a tab on another instance arriving, starting to type, leaving, or going silent
 * (its rows going stale) is told here too. Only the set of people and their composing flag
 * counts; a heartbeat that changes nothing tells nothing.
 */
@Injectable()
export class PresenceEvents implements OnModuleDestroy {
  private readonly logger = new Logger('PresenceEvents');
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private listeners = 0;
  private timer: NodeJS.Timeout | null = null;
  private relaying = false;
  private ticks = 0;
  /** ticket id → what was last told (absent: nobody there). Null until the first read after start. */
  private known: Map<number, Known> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** After a change this instance made (committed): tells listeners now, and keeps the relay from telling it again. */
  async changed(ticketId: number, mailboxId: number): Promise<void> {
    if (this.listeners > 0 && this.known) {
      const rows = await this.freshRows(ticketId);
      const signature = signatureOf(rows);
      if (signature) this.known.set(ticketId, { mailboxId, signature });
      else this.known.delete(ticketId);
    }
    this.emit({ type: 'presence', ticketId, mailboxId });
  }

  subscribe(listener: (e: PresenceChanged) => void): () => void {
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

  /** One look at the database for presence changed elsewhere or gone stale (the timer calls it; tests may too). */
  async relay(): Promise<void> {
    const rows = await this.freshRows();
    const byTicket = new Map<number, { mailboxId: number; rows: TicketPresence[] }>();
    for (const r of rows) {
      const entry = byTicket.get(r.ticketId) ?? { mailboxId: r.mailboxId, rows: [] };
      entry.rows.push(r);
      byTicket.set(r.ticketId, entry);
    }
    const next = new Map<number, Known>();
    for (const [ticketId, { mailboxId, rows: rs }] of byTicket)
      next.set(ticketId, { mailboxId, signature: signatureOf(rs) });
    const before = this.known;
    this.known = next;
    if (before) {
      for (const [ticketId, k] of next)
        if (before.get(ticketId)?.signature !== k.signature)
          this.emit({ type: 'presence', ticketId, mailboxId: k.mailboxId });
      for (const [ticketId, k] of before)
        if (!next.has(ticketId)) this.emit({ type: 'presence', ticketId, mailboxId: k.mailboxId });
    }
    if (++this.ticks % PURGE_EVERY === 0) {
      await this.dataSource
        .getRepository(TicketPresence)
        .delete({ seenAt: LessThan(new Date(this.clock.now().getTime() - PURGE_AFTER_MS)) });
    }
  }

  /** Rows seen within the stale limit (of one ticket, or all), with their ticket's mailbox. */
  private async freshRows(ticketId?: number): Promise<(TicketPresence & { mailboxId: number })[]> {
    const qb = this.dataSource
      .getRepository(TicketPresence)
      .createQueryBuilder('p')
      .innerJoin(Ticket, 't', 't.id = p.ticketId')
      .select([
        'p.ticketId AS ticketId',
        'p.userId AS userId',
        'p.session AS session',
        'p.composing AS composing',
        't.mailboxId AS mailboxId',
      ])
      .where('p.seenAt >= :fresh', { fresh: new Date(this.clock.now().getTime() - PRESENCE_STALE_MS) });
    if (ticketId !== undefined) qb.andWhere('p.ticketId = :ticketId', { ticketId });
    const raw = await qb.getRawMany<Record<string, unknown>>();
    return raw.map((r) => ({
      ticketId: Number(r.ticketId ?? r.ticketid),
      userId: Number(r.userId ?? r.userid),
      session: String(r.session),
      composing: r.composing === true || Number(r.composing) === 1,
      mailboxId: Number(r.mailboxId ?? r.mailboxid),
    })) as (TicketPresence & { mailboxId: number })[];
  }

  private emit(e: PresenceChanged): void {
    this.emitter.emit('changed', e);
  }

  private startRelay(): void {
    // The first read only learns who is there; changes are told from then on.
    this.known = null;
    const tick = () => {
      if (this.relaying) return;
      this.relaying = true;
      this.relay()
        .catch((e: Error) => this.logger.warn(`Could not read presence: ${e.message}`))
        .finally(() => (this.relaying = false));
    };
    this.timer = setInterval(tick, RELAY_MS);
    this.timer.unref();
    tick();
  }

  private stopRelay(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.known = null;
  }
}

/** Who is there and who writes, in a stable order; the empty string for nobody. */
function signatureOf(rows: Pick<TicketPresence, 'userId' | 'session' | 'composing'>[]): string {
  return rows
    .map((r) => `${r.userId}:${r.session}:${r.composing ? 1 : 0}`)
    .sort()
    .join(' ');
}
