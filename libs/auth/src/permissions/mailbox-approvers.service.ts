import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { StaffUser } from '../users/staff-user.entity';
import { PrincipalLoader } from './principal.loader';

/**
 * Who may decide an approval step on a mailbox: active members of the step's groups who also
 * hold the approve right on that mailbox (a place in a policy is not the right itself). The
 * approval list, its notifications and its mails go to these users only.
 */
@Injectable()
export class MailboxApprovers {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly principals: PrincipalLoader,
  ) {}

  async of(mailboxId: number, groupIds: number[], m: EntityManager = this.dataSource.manager): Promise<number[]> {
    if (!groupIds.length) return [];
    const members = await m
      .getRepository(StaffUser)
      .createQueryBuilder('u')
      .innerJoin('u.groups', 'g', 'g.id IN (:...groupIds)', { groupIds })
      .where({ active: true })
      .select('u.id', 'id')
      .distinct(true)
      .getRawMany<{ id: number }>();
    const ids: number[] = [];
    for (const { id } of members) {
      const p = await this.principals.load(Number(id), 'session');
      if (p?.can(mailboxId, 'approve')) ids.push(p.userId);
    }
    return ids.sort((a, b) => a - b);
  }
}
