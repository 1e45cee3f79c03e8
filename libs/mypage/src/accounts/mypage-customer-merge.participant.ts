import {
  countRowsByCustomer,
  CustomerMergeParticipant,
  CustomerMergeRegistry,
  CustomerMove,
} from '@madoguchi/customers';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { MypageThread } from '../threads/mypage-thread.entity';
import { PortalAccount } from './portal-account.entity';
import { PortalSession } from './portal-session.entity';
import { PortalToken } from './portal-token.entity';

const RANK: Record<PortalAccount['state'], number> = { active: 0, pending: 1, disabled: 2 };

/**
 * MYPAGE in a customer merge: every thread moves to the survivor, and so does one portal
 * account (a customer has one sign-in). The survivor's own account stays when it has one (a
 * disabled one stays disabled: staff ended that access on purpose); otherwise the merged
 * customers' best one moves (active before pending before disabled, oldest first). The others
 * are removed with their sessions and links, so nobody is left signed in to a customer that is
 * no more; the merge's audit record keeps what they were.
 */
@Injectable()
export class MypageCustomerMergeParticipant implements CustomerMergeParticipant, OnModuleInit {
  readonly references = ['mypage_thread.customer_id', 'portal_account.customer_id'];

  constructor(private readonly registry: CustomerMergeRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async moveCustomers(m: EntityManager, { fromIds, toId }: CustomerMove): Promise<Record<string, number>> {
    const threads = await m
      .getRepository(MypageThread)
      .update({ customerId: In(fromIds) }, { customerId: toId });
    const accounts = await m
      .getRepository(PortalAccount)
      .find({ where: { customerId: In([toId, ...fromIds]) }, order: { id: 'ASC' } });
    let moved = 0;
    let removed = 0;
    if (accounts.length) {
      const keep =
        accounts.find((a) => a.customerId === toId) ??
        [...accounts].sort((a, b) => RANK[a.state] - RANK[b.state] || a.id - b.id)[0];
      const drop = accounts.filter((a) => a !== keep).map((a) => a.id);
      if (drop.length) {
        await m.getRepository(PortalSession).delete({ accountId: In(drop) });
        await m.getRepository(PortalToken).delete({ accountId: In(drop) });
        await m.getRepository(PortalAccount).delete({ id: In(drop) });
        removed = drop.length;
      }
      if (keep.customerId !== toId) {
        await m.getRepository(PortalAccount).update({ id: keep.id }, { customerId: toId });
        moved = 1;
      }
    }
    return { threads: threads.affected ?? 0, portalAccountsMoved: moved, portalAccountsRemoved: removed };
  }

  async countByCustomer(m: EntityManager, ids: number[]): Promise<Record<string, Map<number, number>>> {
    return {
      threads: await countRowsByCustomer(m, 'mypage_thread', ids),
      portalAccounts: await countRowsByCustomer(m, 'portal_account', ids),
    };
  }
}
