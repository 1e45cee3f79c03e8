import { ChangeDetectionStrategy, Component, ElementRef, computed, inject, input, output, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatMenuModule } from '@angular/material/menu';

import { LabelsApi, type TicketLabel } from '../api/labels-api';
import { TicketsApi, type TicketSummary } from '../api/tickets-api';
import { Notifier } from '../core/notifier';
import { VisibleControlsPipe } from '../core/visible-controls';
import { TranslatePipe } from '../i18n/translate-pipe';
import { LabelChip } from './label-chip';

/**
 * The ticket's labels: coloured chips, each with × to take it off, and 「ラベルを追加」, a menu of
 * the mailbox's catalogue (read when it opens, so labels added in settings show at once). Changing
 * them takes the reply right (`canEdit`); the server gets the whole set.
 */
@Component({
  selector: 'mg-ticket-label-editor',
  imports: [MatButtonModule, MatMenuModule, LabelChip, TranslatePipe, VisibleControlsPipe],
  template: `
    <div class="labels" data-testid="ticket-labels" role="group" [attr.aria-label]="'folders.labels' | t">
      <span class="title">{{ 'folders.labels' | t }}</span>
      @for (label of ticket().labels; track label.id) {
        <mg-label-chip [label]="label" [removable]="canEdit()" [disabled]="saving()" (removed)="remove($event)" />
      } @empty {
        <span class="muted" data-testid="ticket-labels-none">{{ 'labels.none' | t }}</span>
      }
      @if (canEdit()) {
        <button
          mat-button
          type="button"
          [matMenuTriggerFor]="menu"
          (menuOpened)="loadCatalogue()"
          [disabled]="saving()"
          data-testid="ticket-label-add"
        >
          {{ 'labels.addToTicket' | t }}
        </button>
        <mat-menu #menu="matMenu">
          @for (label of choices(); track label.id) {
            <button mat-menu-item type="button" (click)="add(label)" data-testid="ticket-label-option" [attr.data-label-id]="label.id">
              <span class="swatch" [style.background]="label.color" aria-hidden="true"></span>{{ label.name | visibleControls }}
            </button>
          } @empty {
            <p class="muted empty" data-testid="ticket-label-no-options">{{ (loaded() ? 'labels.noMore' : 'labels.loading') | t }}</p>
          }
        </mat-menu>
      }
    </div>
  `,
  styles: `
    .labels {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 6px;
      margin-block: 4px;
    }
    .title {
      font-weight: 500;
      margin-right: 2px;
    }
    .swatch {
      display: inline-block;
      width: 12px;
      height: 12px;
      margin-right: 8px;
      border-radius: 50%;
      vertical-align: middle;
    }
    .empty {
      margin: 8px 16px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TicketLabelEditor {
  private readonly ticketsApi = inject(TicketsApi);
  private readonly labelsApi = inject(LabelsApi);
  private readonly notifier = inject(Notifier);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  readonly ticket = input.required<TicketSummary>();
  readonly canEdit = input(false);
  /** After a change, with the ticket as the server now has it. */
  readonly changed = output<TicketSummary>();

  protected readonly saving = signal(false);
  /**
   * The catalogue, read with the ticket (so the menu's items are there when it opens and the
   * keyboard focus lands on the first one) and again on each opening, for labels added since.
   */
  private readonly catalogue = rxResource({
    params: () => (this.canEdit() ? this.ticket().mailboxId : undefined),
    stream: ({ params: mailboxId }) => this.labelsApi.list(mailboxId),
  });
  protected readonly loaded = computed(() => this.catalogue.hasValue());
  protected readonly choices = computed(() => {
    const on = new Set(this.ticket().labels.map((l) => l.id));
    return (this.catalogue.hasValue() ? this.catalogue.value() : []).filter((l) => !on.has(l.id));
  });

  protected loadCatalogue(): void {
    if (this.catalogue.error()) {
      this.notifier.error(this.catalogue.error());
    }
    this.catalogue.reload();
  }

  protected add(label: TicketLabel): void {
    this.save([...this.ticket().labels.map((l) => l.id), label.id]);
  }

  protected remove(label: TicketLabel): void {
    this.save(this.ticket().labels.filter((l) => l.id !== label.id).map((l) => l.id), true);
  }

  /** `refocus`: the chip whose × had the focus is gone; the focus goes to 「ラベルを追加」 rather than the page. */
  private save(labelIds: number[], refocus = false): void {
    this.saving.set(true);
    this.ticketsApi.update(this.ticket().id, { labelIds }).subscribe({
      next: (ticket) => {
        this.saving.set(false);
        this.changed.emit(ticket);
        if (refocus) {
          setTimeout(() => this.host.nativeElement.querySelector<HTMLElement>('[data-testid="ticket-label-add"]')?.focus());
        }
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.notifier.error(error);
      },
    });
  }
}
