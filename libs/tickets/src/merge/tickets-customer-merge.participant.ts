import {
  countRowsByCustomer,
  CustomerMergeParticipant,
  CustomerMergeRegistry,
  CustomerMove,
} from '@madoguchi/customers';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Ticket } from '../ticket.entity';

/**
 * Tickets in a customer merge (重複会員統合): every ticket of a merged-away customer becomes the
 * survivor's. The ticket's search document follows by itself (the ticket trigger queues it).
 */
@Injectable()
export class TicketsCustomerMergeParticipant implements CustomerMergeParticipant, OnModuleInit {
  readonly references = ['ticket.customer_id'];

  constructor(private readonly registry: CustomerMergeRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async moveCustomers(m: EntityManager, { fromIds, toId }: CustomerMove): Promise<Record<string, number>> {
    const r = await m.getRepository(Ticket).update({ customerId: In(fromIds) }, { customerId: toId });
    return { tickets: r.affected ?? 0 };
  }

  async countByCustomer(m: EntityManager, ids: number[]): Promise<Record<string, Map<number, number>>> {
    return { tickets: await countRowsByCustomer(m, 'ticket', ids, 'merged_into_id IS NULL') };
  }
}
