import { ChangeDetectionStrategy, Component, computed, effect, inject, input, output, signal, untracked } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';

import { ViewsApi, type SavedView, type TicketFilter } from '../api/views-api';
import { Notifier } from '../core/notifier';
import { TranslatePipe } from '../i18n/translate-pipe';

/** Two filters select the same tickets when they hold the same fields with the same values. */
export function sameFilter(a: TicketFilter, b: TicketFilter): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof TicketFilter)[]);
  return [...keys].every((k) => String(a[k] ?? '') === String(b[k] ?? ''));
}

/**
 * 保存した表示 in the inbox's side bar: the user's own named filters with how many tickets each
 * selects now (re-read whenever the list is), one click away; the list's current filter can be
 * saved under a name.
 */
@Component({
  selector: 'mg-saved-views',
  imports: [ReactiveFormsModule, MatButtonModule, MatFormFieldModule, MatIconModule, MatInputModule, TranslatePipe],
  template: `
    <section class="saved-views" [attr.aria-label]="'views.title' | t" data-testid="saved-views">
      <h3>{{ 'views.title' | t }}</h3>
      <ul>
        @for (view of views(); track view.id) {
          <li [class.active]="isCurrent(view)">
            <button type="button" class="view-link" (click)="selected.emit(view.filter)" data-testid="saved-view" [attr.data-view-name]="view.name" [attr.aria-current]="isCurrent(view) ? 'true' : null">
              <span class="name">{{ view.name }}</span>
              <span class="count" data-testid="saved-view-count">{{ 'views.count' | t: { count: view.count } }}</span>
            </button>
            <button mat-icon-button type="button" class="delete" (click)="remove(view)" [attr.aria-label]="'views.delete' | t: { name: view.name }" data-testid="saved-view-delete">
              <mat-icon svgIcon="delete" />
            </button>
          </li>
        } @empty {
          <li class="muted empty">{{ 'views.empty' | t }}</li>
        }
      </ul>
      @if (naming()) {
        <form [formGroup]="nameForm" (ngSubmit)="save()" class="name-form">
          <mat-form-field subscriptSizing="dynamic">
            <mat-label>{{ 'views.namePrompt' | t }}</mat-label>
            <input matInput formControlName="name" maxlength="50" (keydown.escape)="naming.set(false)" data-testid="saved-view-name" #nameInput />
          </mat-form-field>
          <div class="buttons">
            <button mat-button type="button" (click)="naming.set(false)">{{ 'common.cancel' | t }}</button>
            <button mat-flat-button type="submit" [disabled]="saving()" data-testid="saved-view-confirm">{{ 'common.save' | t }}</button>
          </div>
        </form>
      } @else {
        <button mat-button type="button" (click)="startNaming()" data-testid="saved-view-save">
          <mat-icon svgIcon="add" />
          {{ 'views.save' | t }}
        </button>
      }
    </section>
  `,
  styles: `
    .saved-views h3 {
      font: var(--mat-sys-title-small);
      margin: 16px 8px 4px;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    li {
      display: flex;
      align-items: center;
      border-radius: 8px;
    }
    li.active {
      background: var(--mat-sys-secondary-container);
    }
    .view-link {
      flex: 1;
      display: flex;
      justify-content: space-between;
      gap: 8px;
      border: 0;
      background: none;
      padding: 8px;
      cursor: pointer;
      font: inherit;
      color: inherit;
      text-align: left;
      min-width: 0;
    }
    .view-link .name {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .view-link .count {
      color: var(--mat-sys-on-surface-variant);
    }
    .delete {
      flex: none;
    }
    .empty {
      padding: 4px 8px;
      font-size: 0.85em;
    }
    .name-form {
      padding: 0 8px;
    }
    .name-form mat-form-field {
      width: 100%;
    }
    .buttons {
      display: flex;
      justify-content: flex-end;
      gap: 4px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SavedViews {
  private readonly viewsApi = inject(ViewsApi);
  private readonly notifier = inject(Notifier);

  /** The list's filter now: what 「現在の条件を保存」 saves, and which view is shown as current. */
  readonly current = input.required<TicketFilter>();
  /** Bumped by the list whenever it re-reads, so the counts follow. */
  readonly version = input(0);
  readonly selected = output<TicketFilter>();

  private readonly resource = rxResource({ params: () => ({ v: this.version() }), stream: () => this.viewsApi.list() });
  private readonly last = signal<readonly SavedView[]>([]);
  protected readonly views = computed(() => (this.resource.hasValue() ? this.resource.value() : this.last()));
  protected readonly naming = signal(false);
  protected readonly saving = signal(false);
  protected readonly name = new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.maxLength(50)] });
  protected readonly nameForm = new FormGroup({ name: this.name });

  constructor() {
    effect(() => {
      if (this.resource.hasValue()) {
        const views = this.resource.value();
        untracked(() => this.last.set(views));
      }
    });
  }

  protected isCurrent(view: SavedView): boolean {
    return sameFilter(view.filter, this.current());
  }

  protected startNaming(): void {
    this.name.reset('');
    this.naming.set(true);
    setTimeout(() => document.querySelector<HTMLInputElement>('[data-testid="saved-view-name"]')?.focus());
  }

  protected save(): void {
    const name = this.name.value.trim();
    if (!name) {
      this.name.markAsTouched();
      return;
    }
    this.saving.set(true);
    this.viewsApi.create(name, this.current()).subscribe({
      next: (view) => {
        this.saving.set(false);
        this.naming.set(false);
        this.notifier.success('views.saved', { name: view.name });
        this.resource.reload();
      },
      error: (e: unknown) => {
        this.saving.set(false);
        this.notifier.error(e);
      },
    });
  }

  protected remove(view: SavedView): void {
    this.viewsApi.remove(view.id).subscribe({
      next: () => {
        this.notifier.success('views.deleted', { name: view.name });
        this.resource.reload();
      },
      error: (e: unknown) => this.notifier.error(e),
    });
  }
}
