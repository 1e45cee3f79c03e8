import { Principal } from '../permissions/principal';

export function toMe(p: Principal) {
  return {
    id: p.userId,
    email: p.email,
    name: p.name,
    branch: p.branch,
    isAdmin: p.isAdmin,
    rights: [...p.rights].sort(),
    groups: p.groups,
    mailboxRights: [...p.mailboxRights.entries()].map(([mailboxId, r]) => ({ mailboxId, ...r })),
  };
}
