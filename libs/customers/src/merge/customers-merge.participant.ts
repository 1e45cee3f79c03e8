import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { CustomerAssignee } from '../customer-assignee.entity';
import { HistoryEntry } from '../history/history-entry.entity';
import { CustomerImage } from '../images/customer-image.entity';
import { CustomerVisit } from '../visits/customer-visit.entity';
import { CustomerMergeParticipant, CustomerMergeRegistry, CustomerMove } from './customer-merge.registry';

/** Counts per customer from one `SELECT customer_id, COUNT(*) … GROUP BY customer_id`. */
export async function countBy(
  m: EntityManager,
  table: string,
  ids: number[],
  where = '',
): Promise<Map<number, number>> {
  if (!ids.length) return new Map();
  const rows = (await m.query(
    `SELECT customer_id AS id, COUNT(*) AS n FROM ${table} WHERE customer_id IN (${ids.map(() => '?').join(', ')})${where ? ` AND ${where}` : ''} GROUP BY customer_id`,
    ids,
  )) as { id: number | string; n: number | string }[];
  return new Map(rows.map((r) => [Number(r.id), Number(r.n)]));
}

/**
 * The customers lib's own rows in a merge: history entries (対応履歴), visits, images and 担当
 * (the survivor keeps the union of both customers' staff). The search row is the merge's own.
 */
@Injectable()
export class CustomersMergeParticipant implements CustomerMergeParticipant, OnModuleInit {
  readonly references = [
    'customer_assignee.customer_id',
    'customer_image.customer_id',
    'customer_search.customer_id',
    'customer_visit.customer_id',
    'history_entry.customer_id',
  ];

  constructor(private readonly registry: CustomerMergeRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async moveCustomers(m: EntityManager, { fromIds, toId }: CustomerMove): Promise<Record<string, number>> {
    const history = await m
      .getRepository(HistoryEntry)
      .update({ customerId: In(fromIds) }, { customerId: toId });
    const visits = await m
      .getRepository(CustomerVisit)
      .update({ customerId: In(fromIds) }, { customerId: toId });
    const images = await m
      .getRepository(CustomerImage)
      .update({ customerId: In(fromIds) }, { customerId: toId });
    const links = await m.getRepository(CustomerAssignee).findBy({ customerId: In([toId, ...fromIds]) });
    const have = new Set(links.filter((l) => l.customerId === toId).map((l) => l.userId));
    const add = [
      ...new Set(links.filter((l) => l.customerId !== toId && !have.has(l.userId)).map((l) => l.userId)),
    ];
    await m.getRepository(CustomerAssignee).delete({ customerId: In(fromIds) });
    if (add.length)
      await m.getRepository(CustomerAssignee).insert(add.map((userId) => ({ customerId: toId, userId })));
    return {
      historyEntries: history.affected ?? 0,
      visits: visits.affected ?? 0,
      images: images.affected ?? 0,
      assignees: add.length,
    };
  }

  async countByCustomer(m: EntityManager, ids: number[]): Promise<Record<string, Map<number, number>>> {
    return {
      historyEntries: await countBy(m, 'history_entry', ids),
      visits: await countBy(m, 'customer_visit', ids),
      images: await countBy(m, 'customer_image', ids),
    };
  }
}
