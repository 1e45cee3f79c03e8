import { Actor, AuditService, Clock, NotFound } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Customer } from '../customer.entity';
import { CustomersService, CustomerView } from '../customers.service';
import { HistoryService } from '../history/history.service';
import { MemberNotificationsService } from '../notifications/member-notifications.service';

/**
 * 退会: a withdrawn customer is kept, with every ticket, thread, SMS, visit and history entry,
 * and only marked (`withdrawn_at`): the portal refuses their sign-in and bulk sends leave them
 * out (both ask CustomersService.isWithdrawn / withdrawnIds). 再入会 clears the mark.
 */
@Injectable()
export class CustomerWithdrawalService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersService,
    private readonly history: HistoryService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly notifications: MemberNotificationsService,
  ) {}

  /** Marks the customer withdrawn; one already withdrawn is answered as it is and nothing is written. */
  async withdraw(id: number, reason: string | null, actor: Actor): Promise<CustomerView> {
    await this.dataSource.transaction(async (m) => {
      const c = await this.locked(m, id);
      if (c.withdrawnAt) return;
      const now = this.clock.now();
      await m.getRepository(Customer).update({ id }, { withdrawnAt: now, updatedAt: now });
      await this.audit.record(
        actor,
        {
          entity: 'customer',
          entityId: id,
          action: 'withdraw',
          before: { withdrawnAt: null },
          after: { withdrawnAt: now, reason },
        },
        m,
      );
      await this.history.recordAuto(m, 'customer_withdrawn', {
        customerId: id,
        eventKey: `customer:${id}:${now.getTime()}`,
        createdAt: now,
        authorId: actor.userId,
        staffId: actor.userId,
        values: { name: c.lastName },
        details: reason ? [{ workedAt: now, staffId: actor.userId, content: reason }] : undefined,
      });
      // The customer's 退会 通知メール, written with the mark (a rollback sends nothing).
      await this.notifications.withdrawn(m, id);
    });
    return this.customers.get(id);
  }

  /** 再入会: clears the mark; a member is answered as they are. */
  async reinstate(id: number, actor: Actor): Promise<CustomerView> {
    await this.dataSource.transaction(async (m) => {
      const c = await this.locked(m, id);
      if (!c.withdrawnAt) return;
      const now = this.clock.now();
      await m.getRepository(Customer).update({ id }, { withdrawnAt: null, updatedAt: now });
      await this.audit.record(
        actor,
        {
          entity: 'customer',
          entityId: id,
          action: 'reinstate',
          before: { withdrawnAt: c.withdrawnAt },
          after: { withdrawnAt: null },
        },
        m,
      );
      await this.history.recordAuto(m, 'customer_reinstated', {
        customerId: id,
        eventKey: `customer:${id}:${now.getTime()}`,
        createdAt: now,
        authorId: actor.userId,
        staffId: actor.userId,
        values: { name: c.lastName },
      });
    });
    return this.customers.get(id);
  }

  private async locked(m: EntityManager, id: number): Promise<Customer> {
    const qb = m.getRepository(Customer).createQueryBuilder('c').where('c.id = :id', { id });
    if (m.connection.options.type === 'mysql') qb.setLock('pessimistic_write');
    const c = await qb.getOne();
    if (!c) throw new NotFound('customer', id);
    return c;
  }
}
