import { PolledRelay, RelayCursor } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Ticket } from './ticket.entity';

export interface TicketChanged {
  type: 'ticket';
  ticketId: number;
  mailboxId: number;
}

/**
 * Notice that a ticket changed, for the console's live updates (SSE). Emitted after commit by
 * the instance that made the change; and, while anyone here listens, every second for tickets
 * whose last activity moved on another instance (a worker filing mail, another web instance
 * sending a reply), read from the database. Each change is told once per instance.
 */
@Injectable()
export class TicketEvents extends PolledRelay<Pick<Ticket, 'id' | 'mailboxId' | 'lastActivityAt'>, TicketChanged> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super({ intervalMs: 1000, pageSize: 1000, what: 'ticket changes' });
  }

  changed(ticketId: number, mailboxId: number): void {
    this.tellLocal(ticketId, { type: 'ticket', ticketId, mailboxId });
  }

  protected page(after: RelayCursor, limit: number) {
    return this.dataSource
      .getRepository(Ticket)
      .createQueryBuilder('t')
      .select(['t.id', 't.mailboxId', 't.lastActivityAt'])
      .where('(t.lastActivityAt > :at OR (t.lastActivityAt = :at AND t.id > :id))', after)
      .orderBy('t.lastActivityAt', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  protected cursorOf(t: Pick<Ticket, 'id' | 'lastActivityAt'>): RelayCursor {
    return { at: t.lastActivityAt, id: t.id };
  }

  protected changeKey(t: Pick<Ticket, 'lastActivityAt'>): string {
    return String(t.lastActivityAt.getTime());
  }

  protected eventOf(t: Pick<Ticket, 'id' | 'mailboxId'>): TicketChanged {
    return { type: 'ticket', ticketId: t.id, mailboxId: t.mailboxId };
  }
}
