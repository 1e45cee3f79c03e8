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
  for (let i = text.indexOf('@'); i !== -1; i = text.indexOf('@', i + 1)) {
    const rest = text.slice(i + 1);
    const named = byName.find((u) => rest.startsWith(u.name));
    if (named) {
      found.add(named.id);
      continue;
    }
    const local = users.find((u) => {
      const lp = u.email.split('@')[0];
      return (
        lp && rest.toLowerCase().startsWith(lp.toLowerCase()) && !LOCAL_PART_CHAR.test(rest.charAt(lp.length))
      );
    });
    if (local) found.add(local.id);
  }
  return [...found];
}
