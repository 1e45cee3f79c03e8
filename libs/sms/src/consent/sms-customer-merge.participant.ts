import {
  countRowsByCustomer,
  CustomerMergeParticipant,
  CustomerMergeRegistry,
  CustomerMove,
  CustomersService,
} from '@madoguchi/customers';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { SmsBulkItem } from '../bulk/sms-bulk.entity';
import { SmsMessage } from '../messages/sms-message.entity';
import { SmsConsent } from './sms-consent.entity';

/**
 * SMS in a customer merge: sent and scheduled messages, bulk-send items and the consent records
 * (特定電子メール法) move to the survivor. The survivor's consent is then its newest record, from
 * whichever customer it came: an opt-out given to one of the records is never lost by a merge.
 */
@Injectable()
export class SmsCustomerMergeParticipant implements CustomerMergeParticipant, OnModuleInit {
  readonly references = ['sms_bulk_item.customer_id', 'sms_consent.customer_id', 'sms_message.customer_id'];

  constructor(
    private readonly registry: CustomerMergeRegistry,
    private readonly customers: CustomersService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async moveCustomers(m: EntityManager, { fromIds, toId }: CustomerMove): Promise<Record<string, number>> {
    const messages = await m
      .getRepository(SmsMessage)
      .update({ customerId: In(fromIds) }, { customerId: toId });
    const items = await m
      .getRepository(SmsBulkItem)
      .update({ customerId: In(fromIds) }, { customerId: toId });
    const consents = await m
      .getRepository(SmsConsent)
      .update({ customerId: In(fromIds) }, { customerId: toId });
    const newest = await m
      .getRepository(SmsConsent)
      .findOne({ where: { customerId: toId }, order: { createdAt: 'DESC', id: 'DESC' } });
    if (newest) await this.customers.setSmsConsent(m, toId, !!newest.optIn);
    return {
      smsMessages: messages.affected ?? 0,
      smsBulkItems: items.affected ?? 0,
      smsConsents: consents.affected ?? 0,
    };
  }

  async countByCustomer(m: EntityManager, ids: number[]): Promise<Record<string, Map<number, number>>> {
    return { smsMessages: await countRowsByCustomer(m, 'sms_message', ids) };
  }
}
