import { NgClass, NgTemplateOutlet } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  contentChildren,
  Directive,
  effect,
  ElementRef,
  inject,
  input,
  output,
  Renderer2,
  TemplateRef,
} from '@angular/core';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';

import { TranslatePipe } from '../i18n/translate-pipe';
import type { MessageKey } from '../i18n/ja';

/** One column of a settings table; its cells come from the `ng-template` with the same `mgCell` key. */
export interface SettingsColumn {
  readonly key: string;
  /** The header text; none for an actions column. */
  readonly header?: MessageKey;
  readonly headerClass?: string;
  /** `nowrap`, `number` (right-aligned), `actions` (right-aligned buttons), … */
  readonly cellClass?: string;
  /** Clicks inside the cell (a toggle, a link) do not open the row. */
  readonly stopClick?: boolean;
  /** A `data-testid` on every cell of the column. */
  readonly testId?: string;
}

/** `<ng-template mgCell="email" let-user>{{ user.email }}</ng-template>`: the cells of one column. */
@Directive({ selector: 'ng-template[mgCell]' })
export class SettingsCell {
  readonly key = input.required<string>({ alias: 'mgCell' });
  readonly template = inject<TemplateRef<{ $implicit: unknown }>>(TemplateRef);
}

/** Sets `data-*` attributes (a row's id for the UI tests and scripts) from a record. */
@Directive({ selector: '[mgDataAttributes]' })
export class DataAttributes {
  readonly attributes = input.required<Readonly<Record<string, string | number>>>({
    alias: 'mgDataAttributes',
  });

  constructor() {
    const element: HTMLElement = inject(ElementRef).nativeElement;
    const renderer = inject(Renderer2);
    effect(() => {
      for (const [name, value] of Object.entries(this.attributes())) {
        if (name.startsWith('data-')) {
          renderer.setAttribute(element, name, String(value));
        }
      }
    });
  }
}

/**
 * The table under every settings list: a loading bar, the load error, the rows with their
 * columns, and an empty-state line once loading is done. Rows open on click and Enter when
 * `openable`; content placed inside the element shows between the error and the table.
 */
@Component({
  selector: 'mg-settings-table',
  imports: [DataAttributes, MatProgressBarModule, MatTableModule, NgClass, NgTemplateOutlet, TranslatePipe],
  template: `
    <div class="progress">
      @if (loading()) {
        <mat-progress-bar mode="indeterminate" />
      }
    </div>
    @if (error(); as message) {
      <p class="error-text" role="alert">{{ message }}</p>
    }
    <ng-content />
    <div class="table-wrap">
      <table mat-table [dataSource]="rows()">
        @for (column of columns(); track column.key) {
          <ng-container [matColumnDef]="column.key">
            <th mat-header-cell *matHeaderCellDef [ngClass]="column.headerClass ?? ''" [class.name-cell]="column.key === 'name'">
              @if (column.header) {
                {{ column.header | t }}
              }
            </th>
            <td
              mat-cell
              *matCellDef="let row"
              [ngClass]="column.cellClass ?? ''"
              [class.name-cell]="column.key === 'name'"
              [attr.data-testid]="column.testId ?? null"
              (click)="column.stopClick && $event.stopPropagation()"
            >
              <ng-container
                *ngTemplateOutlet="cells().get(column.key) ?? null; context: { $implicit: row }"
              />
            </td>
          </ng-container>
        }
        <tr mat-header-row *matHeaderRowDef="columnKeys()"></tr>
        <tr
          mat-row
          *matRowDef="let row; columns: columnKeys()"
          [class.clickable-row]="openable()"
          [ngClass]="rowClass()(row)"
          [attr.tabindex]="openable() ? 0 : null"
          (click)="open(row)"
          (keydown.enter)="open(row)"
          [attr.data-testid]="rowTestId()"
          [mgDataAttributes]="rowAttributes()(row)"
        ></tr>
        <tr class="mat-mdc-row" *matNoDataRow>
          <td class="no-data" [attr.colspan]="columnKeys().length">
            @if (!loading() && !error()) {
              {{ emptyText() | t }}
            }
          </td>
        </tr>
      </table>
    </div>
  `,
  styles: `
    /* The same spacing as the list page around it (.tab-page). */
    :host {
      display: flex;
      flex-direction: column;
      gap: 8px;
    }
    table {
      width: 100%;
    }
    /* On a phone the table scrolls sideways in its frame rather than squeezing each column to one character a line. */
    @media (max-width: 599px) {
      table {
        min-width: 560px;
      }
    }
    /* A name (of a mailbox, a user, a form) reads as words, never one character a line. */
    .name-cell {
      min-width: 10em;
    }
    .number,
    .actions {
      text-align: right;
    }
    tr.inactive td {
      color: var(--mat-sys-on-surface-variant);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SettingsTable<T> {
  readonly rows = input.required<readonly T[]>();
  readonly columns = input.required<readonly SettingsColumn[]>();
  readonly loading = input(false);
  /** The load error, already in words; hides the empty-state line. */
  readonly error = input<string | null>(null);
  readonly emptyText = input.required<MessageKey>();
  readonly rowTestId = input.required<string>();
  /** `data-*` attributes of a row, e.g. `{ 'data-user-id': user.id }`. */
  readonly rowAttributes = input<(row: T) => Readonly<Record<string, string | number>>>(() => ({}));
  readonly rowClass = input<(row: T) => Readonly<Record<string, boolean>>>(() => ({}));
  readonly openable = input(true);
  readonly rowOpen = output<T>();

  private readonly cellTemplates = contentChildren(SettingsCell);
  protected readonly cells = computed(
    () => new Map(this.cellTemplates().map((cell) => [cell.key(), cell.template])),
  );
  protected readonly columnKeys = computed(() => this.columns().map((column) => column.key));

  protected open(row: T): void {
    if (this.openable()) {
      this.rowOpen.emit(row);
    }
  }
}
