import { ChangeDetectionStrategy, Component, computed, inject, input, output } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatIconModule } from '@angular/material/icon';

import { AutomationApi, type RuleLogEntry } from '../api/automation-api';
import type { TicketSummary } from '../api/tickets-api';
import { registerFolderIcons } from '../inbox/folders';
import { MoveToFolderMenu } from '../inbox/move-to-folder-menu';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { I18n } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';

/** The ticket as the detail API returns it: the list fields plus what the rules did. */
export type RoutedTicket = TicketSummary & { ruleLog?: RuleLogEntry[] };

/**
 * Where a ticket is filed and why: its folder, the spam flag (its labels: TicketLabelEditor), the routing rules that acted
 * on it (「見積依頼」(ルール2) により 見積 へ移動), and the menu that moves it to another folder.
 */
@Component({
  selector: 'mg-ticket-routing',
  imports: [MatIconModule, DateTimePipe, MoveToFolderMenu, TranslatePipe],
  template: `
    <section class="routing" data-testid="ticket-routing">
      <div class="line">
        <span class="folder" data-testid="ticket-folder" [attr.data-folder-id]="ticket().folderId">
          <mat-icon svgIcon="folder" />
          {{ folderLabel() }}
        </span>
        @if (ticket().spam) {
          <span class="spam" data-testid="ticket-spam-badge">{{ 'inbox.spam' | t }}</span>
        }
        <span class="spacer"></span>
        @if (canMove()) {
          <mg-move-to-folder-menu
            [folders]="folderList()"
            [ticketIds]="[ticket().id]"
            [currentFolderId]="ticket().folderId"
            (moved)="moved.emit()"
          />
        }
      </div>
      @if (ruleLog().length > 0) {
        <ul class="rule-log" [attr.aria-label]="'automation.log.title' | t" data-testid="ticket-rule-log">
          @for (entry of ruleLog(); track $index) {
            <li data-testid="rule-log-entry" [attr.data-rule-id]="entry.ruleId">
              <span>{{ describe(entry) }}</span>
              <span class="muted at">{{ entry.at | dateTime }}</span>
            </li>
          }
        </ul>
      }
    </section>
  `,
  styles: `
    .routing {
      display: flex;
      flex-direction: column;
      gap: 4px;
    }
    .line {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
    }
    .folder {
      display: inline-flex;
      align-items: center;
      gap: 4px;
    }
    .folder mat-icon {
      width: 18px;
      height: 18px;
      color: var(--mat-sys-on-surface-variant);
    }
    .spam {
      padding: 0 6px;
      border-radius: 4px;
      font: var(--mat-sys-label-small);
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .rule-log {
      margin: 0;
      padding-left: 20px;
      font: var(--mat-sys-body-small);
    }
    .at {
      margin-left: 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TicketRouting {
  private readonly automationApi = inject(AutomationApi);
  private readonly i18n = inject(I18n);

  readonly ticket = input.required<RoutedTicket>();
  /** The reply right on the mailbox, which moving takes. */
  readonly canMove = input(false);
  readonly moved = output<void>();

  private readonly folders = rxResource({
    params: () => this.ticket().mailboxId,
    stream: ({ params: mailboxId }) => this.automationApi.folders(mailboxId),
  });
  protected readonly folderList = computed(() => (this.folders.hasValue() ? this.folders.value() : []));
  protected readonly folderLabel = computed(() => {
    const folderId = this.ticket().folderId;
    if (folderId === null) {
      return this.i18n.t('folders.topLevel');
    }
    return this.folderList().find((f) => f.id === folderId)?.name ?? '';
  });
  protected readonly ruleLog = computed(() => this.ticket().ruleLog ?? []);

  constructor() {
    registerFolderIcons();
  }

  /** 「見積依頼」(ルール2) により 見積 へ移動、ラベル「見積」を追加 */
  protected describe(entry: RuleLogEntry): string {
    const actions = entry.actions.map((action) => {
      switch (action.type) {
        case 'moveToFolder':
          return this.i18n.t('automation.log.moveToFolder', {
            folder: action.folderName ?? this.i18n.t('automation.log.folderGone'),
          });
        case 'addLabel':
          // Entries from before the label catalogue carry the name itself.
          return this.i18n.t('automation.log.addLabel', {
            label: action.labelName ?? action.label ?? this.i18n.t('labels.gone'),
          });
        case 'assign':
          return this.i18n.t(action.groupId ? 'automation.log.assignGroup' : 'automation.log.assignUser');
        case 'markSpam':
          return this.i18n.t('automation.log.markSpam');
        case 'stop':
          return this.i18n.t('automation.log.stop');
        default:
          return (action as { type: string }).type;
      }
    });
    return this.i18n.t('automation.log.entry', {
      name: entry.ruleName,
      position: entry.position,
      actions: actions.join(this.i18n.t('automation.log.separator')),
    });
  }
}
