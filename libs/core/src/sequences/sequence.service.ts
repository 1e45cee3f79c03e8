import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Sequence } from './sequence.entity';

@Injectable()
export class SequenceService {
  /**
   * Next value of a named counter, inside the caller's transaction. The UPDATE takes the row
   * lock (MySQL) or the write lock (SQLite) first, so concurrent callers are serialised and
   * never see the same value; a rollback gives the number back.
   *
   * Counters the app relies on are created by migrations. Any other is created on first use;
   * two transactions racing to create the same new counter may deadlock on MySQL, and then one
   * of them fails cleanly rather than handing out a number twice.
   */
  async next(manager: EntityManager, name: string, start: number): Promise<number> {
    const increment = () =>
      manager.createQueryBuilder().update(Sequence).set({ value: () => 'value + 1' }).where('name = :name', { name }).execute();
    // UPDATE first: on an existing row it takes the exclusive lock straight away. (An INSERT
    // IGNORE first would take a shared lock, and two holders of it deadlock on the UPDATE.)
    if (!(await increment()).affected) {
      const mysql = manager.connection.options.type === 'mysql';
      await manager.query(`INSERT ${mysql ? 'IGNORE' : 'OR IGNORE'} INTO sequence (name, value) VALUES (?, ?)`, [name, start - 1]);
      await increment();
    }
    const row = await manager.findOneByOrFail(Sequence, { name });
    return row.value;
  }

  /** `count` consecutive values at once (one UPDATE): returns the first. The counter must exist. */
  async nextBlock(manager: EntityManager, name: string, count: number): Promise<number> {
    const res = await manager.createQueryBuilder().update(Sequence).set({ value: () => `value + ${Math.floor(count)}` }).where('name = :name', { name }).execute();
    if (!res.affected) throw new Error(`sequence ${name} does not exist`);
    const row = await manager.findOneByOrFail(Sequence, { name });
    return row.value - count + 1;
  }
}
