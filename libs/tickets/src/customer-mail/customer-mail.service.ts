import { Principal } from '@madoguchi/auth';
import { CustomersService } from '@madoguchi/customers';
import { Clock, NotFound, OutboxEntry } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, In, SelectQueryBuilder } from 'typeorm';
import { Ticket } from '../ticket.entity';
import { CustomerMailKind, CustomerMailQueryDto } from './customer-mail.dto';

export interface CustomerMailView {
  id: number;
  ticketId: number | null;
  ticketCode: string | null;
  kind: CustomerMailKind;
  subject: string | null;
  to: string[];
  sentAt: Date | null;
  status: 'sent' | 'failed' | 'queued' | 'cancelled';
}

export interface ScheduledMailView {
  id: number;
  ticketId: number | null;
  ticketCode: string | null;
  subject: string | null;
  to: string[];
  sendAt: Date;
}

const DEFAULT_PAGE_SIZE = 20;

/**
 * The karte's mail sections: every mail that went to the customer (replies on their tickets,
 * thank-you mails to their address) and the send-later replies still waiting. Only mailboxes the
 * caller may view count; the customer itself must exist.
 */
@Injectable()
export class CustomerMailService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersService,
    private readonly clock: Clock,
  ) {}

  async sent(customerId: number, query: CustomerMailQueryDto, p: Principal): Promise<{ items: CustomerMailView[]; total: number; page: number; pageSize: number }> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    const qb = await this.ofCustomer(customerId, p);
    if (!qb) return { items: [], total: 0, page, pageSize };
    qb.andWhere('o.state IN (:...states)', { states: ['sent', 'failed'] });
    if (query.kind) qb.andWhere('o.purpose = :kind', { kind: query.kind });
    const total = await qb.clone().getCount();
    const rows = await qb.orderBy('COALESCE(o.sent_at, o.created_at)', 'DESC').addOrderBy('o.id', 'DESC').skip((page - 1) * pageSize).take(pageSize).getMany();
    const codes = await this.codes(rows);
    const items = rows.map((o) => ({
      id: o.id,
      ticketId: o.ticketId,
      ticketCode: o.ticketId ? (codes.get(o.ticketId) ?? null) : null,
      kind: (o.purpose === 'form_thanks' ? 'form_thanks' : 'reply') as CustomerMailKind,
      subject: o.subject,
      to: o.target ? [o.target] : [],
      sentAt: o.sentAt,
      status: o.state === 'sent' ? ('sent' as const) : ('failed' as const),
    }));
    return { items, total, page, pageSize };
  }

  async scheduled(customerId: number, p: Principal): Promise<{ items: ScheduledMailView[]; total: number }> {
    const qb = await this.ofCustomer(customerId, p);
    if (!qb) return { items: [], total: 0 };
    // Send-later replies: due in the future and called off by a customer's reply.
    qb.andWhere('o.state = :pending AND o.cancel_on_customer_reply = :yes AND o.due_at > :now', { pending: 'pending', yes: true, now: this.clock.now() });
    const rows = await qb.orderBy('o.due_at', 'ASC').addOrderBy('o.id', 'ASC').take(200).getMany();
    const codes = await this.codes(rows);
    const items = rows.map((o) => ({ id: o.id, ticketId: o.ticketId, ticketCode: o.ticketId ? (codes.get(o.ticketId) ?? null) : null, subject: o.subject, to: o.target ? [o.target] : [], sendAt: o.dueAt }));
    return { items, total: items.length };
  }

  /** Outbox rows to the customer in mailboxes the caller may view; null when they may view none. */
  private async ofCustomer(customerId: number, p: Principal): Promise<SelectQueryBuilder<OutboxEntry> | null> {
    const customer = await this.customers.get(customerId);
    const visible = p.visibleMailboxIds();
    if (visible && !visible.length) return null;
    const qb = this.dataSource.getRepository(OutboxEntry).createQueryBuilder('o');
    if (visible) qb.andWhere('o.mailbox_id IN (:...visible)', { visible });
    const email = customer.email?.toLowerCase() ?? null;
    qb.andWhere(
      new Brackets((w) => {
        w.where("o.purpose = 'reply' AND o.ticket_id IN (SELECT t.id FROM ticket t WHERE t.customer_id = :customerId)", { customerId });
        if (email) w.orWhere("o.purpose = 'form_thanks' AND o.target = :email", { email });
      }),
    );
    return qb;
  }

  private async codes(rows: OutboxEntry[]): Promise<Map<number, string>> {
    const ids = [...new Set(rows.map((r) => r.ticketId).filter((x): x is number => x !== null))];
    if (!ids.length) return new Map();
    const tickets = await this.dataSource.getRepository(Ticket).find({ select: { id: true, code: true }, where: { id: In(ids) } });
    return new Map(tickets.map((t) => [t.id, t.code]));
  }
}
