import { ChangeDetectionStrategy, Component, computed, inject, input, linkedSignal } from '@angular/core';
import { rxResource, takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTabsModule } from '@angular/material/tabs';
import { RouterLink } from '@angular/router';
import { debounceTime } from 'rxjs';

import { readApiError } from '../api/api-error';
import { ApprovalsApi } from '../api/approvals-api';
import { EventsApi } from '../api/events-api';
import { RepliesApi, type Reply } from '../api/replies-api';
import { Notifier } from '../core/notifier';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { TranslatePipe } from '../i18n/translate-pipe';
import { ApprovalCard } from './approval-card';
import { PendingApprovals } from './pending-approvals';

const LIVE_UPDATE_DEBOUNCE_MS = 300;
const TABS = ['pending', 'rejected'] as const;

/** 承認: the replies waiting for the viewer's approval, and the viewer's own replies sent back. */
@Component({
  selector: 'mg-approval-queue',
  imports: [
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    MatTabsModule,
    RouterLink,
    ApprovalCard,
    DateTimePipe,
    TranslatePipe,
  ],
  templateUrl: './approval-queue.html',
  styleUrl: './approval-queue.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ApprovalQueue {
  private readonly approvalsApi = inject(ApprovalsApi);
  private readonly repliesApi = inject(RepliesApi);
  private readonly notifier = inject(Notifier);
  private readonly pendingApprovals = inject(PendingApprovals);

  /** `?tab=rejected` opens the second tab. */
  readonly tab = input<string>();
  protected readonly selectedTab = linkedSignal(() =>
    Math.max(0, TABS.indexOf(this.tab() as (typeof TABS)[number])),
  );

  protected readonly pending = rxResource({ stream: () => this.approvalsApi.pending() });
  protected readonly rejected = rxResource({ stream: () => this.repliesApi.mine('rejected') });
  protected readonly pendingList = keepLast(() =>
    this.pending.hasValue() ? this.pending.value() : undefined,
  );
  protected readonly rejectedList = keepLast(() =>
    this.rejected.hasValue() ? this.rejected.value() : undefined,
  );
  protected readonly loadError = computed(() => {
    const error = this.pending.error() ?? this.rejected.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });

  constructor() {
    // A reply submitted, decided or withdrawn anywhere changes a ticket: both lists may change.
    inject(EventsApi)
      .events()
      .pipe(debounceTime(LIVE_UPDATE_DEBOUNCE_MS), takeUntilDestroyed())
      .subscribe(() => this.reload());
  }

  protected reload(): void {
    this.pending.reload();
    this.rejected.reload();
    this.pendingApprovals.refresh();
  }
}

/** The last list received, kept on screen while a newer one loads. */
function keepLast(source: () => Reply[] | undefined) {
  return linkedSignal<Reply[] | undefined, readonly Reply[]>({
    source,
    computation: (list, previous) => list ?? previous?.value ?? [],
  });
}
