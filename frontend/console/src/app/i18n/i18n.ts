import { DOCUMENT, Injectable, computed, effect, inject, signal } from '@angular/core';

import { en } from './en';
import { ja, type MessageKey } from './ja';

export type Lang = 'ja' | 'en';
export type MessageParams = Readonly<Record<string, string | number>>;
/**
 * Something to show: one of our messages (re-translated on a language switch), several of them on
 * lines of their own, or a text of ours already worded (never the server's English sentence).
 */
export type Message =
  | { readonly key: MessageKey; readonly params?: MessageParams }
  | { readonly lines: readonly Message[] }
  | { readonly text: string };

const STORAGE_KEY = 'madoguchi.lang';
const dictionaries: Record<Lang, Record<MessageKey, string>> = { ja, en };

/**
 * Runtime translation with signals: `t()` reads the current language, so templates and
 * computed values that call it re-render when the language is switched.
 */
@Injectable({ providedIn: 'root' })
export class I18n {
  private readonly document = inject(DOCUMENT);
  private readonly current = signal<Lang>(readStoredLang());

  readonly lang = this.current.asReadonly();
  private readonly dictionary = computed(() => dictionaries[this.current()]);

  constructor() {
    effect(() => {
      this.document.documentElement.lang = this.current();
    });
  }

  use(lang: Lang): void {
    this.current.set(lang);
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // Storage can be disabled (private mode, policies); the choice then lasts for this tab only.
    }
  }

  t(key: MessageKey, params?: MessageParams): string {
    const text = this.dictionary()[key] ?? key;
    if (!params) {
      return text;
    }
    return text.replace(/\{(\w+)\}/g, (match, name: string) =>
      name in params ? String(params[name]) : match,
    );
  }

  /** Whether `key` is one of our messages: error codes and field codes are looked up by a built key. */
  has(key: string): key is MessageKey {
    return Object.hasOwn(dictionaries.ja, key);
  }

  render(message: Message): string {
    if ('key' in message) {
      return this.t(message.key, message.params);
    }
    if ('lines' in message) {
      return message.lines.map((line) => this.render(line)).join('\n');
    }
    return message.text;
  }
}

function readStoredLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'ja';
  } catch {
    return 'ja';
  }
}
