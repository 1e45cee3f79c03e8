import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, Injectable, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog, MatDialogModule } from '@angular/material/dialog';
import { Router } from '@angular/router';

import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';
import { InboxMemory } from '../inbox/ticket-list-query';

/** Where a shortcut works: everywhere, in the ticket list, or on a ticket's page. */
export type ShortcutScope = 'global' | 'list' | 'ticket';

export interface Shortcut {
  key: string;
  scope: ShortcutScope;
  /**
   * What it does: `click:<name>` presses the visible, enabled control marked
   * `data-shortcut="<name>"` (so the keyboard does exactly what the button does, with the same
   * rights); `focus:<name>` focuses it; the others are handled here.
   */
  action: string;
  label: MessageKey;
}

/** The documented set (`?` shows it; docs/inbox.md lists it). */
export const SHORTCUTS: readonly Shortcut[] = [
  { key: '?', scope: 'global', action: 'help', label: 'shortcuts.help' },
  { key: '/', scope: 'global', action: 'focus:search', label: 'shortcuts.search' },
  { key: 'j', scope: 'list', action: 'row:next', label: 'shortcuts.nextRow' },
  { key: 'k', scope: 'list', action: 'row:previous', label: 'shortcuts.previousRow' },
  { key: 'o', scope: 'list', action: 'row:open', label: 'shortcuts.open' },
  { key: 'x', scope: 'list', action: 'row:select', label: 'shortcuts.select' },
  { key: 'j', scope: 'ticket', action: 'ticket:next', label: 'shortcuts.nextTicket' },
  { key: 'k', scope: 'ticket', action: 'ticket:previous', label: 'shortcuts.previousTicket' },
  { key: 'u', scope: 'ticket', action: 'click:back', label: 'shortcuts.back' },
  { key: 'r', scope: 'ticket', action: 'focus:reply', label: 'shortcuts.reply' },
  { key: 'c', scope: 'ticket', action: 'focus:comment', label: 'shortcuts.comment' },
  { key: 'a', scope: 'ticket', action: 'click:assign-me', label: 'shortcuts.assignMe' },
  { key: 'e', scope: 'ticket', action: 'click:handle', label: 'shortcuts.handle' },
  { key: '!', scope: 'ticket', action: 'click:spam', label: 'shortcuts.spam' },
];

const SCOPE_LABELS: Record<ShortcutScope, MessageKey> = {
  global: 'shortcuts.scope.global',
  list: 'shortcuts.scope.list',
  ticket: 'shortcuts.scope.ticket',
};

/** Typing in a field, a rich editor or a menu is never a shortcut. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) {
    return false;
  }
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.closest('[role="menu"], [role="listbox"]') !== null;
}

/** A control the user could press now: on screen, not disabled. */
function usable(el: HTMLElement | null): el is HTMLElement {
  return el !== null && !el.hasAttribute('disabled') && el.getAttribute('aria-disabled') !== 'true' && el.getClientRects().length > 0;
}

/**
 * Keyboard shortcuts: one listener on the document, the scope read from the page shown (the
 * list and the ticket page), nothing while the user types or a dialog is open. Started once by
 * the shell.
 */
@Injectable({ providedIn: 'root' })
export class Shortcuts {
  private readonly document = inject(DOCUMENT);
  private readonly router = inject(Router);
  private readonly dialog = inject(MatDialog);
  private readonly memory = inject(InboxMemory);
  private started = false;

  start(): void {
    if (this.started) {
      return;
    }
    this.started = true;
    this.document.addEventListener('keydown', (e) => this.onKey(e));
  }

  private scope(): ShortcutScope | null {
    const url = this.router.url;
    return url.startsWith('/tickets/') ? 'ticket' : url.startsWith('/inbox') ? 'list' : null;
  }

  private onKey(e: KeyboardEvent): void {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || isTyping(e.target) || this.dialog.openDialogs.length > 0) {
      return;
    }
    const scope = this.scope();
    const shortcut = SHORTCUTS.find((s) => s.key === e.key && (s.scope === 'global' || s.scope === scope));
    if (shortcut && this.run(shortcut.action)) {
      e.preventDefault();
    }
  }

  /** Does what the shortcut says; false when there is nothing to do here (the key then does what it would). */
  private run(action: string): boolean {
    const [kind, name] = action.split(':');
    // The last usable one: a page's own control (the inbox's search) comes after the toolbar's.
    const marked = () =>
      Array.from(this.document.querySelectorAll<HTMLElement>(`[data-shortcut="${name}"]`)).filter(usable).pop() ?? null;
    switch (kind) {
      case 'help':
        this.dialog.open(ShortcutsHelp, { width: '520px', maxWidth: '95vw' });
        return true;
      case 'click': {
        const el = marked();
        if (!usable(el)) {
          return false;
        }
        el.click();
        return true;
      }
      case 'focus': {
        const el = marked();
        if (!usable(el)) {
          return false;
        }
        el.focus();
        return true;
      }
      case 'row':
        return this.row(name);
      case 'ticket':
        return this.adjacentTicket(name === 'next' ? 1 : -1);
      default:
        return false;
    }
  }

  private row(what: string): boolean {
    const rows = Array.from(this.document.querySelectorAll<HTMLElement>('[data-testid="ticket-row"]'));
    if (!rows.length) {
      return false;
    }
    const at = rows.findIndex((r) => r === this.document.activeElement || r.contains(this.document.activeElement));
    if (what === 'next' || what === 'previous') {
      const next = at < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, at + (what === 'next' ? 1 : -1)));
      rows[next].focus();
      return true;
    }
    if (at < 0) {
      return false;
    }
    if (what === 'open') {
      rows[at].click();
      return true;
    }
    const box = rows[at].querySelector<HTMLElement>('[data-testid="ticket-select"] input');
    box?.click();
    rows[at].focus();
    return box !== null && box !== undefined;
  }

  /** The next or previous ticket of the list last shown, in its order. */
  private adjacentTicket(step: number): boolean {
    const id = Number(this.router.url.split('?')[0].split('/')[2]);
    const ids = this.memory.pageIds();
    const at = ids.indexOf(id);
    const target = at < 0 ? undefined : ids[at + step];
    if (target === undefined) {
      return false;
    }
    void this.router.navigate(['/tickets', target]);
    return true;
  }
}

/** `?`: the shortcuts, by where they work. */
@Component({
  selector: 'mg-shortcuts-help',
  imports: [MatButtonModule, MatDialogModule, TranslatePipe],
  template: `
    <h2 mat-dialog-title>{{ 'shortcuts.title' | t }}</h2>
    <mat-dialog-content data-testid="shortcuts-help">
      @for (group of groups; track group.scope) {
        <h3>{{ group.label | t }}</h3>
        <dl>
          @for (s of group.items; track s.key + s.scope) {
            <div class="row">
              <dt><kbd>{{ s.key }}</kbd></dt>
              <dd>{{ s.label | t }}</dd>
            </div>
          }
        </dl>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button mat-dialog-close data-testid="shortcuts-close">{{ 'common.close' | t }}</button>
    </mat-dialog-actions>
  `,
  styles: `
    h3 {
      font: var(--mat-sys-title-small);
      margin: 12px 0 4px;
    }
    dl {
      margin: 0;
    }
    .row {
      display: flex;
      gap: 12px;
      padding: 2px 0;
    }
    dt {
      width: 48px;
    }
    dd {
      margin: 0;
    }
    kbd {
      display: inline-block;
      min-width: 1.5em;
      padding: 0 6px;
      border: 1px solid var(--mat-sys-outline);
      border-radius: 4px;
      text-align: center;
      font-family: monospace;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ShortcutsHelp {
  protected readonly groups = (['global', 'list', 'ticket'] as const).map((scope) => ({
    scope,
    label: SCOPE_LABELS[scope],
    items: SHORTCUTS.filter((s) => s.scope === scope),
  }));
}
