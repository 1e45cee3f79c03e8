import type { SnippetMark } from '../api/search-api';

export interface SnippetPiece {
  text: string;
  /** A hit, shown as <mark>. */
  hit: boolean;
}

/**
 * The snippet cut into plain and hit pieces, for the template to render as text and <mark>
 * elements (never as HTML: the snippet is the customer's mail). Marks out of range are clipped,
 * empty ones dropped, overlapping or touching ones joined, so a server slip never loses text.
 */
export function snippetPieces(snippet: string, marks: readonly SnippetMark[]): SnippetPiece[] {
  const ranges = marks
    .map(([start, end]) => [Math.max(0, Math.min(start, snippet.length)), Math.max(0, Math.min(end, snippet.length))] as const)
    .filter(([start, end]) => Number.isInteger(start) && Number.isInteger(end) && end > start)
    .sort((a, b) => a[0] - b[0]);
  const joined: [number, number][] = [];
  for (const [start, end] of ranges) {
    const last = joined[joined.length - 1];
    if (last && start <= last[1]) {
      last[1] = Math.max(last[1], end);
    } else {
      joined.push([start, end]);
    }
  }
  const pieces: SnippetPiece[] = [];
  let at = 0;
  for (const [start, end] of joined) {
    if (start > at) {
      pieces.push({ text: snippet.slice(at, start), hit: false });
    }
    pieces.push({ text: snippet.slice(start, end), hit: true });
    at = end;
  }
  if (at < snippet.length) {
    pieces.push({ text: snippet.slice(at), hit: false });
  }
  return pieces;
}
