import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Sequence } from './sequence.entity';

@Injectable()
export class SequenceService {
  /**
   * Next value of a named counter, inside the caller's transaction. The UPDATE takes the row
   * lock (MySQL) or the write lock (SQLite) first, so concurrent callers are serialised and
   * never see the same value; a rollback gives the number back.
   */
  async next(manager: EntityManager, name: string, start: number): Promise<number> {
    const updated = await manager
      .createQueryBuilder()
      .update(Sequence)
      .set({ value: () => 'value + 1' })
      .where('name = :name', { name })
      .execute();
    if (!updated.affected) {
      try {
        await manager.insert(Sequence, { name, value: start });
        return start;
      } catch {
        // Another transaction created it between our UPDATE and INSERT: take the next one.
        return this.next(manager, name, start);
      }
    }
    const row = await manager.findOneByOrFail(Sequence, { name });
    return row.value;
  }
}
