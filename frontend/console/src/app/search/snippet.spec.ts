import { snippetPieces } from './snippet';

/** The pieces as `[hit]` and plain text, which reads well in a failing test. */
function show(snippet: string, marks: [number, number][]): string {
  return snippetPieces(snippet, marks)
    .map((piece) => (piece.hit ? `[${piece.text}]` : piece.text))
    .join('');
}

describe('snippetPieces', () => {
  it('marks each hit and keeps the text around it', () => {
    expect(show('先日の見積について再送をお願いします', [[3, 5], [9, 11]])).toBe('先日の[見積]について[再送]をお願いします');
  });

  it('keeps the whole text when there is no mark', () => {
    expect(snippetPieces('本文のみ', [])).toEqual([{ text: '本文のみ', hit: false }]);
  });

  it('marks a hit at the very start and at the very end', () => {
    expect(show('見積と見積', [[0, 2], [3, 5]])).toBe('[見積]と[見積]');
  });

  it('joins overlapping and touching marks, in any order', () => {
    expect(show('abcdefgh', [[4, 6], [1, 3], [2, 4]])).toBe('a[bcdef]gh');
  });

  it('clips marks beyond the text and drops empty or reversed ones', () => {
    expect(show('短い文', [[-2, 1], [2, 99], [1, 1], [2, 1]])).toBe('[短]い[文]');
  });

  it('never turns markup in the snippet into anything but text', () => {
    const pieces = snippetPieces('<b>太字</b>', [[3, 5]]);
    expect(pieces.map((p) => p.text).join('')).toBe('<b>太字</b>');
    expect(pieces.find((p) => p.hit)?.text).toBe('太字');
  });
});
