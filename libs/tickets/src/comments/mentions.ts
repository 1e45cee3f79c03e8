export interface Mentionable {
  id: number;
  name: string;
  email: string;
}

const LOCAL_PART_CHAR = /[A-Za-z0-9._+-]/;

/**
 * Users mentioned in a text: `@` followed by a user's full name as shown (spaces and Japanese
 * allowed; the longest name wins, so 「@佐藤 花子」 is not taken for a user named 「佐藤」), or by
 * the local part of their email address (`@hanako`, ending at a character that cannot be in one).
 */
export function mentionedUserIds(text: string, users: Mentionable[]): number[] {
  const byName = users.filter((u) => u.name.trim()).sort((a, b) => b.name.length - a.name.length);
  const found = new Set<number>();
  const locals = users.map((u) => ({ id: u.id, lp: u.email.split('@')[0].toLowerCase() })).filter((u) => u.lp);
  // Compared in place (startsWith at a position, a slice as long as the name): a long text full
  // of @ costs no more than its length times the number of users.
  for (let i = text.indexOf('@'); i !== -1; i = text.indexOf('@', i + 1)) {
    const named = byName.find((u) => text.startsWith(u.name, i + 1));
    if (named) {
      found.add(named.id);
      continue;
    }
    const local = locals.find((u) => text.slice(i + 1, i + 1 + u.lp.length).toLowerCase() === u.lp && !LOCAL_PART_CHAR.test(text.charAt(i + 1 + u.lp.length)));
    if (local) found.add(local.id);
  }
  return [...found];
}
