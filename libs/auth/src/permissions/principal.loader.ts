import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GroupMailboxRight } from '../groups/group-mailbox-right.entity';
import { StaffUser } from '../users/staff-user.entity';
import { Principal } from './principal';
import { GLOBAL_RIGHTS, GlobalRight, MailboxRightSet } from './rights';

/** Resolves a user's rights from all their groups: a right granted by any group counts. */
@Injectable()
export class PrincipalLoader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async load(userId: number, via: 'session' | 'token'): Promise<Principal | null> {
    const user = await this.dataSource.getRepository(StaffUser).findOne({
      where: { id: userId },
      relations: { groups: true },
    });
    if (!user || !user.active) return null;
    const rights = new Set<GlobalRight>();
    for (const g of user.groups) for (const r of g.rights) if ((GLOBAL_RIGHTS as readonly string[]).includes(r)) rights.add(r);
    const mailboxRights = new Map<number, MailboxRightSet>();
    const groupIds = user.groups.map((g) => g.id);
    if (groupIds.length) {
      const rows = await this.dataSource
        .getRepository(GroupMailboxRight)
        .createQueryBuilder('r')
        .where('r.group_id IN (:...groupIds)', { groupIds })
        .getMany();
      for (const row of rows) {
        const cur = mailboxRights.get(row.mailboxId) ?? { view: false, reply: false, approve: false, manage: false };
        mailboxRights.set(row.mailboxId, {
          view: cur.view || row.canView || row.canReply || row.canApprove || row.canManage,
          reply: cur.reply || row.canReply,
          approve: cur.approve || row.canApprove,
          manage: cur.manage || row.canManage,
        });
      }
    }
    return new Principal(
      user.id,
      user.email,
      user.name,
      user.branch,
      rights,
      mailboxRights,
      user.groups.map((g) => ({ id: g.id, name: g.name })),
      via,
    );
  }
}
