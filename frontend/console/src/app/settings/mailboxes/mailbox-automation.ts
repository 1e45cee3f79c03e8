import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { rxResource, toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatTabsModule } from '@angular/material/tabs';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { map } from 'rxjs';

import { readApiError } from '../../api/api-error';
import { AutomationApi } from '../../api/automation-api';
import { MailboxesApi } from '../../api/mailboxes-api';
import { Notifier } from '../../core/notifier';
import { FolderTree } from '../../inbox/folder-tree';
import { TranslatePipe } from '../../i18n/translate-pipe';
import { AUTOMATION_TABS, AUTOMATION_TAB_LABELS, type AutomationTab } from './automation-tabs';
import { BlockedSendersPanel } from './blocked-senders';
import { CustomerLinkSettingsPanel } from './customer-link-settings';
import { JournalSettingsPanel } from './journal-settings';
import { RuleList } from './rule-list';
import { LabelSettings } from './label-settings';

/**
 * A mailbox's automation, one tab each (`?tab=`): フォルダ管理, 振り分け設定, ジャーナルメール設定
 * and データベース自動連携設定.
 */
@Component({
  selector: 'mg-mailbox-automation',
  imports: [
    RouterLink,
    MatButtonModule,
    MatIconModule,
    MatTabsModule,
    BlockedSendersPanel,
    CustomerLinkSettingsPanel,
    FolderTree,
    JournalSettingsPanel,
    LabelSettings,
    RuleList,
    TranslatePipe,
  ],
  template: `
    <div class="tab-page">
      <header class="page-header">
        <a
          mat-button
          [routerLink]="mailboxId() ? ['/settings/mailboxes', mailboxId()] : ['/settings/mailboxes']"
          data-testid="automation-back"
        >
          <mat-icon svgIcon="back" />
          {{ 'automation.back' | t }}
        </a>
      </header>
      <header class="page-header">
        <h2>
          {{ 'automation.title' | t }}
          @if (mailbox.hasValue()) {
            <span class="muted name" data-testid="automation-mailbox">{{ mailbox.value().name }}</span>
          }
        </h2>
      </header>
      @if (loadError(); as error) {
        <p class="error-text" role="alert" data-testid="automation-load-error">{{ error }}</p>
      } @else if (mailboxId(); as id) {
        <mat-tab-group
          [selectedIndex]="tabIndex()"
          (selectedIndexChange)="selectTab($event)"
          mat-stretch-tabs="false"
          animationDuration="0ms"
        >
          @for (tab of tabs; track tab) {
            <mat-tab>
              <ng-template mat-tab-label>
                <span [attr.data-testid]="'automation-tab-' + tab">{{ tabLabels[tab] | t }}</span>
              </ng-template>
              <ng-template matTabContent>
                <div class="tab-body">
                  @switch (tab) {
                    @case ('folders') {
                      <div class="folders">
                        <p class="muted">{{ 'automation.folders.hint' | t }}</p>
                        <mg-folder-tree
                          [mailboxId]="id"
                          [folders]="folderList()"
                          [canManage]="true"
                          (changed)="folders.reload()"
                        />
                      </div>
                    }
                    @case ('labels') {
                      <mg-label-settings [mailboxId]="id" />
                    }
                    @case ('rules') {
                      <mg-rule-list [mailboxId]="id" [folders]="folderList()" />
                    }
                    @case ('journal') {
                      <mg-journal-settings [mailboxId]="id" [folders]="folderList()" />
                    }
                    @case ('customer-link') {
                      <mg-customer-link-settings [mailboxId]="id" />
                    }
                    @case ('blocked-senders') {
                      <mg-blocked-senders [mailboxId]="id" />
                    }
                  }
                </div>
              </ng-template>
            </mat-tab>
          }
        </mat-tab-group>
      }
    </div>
  `,
  styles: `
    .name {
      margin-left: 12px;
    }
    .tab-body {
      padding-top: 16px;
    }
    .folders {
      max-width: 420px;
    }
    .folders p {
      margin: 0 0 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MailboxAutomation {
  private readonly mailboxesApi = inject(MailboxesApi);
  private readonly automationApi = inject(AutomationApi);
  private readonly notifier = inject(Notifier);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  /** The `:id` route param. */
  readonly id = input<string>();

  protected readonly tabs = AUTOMATION_TABS;
  protected readonly tabLabels = AUTOMATION_TAB_LABELS;

  protected readonly mailboxId = computed(() => {
    const id = Number(this.id());
    return Number.isInteger(id) && id > 0 ? id : undefined;
  });
  protected readonly mailbox = rxResource({
    params: () => this.mailboxId(),
    stream: ({ params: id }) => this.mailboxesApi.get(id),
  });
  /** Shared by every tab: rules file into them, the journal can be limited to them. */
  protected readonly folders = rxResource({
    params: () => this.mailboxId(),
    stream: ({ params: id }) => this.automationApi.folders(id),
  });
  protected readonly folderList = computed(() => (this.folders.hasValue() ? this.folders.value() : []));
  protected readonly loadError = computed(() => {
    if (this.mailboxId() === undefined) {
      return this.notifier.describe({ status: 404, code: null, params: {}, fields: {} });
    }
    const error = this.mailbox.error() ?? this.folders.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });

  private readonly tab = toSignal(this.route.queryParamMap.pipe(map((params) => params.get('tab'))), {
    initialValue: null,
  });
  protected readonly tabIndex = computed(() =>
    Math.max(0, AUTOMATION_TABS.indexOf(this.tab() as AutomationTab)),
  );

  protected selectTab(index: number): void {
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: { tab: AUTOMATION_TABS[index] },
      replaceUrl: true,
    });
  }
}
