import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDividerModule } from '@angular/material/divider';
import { MatMenuModule } from '@angular/material/menu';

import { TicketsApi, type Assignable, type TicketSummary } from '../api/tickets-api';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { VisibleControlsPipe } from '../core/visible-controls';
import { TranslatePipe } from '../i18n/translate-pipe';

/**
 * The ticket's assignee: who it is, 「自分に割り当て」 in one click, a menu of the users who can
 * see the mailbox, and 「割り当て解除」. Changing it takes the mailbox's reply right (`canAssign`);
 * every control is a plain button, reachable by Tab with the theme's focus ring.
 */
@Component({
  selector: 'mg-ticket-assignee',
  imports: [MatButtonModule, MatDividerModule, MatMenuModule, TranslatePipe, VisibleControlsPipe],
  template: `
    <div class="assignee" data-testid="ticket-assignee">
      <span class="label">{{ 'ticket.assignee' | t }}</span>
      <span class="name" data-testid="ticket-assignee-name">
        @if (ticket().assignee; as user) {
          {{ user.name | visibleControls }}
        } @else if (!ticket().assigneeGroup) {
          <span class="muted">{{ 'ticket.unassigned' | t }}</span>
        }
        @if (ticket().assigneeGroup; as group) {
          <span class="muted" data-testid="ticket-assignee-group">{{ 'ticket.groupPrefix' | t }}{{ group.name | visibleControls }}</span>
        }
      </span>
      @if (canAssign()) {
        @if (!assignedToMe()) {
          <button
            mat-stroked-button
            type="button"
            [disabled]="saving()"
            (click)="assign(me())"
            data-testid="ticket-assign-me" data-shortcut="assign-me"
          >
            {{ 'ticket.assignToMe' | t }}
          </button>
        }
        <button
          mat-button
          type="button"
          [matMenuTriggerFor]="menu"
          (menuOpened)="loadUsers()"
          [disabled]="saving()"
          data-testid="ticket-assign-menu"
        >
          {{ 'ticket.assign' | t }}
        </button>
        <mat-menu #menu="matMenu">
          @for (user of users(); track user.id) {
            <button
              mat-menu-item
              type="button"
              [disabled]="ticket().assigneeId === user.id"
              (click)="assign(user.id)"
              data-testid="ticket-assign-user"
              [attr.data-user-id]="user.id"
            >
              {{ user.name | visibleControls }}
              @if (user.branch) {
                <span class="muted">（{{ user.branch | visibleControls }}）</span>
              }
            </button>
          }
          @if (groups().length) {
            <mat-divider />
            <span class="menu-heading muted" mat-menu-item disabled>{{ 'ticket.assignGroupHeading' | t }}</span>
            @for (group of groups(); track group.id) {
              <button
                mat-menu-item
                type="button"
                [disabled]="ticket().assigneeGroupId === group.id"
                (click)="assignGroup(group.id)"
                data-testid="ticket-assign-group"
                [attr.data-group-id]="group.id"
              >
                {{ group.name | visibleControls }}
              </button>
            }
          }
        </mat-menu>
        @if (ticket().assigneeGroupId !== null) {
          <button
            mat-button
            type="button"
            [disabled]="saving()"
            (click)="assignGroup(null)"
            data-testid="ticket-unassign-group"
          >
            {{ 'ticket.unassignGroup' | t }}
          </button>
        }
        @if (ticket().assigneeId !== null) {
          <button
            mat-button
            type="button"
            [disabled]="saving()"
            (click)="assign(null)"
            data-testid="ticket-unassign"
          >
            {{ 'ticket.unassign' | t }}
          </button>
        }
      }
    </div>
  `,
  styles: `
    .assignee {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
      margin-block: 8px;
    }
    .label {
      font-weight: 500;
    }
    .name {
      display: inline-flex;
      gap: 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TicketAssignee {
  private readonly api = inject(TicketsApi);
  private readonly notifier = inject(Notifier);
  private readonly session = inject(Session);

  readonly ticket = input.required<TicketSummary>();
  readonly canAssign = input(false);
  /** After a change, with the ticket as the server now has it. */
  readonly changed = output<TicketSummary>();

  protected readonly saving = signal(false);
  protected readonly users = signal<readonly Assignable[]>([]);
  protected readonly groups = signal<readonly { id: number; name: string }[]>([]);
  protected readonly me = computed(() => this.session.user()?.id ?? null);
  protected readonly assignedToMe = computed(
    () => this.me() !== null && this.ticket().assigneeId === this.me(),
  );

  protected loadUsers(): void {
    this.api.assignable(this.ticket().mailboxId).subscribe({
      next: (users) => this.users.set(users),
      error: (error: unknown) => this.notifier.error(error),
    });
    this.api.assignableGroups(this.ticket().mailboxId).subscribe({
      next: (groups) => this.groups.set(groups),
      error: (error: unknown) => this.notifier.error(error),
    });
  }

  /** The group keeps the user, and the user the group: each is set on its own. */
  protected assignGroup(assigneeGroupId: number | null): void {
    this.saving.set(true);
    this.api.update(this.ticket().id, { assigneeGroupId }).subscribe({
      next: (ticket) => {
        this.saving.set(false);
        if (ticket.assigneeGroup) {
          this.notifier.success('ticket.assignedGroup', { name: ticket.assigneeGroup.name });
        } else {
          this.notifier.success('ticket.unassignedGroupDone');
        }
        this.changed.emit(ticket);
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.notifier.error(error);
      },
    });
  }

  protected assign(assigneeId: number | null): void {
    this.saving.set(true);
    this.api.update(this.ticket().id, { assigneeId }).subscribe({
      next: (ticket) => {
        this.saving.set(false);
        if (ticket.assignee) {
          this.notifier.success('ticket.assigned', { name: ticket.assignee.name });
        } else {
          this.notifier.success('ticket.unassignedDone');
        }
        this.changed.emit(ticket);
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.notifier.error(error);
      },
    });
  }
}
