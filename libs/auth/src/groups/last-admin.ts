import { Conflict } from '@madoguchi/core';
import { EntityManager } from 'typeorm';
import { StaffUser } from '../users/staff-user.entity';
import { PermissionGroup } from './permission-group.entity';

/**
 * Changes that could take the admin right away (group rights, group deletion, a user's groups or
 * active flag) take this first in their transaction: on MySQL it locks the group rows, so two
 * administrators demoting each other at once are handled one after the other. SQLite runs one
 * transaction at a time anyway.
 */
export async function lockAdminChanges(m: EntityManager): Promise<void> {
  if (m.connection.options.type === 'mysql') await m.query('SELECT id FROM permission_group FOR UPDATE');
}

/** Run inside the transaction, after the change: refuses it (LAST_ADMIN, rolled back) when no active administrator is left. */
export async function assertAnAdminRemains(m: EntityManager): Promise<void> {
  const groups = await m.getRepository(PermissionGroup).find({ select: { id: true, rights: true } });
  const ids = groups.filter((g) => g.rights.includes('admin')).map((g) => g.id);
  const left = ids.length
    ? await m
        .getRepository(StaffUser)
        .createQueryBuilder('u')
        .innerJoin('u.groups', 'g')
        .where('g.id IN (:...ids)', { ids })
        .andWhere('u.active = :active', { active: true })
        .getCount()
    : 0;
  if (left === 0) {
    throw new Conflict(
      'LAST_ADMIN',
      'This would leave no active user with the administrator right (admin). Give the right to another active user first.',
    );
  }
}
