import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { diffLines, diffWords, type Change } from 'diff';

/** Word-level diffs of longer texts get slow; past this they are compared line by line. */
const WORD_DIFF_MAX_CHARS = 20_000;
const WORD_DIFF_TIMEOUT_MS = 300;

// Japanese has no spaces between words: the browser's word segmenter finds them.
const segmenter =
  typeof Intl.Segmenter === 'function' ? new Intl.Segmenter('ja', { granularity: 'word' }) : undefined;

export function textDiff(before: string, after: string): Change[] {
  if (before.length + after.length <= WORD_DIFF_MAX_CHARS) {
    const words = diffWords(before, after, { intlSegmenter: segmenter, timeout: WORD_DIFF_TIMEOUT_MS });
    if (words) {
      return words;
    }
  }
  return diffLines(before, after);
}

/**
 * What changed between two versions of a text, removed parts struck through and added parts
 * marked. Rendered as text nodes (never as HTML), since both versions are user input.
 */
@Component({
  selector: 'mg-text-diff',
  // The contents stay on one line: whitespace between the parts would show inside the <pre>.
  template: `<pre
    class="diff"
    data-testid="text-diff"
  >@for (part of parts(); track $index) {@if (part.added) {<ins data-testid="diff-added">{{ part.value }}</ins>} @else if (part.removed) {<del data-testid="diff-removed">{{ part.value }}</del>} @else {<span>{{ part.value }}</span>}}</pre>`,
  styles: `
    .diff {
      margin: 0;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      font: var(--mat-sys-body-medium);
    }
    ins {
      text-decoration: none;
      background: color-mix(in srgb, #2e7d32 22%, transparent);
      color: var(--mat-sys-on-surface);
    }
    del {
      background: color-mix(in srgb, var(--mat-sys-error) 18%, transparent);
      color: var(--mat-sys-on-surface);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TextDiff {
  readonly before = input.required<string>();
  readonly after = input.required<string>();

  protected readonly parts = computed(() => textDiff(this.before(), this.after()));
}
