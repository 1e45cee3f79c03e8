import { ChangeDetectionStrategy, Component, inject, input, output, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';
import { MatProgressBarModule } from '@angular/material/progress-bar';

import { readApiError } from '../api/api-error';
import { BulkApi, type BulkAction, type BulkFailure, type BulkSelection } from '../api/bulk-api';
import { LabelsApi, type CatalogueLabel } from '../api/labels-api';
import { TicketsApi, type Assignable } from '../api/tickets-api';
import type { HistoryNote } from '../api/workflow-api';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { TranslatePipe } from '../i18n/translate-pipe';
import { MarkHandledDialog, type MarkHandledFor } from '../ticket/mark-handled-dialog';

/**
 * 一括操作 on the selected tickets (or all the filter selects): assign, mark handled, spam,
 * read/unread. One request per action; the server streams its progress per batch, shown as a
 * bar, and lists the tickets it could not act on, each with the reason in words.
 */
@Component({
  selector: 'mg-bulk-actions',
  imports: [MatButtonModule, MatIconModule, MatMenuModule, MatProgressBarModule, TranslatePipe],
  template: `
    <div class="bulk-actions" role="group" [attr.aria-label]="'bulk.actions' | t" data-testid="bulk-actions">
      <button mat-stroked-button type="button" [disabled]="running()" (click)="assignToMe()" data-testid="bulk-assign-me">
        {{ 'bulk.assignToMe' | t }}
      </button>
      <button
        mat-stroked-button
        type="button"
        [disabled]="running()"
        [matMenuTriggerFor]="assignMenu"
        (menuOpened)="loadAssignable()"
        data-testid="bulk-assign"
      >
        {{ 'bulk.assign' | t }}
      </button>
      <mat-menu #assignMenu="matMenu">
        @for (user of assignable(); track user.id) {
          <button mat-menu-item type="button" (click)="run({ type: 'assign', assigneeId: user.id })" data-testid="bulk-assign-user" [attr.data-user-id]="user.id">
            {{ user.name }}
          </button>
        }
        <button mat-menu-item type="button" (click)="run({ type: 'assign', assigneeId: null })" data-testid="bulk-unassign">
          {{ 'bulk.unassign' | t }}
        </button>
        @for (group of assignableGroups(); track group.id) {
          <button mat-menu-item type="button" (click)="run({ type: 'assign', assigneeGroupId: group.id })" data-testid="bulk-assign-group" [attr.data-group-id]="group.id">
            {{ 'ticket.groupPrefix' | t }}{{ group.name }}
          </button>
        }
        @if (assignableGroups().length) {
          <button mat-menu-item type="button" (click)="run({ type: 'assign', assigneeGroupId: null })" data-testid="bulk-unassign-group">
            {{ 'ticket.unassignGroup' | t }}
          </button>
        }
      </mat-menu>
      <button
        mat-stroked-button
        type="button"
        [disabled]="running()"
        [matMenuTriggerFor]="labelMenu"
        (menuOpened)="loadLabels()"
        data-testid="bulk-label"
      >
        {{ 'bulk.label' | t }}
      </button>
      <mat-menu #labelMenu="matMenu">
        @for (label of labels(); track label.id) {
          <button mat-menu-item type="button" (click)="run({ type: 'label', labelIds: [label.id] })" data-testid="bulk-label-add" [attr.data-label-name]="label.name">
            <span class="swatch" [style.background]="label.color"></span>{{ 'bulk.labelAdd' | t: { name: label.name } }}
          </button>
        }
        @for (label of labels(); track label.id) {
          <button mat-menu-item type="button" (click)="run({ type: 'unlabel', labelIds: [label.id] })" data-testid="bulk-label-remove" [attr.data-label-name]="label.name">
            <span class="swatch" [style.background]="label.color"></span>{{ 'bulk.labelRemove' | t: { name: label.name } }}
          </button>
        } @empty {
          <p class="menu-note">{{ 'bulk.noLabels' | t }}</p>
        }
      </mat-menu>
      <button mat-stroked-button type="button" [disabled]="running()" (click)="markHandled()" data-testid="bulk-handle">
        <mat-icon svgIcon="ok" />
        {{ 'bulk.handle' | t }}
      </button>
      <button mat-stroked-button type="button" [disabled]="running()" (click)="run({ type: 'spam' })" data-testid="bulk-spam">
        <mat-icon svgIcon="spam" />
        {{ 'bulk.spam' | t }}
      </button>
      <button mat-stroked-button type="button" [disabled]="running()" [matMenuTriggerFor]="moreMenu" data-testid="bulk-more">
        <mat-icon svgIcon="more-vert" />
        {{ 'bulk.more' | t }}
      </button>
      <mat-menu #moreMenu="matMenu">
        <button mat-menu-item type="button" (click)="run({ type: 'read' })" data-testid="bulk-read">{{ 'bulk.read' | t }}</button>
        <button mat-menu-item type="button" (click)="run({ type: 'unread' })" data-testid="bulk-unread">{{ 'bulk.unread' | t }}</button>
        <button mat-menu-item type="button" (click)="run({ type: 'notSpam' })" data-testid="bulk-not-spam">{{ 'bulk.notSpam' | t }}</button>
      </mat-menu>
    </div>
    @if (progress(); as p) {
      <div class="bulk-progress" role="status" data-testid="bulk-progress">
        <mat-progress-bar [mode]="p.total ? 'determinate' : 'indeterminate'" [value]="p.total ? (100 * (p.done + p.failed)) / p.total : 0" />
        <span>{{ 'bulk.progress' | t: { done: p.done + p.failed, total: p.total || count() } }}</span>
      </div>
    }
    @if (failures().length > 0) {
      <div class="bulk-failures" role="alert" data-testid="bulk-failures">
        <p>{{ 'bulk.failed' | t: { count: failures().length } }}</p>
        <ul>
          @for (f of failures().slice(0, 50); track f.id) {
            <li data-testid="bulk-failure">{{ f.code ?? ('bulk.hiddenTicket' | t: { id: f.id }) }}: {{ reason(f) }}</li>
          }
        </ul>
        @if (failures().length > 50) {
          <p>{{ 'bulk.moreFailures' | t: { count: failures().length - 50 } }}</p>
        }
        <button mat-button type="button" (click)="failures.set([])" data-testid="bulk-failures-close">{{ 'common.close' | t }}</button>
      </div>
    }
  `,
  styles: `
    .bulk-actions {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      align-items: center;
    }
    .swatch {
      display: inline-block;
      width: 10px;
      height: 10px;
      border-radius: 50%;
      margin-right: 8px;
    }
    .menu-note {
      padding: 8px 16px;
      margin: 0;
      max-width: 280px;
    }
    .bulk-progress {
      display: flex;
      gap: 12px;
      align-items: center;
      margin-top: 8px;
    }
    .bulk-progress mat-progress-bar {
      flex: 1;
    }
    .bulk-failures {
      margin-top: 8px;
      padding: 8px 12px;
      border-left: 4px solid var(--mat-sys-error);
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .bulk-failures ul {
      margin: 0;
      padding-left: 20px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class BulkActions {
  private readonly bulkApi = inject(BulkApi);
  private readonly ticketsApi = inject(TicketsApi);
  private readonly labelsApi = inject(LabelsApi);
  private readonly notifier = inject(Notifier);
  private readonly session = inject(Session);
  private readonly dialog = inject(MatDialog);

  readonly mailboxId = input.required<number>();
  readonly selection = input.required<BulkSelection>();
  /** How many tickets the selection holds (for the texts before the server says). */
  readonly count = input.required<number>();
  /** After an action ran (also when some tickets failed): the list reloads and the selection clears. */
  readonly done = output<void>();

  protected readonly assignable = signal<readonly Assignable[]>([]);
  protected readonly assignableGroups = signal<readonly { id: number; name: string }[]>([]);
  protected readonly labels = signal<readonly CatalogueLabel[]>([]);
  protected readonly running = signal(false);
  protected readonly progress = signal<{ done: number; failed: number; total: number } | null>(null);
  protected readonly failures = signal<readonly BulkFailure[]>([]);

  protected loadAssignable(): void {
    this.ticketsApi.assignable(this.mailboxId()).subscribe({
      next: (users) => this.assignable.set(users),
      error: (e: unknown) => this.notifier.error(e),
    });
    this.ticketsApi.assignableGroups(this.mailboxId()).subscribe({
      next: (groups) => this.assignableGroups.set(groups),
      error: (e: unknown) => this.notifier.error(e),
    });
  }

  protected loadLabels(): void {
    this.labelsApi.list(this.mailboxId()).subscribe({
      next: (labels) => this.labels.set(labels),
      error: (e: unknown) => this.notifier.error(e),
    });
  }

  protected assignToMe(): void {
    const me = this.session.user()?.id;
    if (me !== undefined) {
      this.run({ type: 'assign', assigneeId: me });
    }
  }

  protected markHandled(): void {
    this.dialog
      .open<MarkHandledDialog, MarkHandledFor, { note?: HistoryNote }>(MarkHandledDialog, { data: { bulk: this.count() }, width: '520px' })
      .afterClosed()
      .subscribe((answer) => {
        if (answer) {
          this.run(answer.note ? { type: 'handle', note: answer.note } : { type: 'handle' });
        }
      });
  }

  protected run(action: BulkAction): void {
    if (this.running()) {
      return;
    }
    this.running.set(true);
    this.failures.set([]);
    this.progress.set({ done: 0, failed: 0, total: 0 });
    this.bulkApi.run(this.selection(), action).subscribe({
      next: (update) => {
        if ('progress' in update) {
          this.progress.set(update.progress);
          return;
        }
        this.failures.set(update.result.failed);
        this.notifier.success('bulk.doneCount', { count: update.result.done });
      },
      error: (e: unknown) => {
        this.running.set(false);
        this.progress.set(null);
        this.notifier.error(e);
        this.done.emit();
      },
      complete: () => {
        this.running.set(false);
        this.progress.set(null);
        this.done.emit();
      },
    });
  }

  protected reason(f: BulkFailure): string {
    return this.notifier.describe({ status: f.error === 'TICKET_NOT_FOUND' ? 404 : 400, code: f.error, params: {}, fields: {} });
  }
}
