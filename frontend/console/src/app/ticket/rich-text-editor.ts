import { ChangeDetectionStrategy, Component, ElementRef, forwardRef, inject, input, signal, viewChild } from '@angular/core';
import { NG_VALUE_ACCESSOR, type ControlValueAccessor } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';

import { I18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';

type Command = 'bold' | 'italic' | 'underline' | 'link' | 'insertUnorderedList' | 'insertOrderedList' | 'quote';

const TOOLS: readonly { command: Command; label: MessageKey; glyph: string; key?: string }[] = [
  { command: 'bold', label: 'richText.bold', glyph: 'B', key: 'b' },
  { command: 'italic', label: 'richText.italic', glyph: 'I', key: 'i' },
  { command: 'underline', label: 'richText.underline', glyph: 'U', key: 'u' },
  { command: 'link', label: 'richText.link', glyph: '🔗', key: 'k' },
  { command: 'insertUnorderedList', label: 'richText.bulleted', glyph: '•' },
  { command: 'insertOrderedList', label: 'richText.numbered', glyph: '1.' },
  { command: 'quote', label: 'richText.quote', glyph: '❝' },
];

/** Plain text as the editor's HTML: escaped, one line a `<div>` as contenteditable writes it. */
export function textToEditorHtml(text: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => `<div>${line === '' ? '<br>' : esc(line)}</div>`)
    .join('');
}

/**
 * A small rich text editor for replies: a toolbar (bold, italic, underline, link, lists, quote)
 * over a contenteditable. Its value is HTML; the server sanitises whatever it holds (pasted
 * content included), so nothing here needs to be trusted. Ctrl+B / I / U / K work as in mail programs.
 */
@Component({
  selector: 'mg-rich-text-editor',
  imports: [MatButtonModule, TranslatePipe],
  providers: [{ provide: NG_VALUE_ACCESSOR, useExisting: forwardRef(() => RichTextEditor), multi: true }],
  template: `
    <div class="toolbar" role="toolbar" [attr.aria-label]="'richText.toolbar' | t">
      @for (tool of tools; track tool.command) {
        <button
          mat-button
          type="button"
          class="tool"
          [attr.aria-label]="tool.label | t"
          [attr.title]="tool.label | t"
          [disabled]="disabled()"
          (mousedown)="$event.preventDefault()"
          (click)="run(tool.command)"
          [attr.data-testid]="'rich-' + tool.command"
        >
          <span aria-hidden="true" [class]="'glyph-' + tool.command">{{ tool.glyph }}</span>
        </button>
      }
    </div>
    <div
      #area
      class="area"
      role="textbox"
      aria-multiline="true"
      [attr.aria-label]="label()"
      [attr.contenteditable]="disabled() ? 'false' : 'true'"
      (input)="changed()"
      (blur)="touched()"
      (keydown)="shortcut($event)"
      data-testid="reply-rich-text"
    ></div>
  `,
  styles: `
    :host { display: block; border: 1px solid var(--mat-sys-outline); border-radius: 4px; }
    :host:focus-within { outline: 2px solid var(--mat-sys-primary); outline-offset: 1px; }
    .toolbar { display: flex; flex-wrap: wrap; gap: 2px; padding: 4px; border-bottom: 1px solid var(--mat-sys-outline-variant); }
    .tool { min-width: 36px; padding: 0 8px; }
    .glyph-bold { font-weight: 700; }
    .glyph-italic { font-style: italic; }
    .glyph-underline { text-decoration: underline; }
    .area { min-height: 200px; padding: 8px 12px; outline: none; overflow-wrap: anywhere; }
    .area blockquote { margin: 0 0 0 8px; padding-left: 8px; border-left: 3px solid var(--mat-sys-outline-variant); }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RichTextEditor implements ControlValueAccessor {
  private readonly i18n = inject(I18n);
  readonly label = input('');
  protected readonly tools = TOOLS;
  protected readonly disabled = signal(false);
  private readonly area = viewChild.required<ElementRef<HTMLDivElement>>('area');
  private onChange: (html: string) => void = () => undefined;
  private onTouched: () => void = () => undefined;

  /** What a reader sees, for validation and the character count. */
  text(): string {
    return this.area().nativeElement.innerText ?? '';
  }

  focus(): void {
    this.area().nativeElement.focus();
  }

  writeValue(html: string | null): void {
    const el = this.area().nativeElement;
    if (el.innerHTML !== (html ?? '')) el.innerHTML = html ?? '';
  }

  registerOnChange(fn: (html: string) => void): void {
    this.onChange = fn;
  }

  registerOnTouched(fn: () => void): void {
    this.onTouched = fn;
  }

  setDisabledState(disabled: boolean): void {
    this.disabled.set(disabled);
  }

  protected changed(): void {
    this.onChange(this.area().nativeElement.innerHTML);
  }

  protected touched(): void {
    this.onTouched();
  }

  protected shortcut(event: KeyboardEvent): void {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
    const tool = TOOLS.find((t) => t.key === event.key.toLowerCase());
    if (!tool) return;
    event.preventDefault();
    this.run(tool.command);
  }

  // execCommand is deprecated but is still what every browser implements for contenteditable
  // lists and marks; the output is sanitised by the server whatever it is.
  protected run(command: Command): void {
    this.area().nativeElement.focus();
    if (command === 'link') {
      const url = window.prompt(this.i18n.t('richText.linkPrompt'), 'https://')?.trim();
      if (!url || !/^(https?:\/\/|mailto:)/i.test(url)) return;
      document.execCommand('createLink', false, url);
    } else if (command === 'quote') {
      document.execCommand('formatBlock', false, 'blockquote');
    } else {
      document.execCommand(command, false);
    }
    this.changed();
  }
}
