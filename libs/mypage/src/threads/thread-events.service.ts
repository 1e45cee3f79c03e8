import { PolledRelay, RelayCursor } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MypageThread } from './mypage-thread.entity';

/** A thread changed (a post, NEW cleared, a staff post reached the portal): listeners reload it. */
export interface ThreadChanged {
  type: 'thread';
  threadId: number;
  customerId: number;
}

/**
 * Live thread changes for the portal's event stream (and anyone else listening): told after
 * commit by the instance that made the change and, while someone listens, read every second from
 * `mypage_thread.updated_at` for changes another instance made (the worker publishing a staff
 * post after approval).
 */
@Injectable()
export class ThreadEvents extends PolledRelay<
  Pick<MypageThread, 'id' | 'customerId' | 'updatedAt'>,
  ThreadChanged
> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super({ intervalMs: 1000, pageSize: 1000, what: 'MYPAGE thread changes' });
  }

  changed(threadId: number, customerId: number): void {
    this.tellLocal(threadId, { type: 'thread', threadId, customerId });
  }

  protected page(after: RelayCursor, limit: number) {
    return this.dataSource
      .getRepository(MypageThread)
      .createQueryBuilder('t')
      .select(['t.id', 't.customerId', 't.updatedAt'])
      .where('(t.updatedAt > :at OR (t.updatedAt = :at AND t.id > :id))', after)
      .orderBy('t.updatedAt', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  protected cursorOf(t: Pick<MypageThread, 'id' | 'updatedAt'>): RelayCursor {
    return { at: t.updatedAt, id: t.id };
  }

  protected changeKey(t: Pick<MypageThread, 'updatedAt'>): string {
    return String(t.updatedAt.getTime());
  }

  protected eventOf(t: Pick<MypageThread, 'id' | 'customerId'>): ThreadChanged {
    return { type: 'thread', threadId: t.id, customerId: t.customerId };
  }
}
