/** Escapes LIKE wildcards; every query using it says ESCAPE '!' (the same on MySQL and SQLite). */
export function escapeLike(s: string): string {
  return s.replace(/[!%_]/g, (c) => `!${c}`);
}
