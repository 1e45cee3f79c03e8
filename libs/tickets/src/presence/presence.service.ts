import { Principal, UsersService } from '@madoguchi/auth';
import { Clock } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, MoreThanOrEqual, Not } from 'typeorm';
import { Ticket } from '../ticket.entity';
import { TicketsService } from '../tickets.service';
import { PresenceEvents } from './presence-events.service';
import { PRESENCE_STALE_MS, TicketPresence } from './ticket-presence.entity';

/** One colleague on a ticket: composing when any of their tabs is writing a reply; since their earliest tab opened it. */
export interface PresenceView {
  userId: number;
  name: string;
  composing: boolean;
  since: Date;
}

/** The tab key used when the console sends none. */
const DEFAULT_SESSION = 'default';

/**
 * Who has a ticket open (collision warnings, issue #13 point 8). Needs `view` on the ticket's
 * mailbox for everything, checked at each call: a user who loses it gets 404 on the next
 * heartbeat, so their rows go stale and the others see them leave.
 */
@Injectable()
export class PresenceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tickets: TicketsService,
    private readonly users: UsersService,
    private readonly events: PresenceEvents,
    private readonly clock: Clock,
  ) {}

  /** The heartbeat: here (and composing or not) as of now. Tells the others only when that changes. */
  async beat(ticketId: number, composing: boolean, session: string | undefined, p: Principal): Promise<void> {
    const ticket = await this.tickets.visibleTicket(ticketId, p);
    const repo = this.dataSource.getRepository(TicketPresence);
    const key = { ticketId, userId: p.userId, session: session ?? DEFAULT_SESSION };
    const now = this.clock.now();
    const row = await repo.findOneBy(key);
    const stale = !row || row.seenAt.getTime() < now.getTime() - PRESENCE_STALE_MS;
    if (!row) {
      try {
        await repo.insert({ ...key, composing, startedAt: now, seenAt: now });
      } catch {
        // The same tab beat twice at once: the other insert won; this beat is an update.
        await repo.update(key, { composing, seenAt: now });
      }
    } else {
      await repo.update(key, { composing, seenAt: now, ...(stale ? { startedAt: now } : {}) });
    }
    if (stale || row.composing !== composing) await this.events.changed(ticket.id, ticket.mailboxId);
  }

  /** Leaving the ticket (the tab closes or goes elsewhere). */
  async leave(ticketId: number, session: string | undefined, p: Principal): Promise<void> {
    const ticket = await this.tickets.visibleTicket(ticketId, p);
    const res = await this.dataSource
      .getRepository(TicketPresence)
      .delete({ ticketId, userId: p.userId, session: session ?? DEFAULT_SESSION });
    if (res.affected) await this.events.changed(ticket.id, ticket.mailboxId);
  }

  /** Everyone else on the ticket now, first come first. */
  async forTicket(ticketId: number, p: Principal): Promise<PresenceView[]> {
    await this.tickets.visibleTicket(ticketId, p);
    return (await this.others([ticketId], p)).get(ticketId) ?? [];
  }

  /** For the list's 対応中 badge: who else is on each of these tickets; hidden, unknown and empty tickets are left out. */
  async forTickets(
    ticketIds: number[],
    p: Principal,
  ): Promise<{ ticketId: number; users: PresenceView[] }[]> {
    const ids = [...new Set(ticketIds)];
    const tickets = await this.dataSource
      .getRepository(Ticket)
      .find({ select: { id: true, mailboxId: true }, where: { id: In(ids) } });
    const visible = tickets.filter((t) => p.can(t.mailboxId, 'view')).map((t) => t.id);
    if (!visible.length) return [];
    const byTicket = await this.others(visible, p);
    return ids.filter((id) => byTicket.has(id)).map((id) => ({ ticketId: id, users: byTicket.get(id)! }));
  }

  private async others(ticketIds: number[], p: Principal): Promise<Map<number, PresenceView[]>> {
    const fresh = new Date(this.clock.now().getTime() - PRESENCE_STALE_MS);
    const rows = await this.dataSource.getRepository(TicketPresence).find({
      where: { ticketId: In(ticketIds), userId: Not(p.userId), seenAt: MoreThanOrEqual(fresh) },
      order: { startedAt: 'ASC' },
    });
    const names = await this.users.names(rows.map((r) => r.userId));
    const result = new Map<number, PresenceView[]>();
    for (const r of rows) {
      const list = result.get(r.ticketId) ?? [];
      const same = list.find((v) => v.userId === r.userId);
      if (same) {
        same.composing ||= r.composing;
      } else {
        list.push({
          userId: r.userId,
          name: names.get(r.userId) ?? '',
          composing: r.composing,
          since: r.startedAt,
        });
      }
      result.set(r.ticketId, list);
    }
    return result;
  }
}
