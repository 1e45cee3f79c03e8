import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** What one merge moves: the merged-away customers' rows go to the survivor. */
export interface CustomerMove {
  fromIds: number[];
  toId: number;
}

/**
 * One lib's share of 重複会員統合: the lib that owns a table referencing a customer moves its own
 * rows, in the merge's transaction (house style: a lib owns its tables; nobody else names them).
 * `references` lists the `table.column` pairs it moves, so the merge test can hold them against
 * every column of the schema that references a customer: a new table nobody moves fails there.
 */
export interface CustomerMergeParticipant {
  readonly references: readonly string[];
  /** Moves the rows; returns how many moved per kind, for the audit record (`{tickets: 3}`). */
  moveCustomers(m: EntityManager, move: CustomerMove): Promise<Record<string, number>>;
  /** How many rows of each kind each customer has, for the side-by-side view before merging. */
  countByCustomer?(m: EntityManager, customerIds: number[]): Promise<Record<string, Map<number, number>>>;
}

/** The participants, registered by each lib's module at start-up (the customers lib knows none of them by name). */
@Injectable()
export class CustomerMergeRegistry {
  private readonly participants: CustomerMergeParticipant[] = [];

  register(participant: CustomerMergeParticipant): void {
    if (!this.participants.includes(participant)) this.participants.push(participant);
  }

  all(): readonly CustomerMergeParticipant[] {
    return this.participants;
  }

  /** Every `table.column` some participant moves. */
  references(): string[] {
    return this.participants.flatMap((p) => p.references).sort();
  }
}
