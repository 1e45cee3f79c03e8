/** Escapes LIKE wildcards; every query using it says ESCAPE '!' (the same on MySQL and SQLite). */
export function escapeLike(s: string): string {
  return s.replace(/[!%_]/g, (c) => `!${c}`);
}

/**
 * Whether a search value holds a control character. Stored text never does, so such a search
 * matches nothing; it must not reach LIKE, because SQLite ends a bound pattern at a NUL and
 * `%\0%` would match everything.
 */
export function hasControlCharacter(s: string): boolean {
  return /[\u0000-\u001f\u007f]/.test(s);
}
