import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  linkedSignal,
  signal,
} from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatExpansionModule } from '@angular/material/expansion';
import { MatProgressBarModule } from '@angular/material/progress-bar';

import { readApiError } from '../api/api-error';
import { WorkflowApi, type Transition } from '../api/workflow-api';
import { Notifier } from '../core/notifier';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { I18n } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';
import { eventLabel, transitionStateLabel } from './workflow-labels';

/** 履歴: every state change of the ticket and its replies, who made it and why. Loaded when opened. */
@Component({
  selector: 'mg-transition-history',
  imports: [MatExpansionModule, MatProgressBarModule, DateTimePipe, TranslatePipe],
  template: `
    <mat-expansion-panel
      (opened)="opened.set(true)"
      (closed)="opened.set(false)"
      data-testid="transitions-panel"
    >
      <mat-expansion-panel-header data-testid="transitions-toggle">
        <mat-panel-title>{{ 'workflow.transitions' | t }}</mat-panel-title>
      </mat-expansion-panel-header>
      <div class="progress">
        @if (transitions.isLoading()) {
          <mat-progress-bar mode="indeterminate" />
        }
      </div>
      @if (loadError(); as error) {
        <p class="error-text" role="alert">{{ error }}</p>
      } @else {
        <div class="table-wrap">
          <table class="transitions">
            <thead>
              <tr>
                <th>{{ 'workflow.column.at' | t }}</th>
                <th>{{ 'workflow.column.actor' | t }}</th>
                <th>{{ 'workflow.column.subject' | t }}</th>
                <th>{{ 'workflow.column.change' | t }}</th>
                <th>{{ 'workflow.column.event' | t }}</th>
                <th>{{ 'workflow.column.reason' | t }}</th>
              </tr>
            </thead>
            <tbody>
              @for (row of rows(); track row.id) {
                <tr
                  data-testid="transition-row"
                  [attr.data-event]="row.event"
                  [attr.data-machine]="row.machine"
                  [attr.data-to]="row.to"
                >
                  <td class="nowrap">{{ row.at | dateTime }}</td>
                  <td>{{ row.actor?.name ?? ('workflow.system' | t) }}</td>
                  <td class="nowrap">
                    {{
                      row.machine === 'ticket'
                        ? ('workflow.ticket' | t)
                        : ('workflow.reply' | t: { id: row.entityId })
                    }}
                  </td>
                  <td class="nowrap">{{ row.fromLabel }} → {{ row.toLabel }}</td>
                  <td>{{ row.eventLabel }}</td>
                  <td class="reason" data-testid="transition-reason">{{ row.reason }}</td>
                </tr>
              } @empty {
                @if (!transitions.isLoading()) {
                  <tr>
                    <td colspan="6" class="no-data">{{ 'workflow.noTransitions' | t }}</td>
                  </tr>
                }
              }
            </tbody>
          </table>
        </div>
      }
    </mat-expansion-panel>
  `,
  styles: `
    .transitions {
      width: 100%;
      border-collapse: collapse;
      font: var(--mat-sys-body-small);
    }
    th,
    td {
      padding: 6px 8px;
      text-align: left;
      vertical-align: top;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    th {
      color: var(--mat-sys-on-surface-variant);
      font-weight: 500;
    }
    .reason {
      white-space: pre-line;
      overflow-wrap: anywhere;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TransitionHistory {
  private readonly workflowApi = inject(WorkflowApi);
  private readonly notifier = inject(Notifier);
  private readonly i18n = inject(I18n);

  readonly ticketId = input.required<number>();
  /** Changes whenever the ticket or its replies change, so an open panel follows along. */
  readonly revision = input<string>('');

  protected readonly opened = signal(false);
  protected readonly transitions = rxResource({
    params: () => (this.opened() ? { id: this.ticketId(), revision: this.revision() } : undefined),
    stream: ({ params }) => this.workflowApi.transitions(params.id),
  });
  protected readonly loadError = computed(() => {
    const error = this.transitions.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });
  /** The last list received, kept on screen while a newer one loads. */
  private readonly list = linkedSignal<Transition[] | undefined, readonly Transition[]>({
    source: () => (this.transitions.hasValue() ? this.transitions.value() : undefined),
    computation: (list, previous) => list ?? previous?.value ?? [],
  });
  protected readonly rows = computed(() =>
    this.list().map((t) => ({
      ...t,
      fromLabel: this.stateText(t.machine, t.from),
      toLabel: this.stateText(t.machine, t.to),
      eventLabel: this.word(eventLabel(t.event), t.event),
      reason: this.reasonText(t.reason),
    })),
  );

  /** A mark-handled reason starts with the note's kind as a code (`phone: …`): shown as 電話対応: …. */
  private reasonText(reason: string | null): string | null {
    const m = reason ? /^(phone|fax|visit|other): ([\s\S]*)$/.exec(reason) : null;
    return m ? `${this.i18n.t(`article.history.${m[1] as 'phone' | 'fax' | 'visit' | 'other'}`)}: ${m[2]}` : reason;
  }

  private stateText(machine: Transition['machine'], state: string | null): string {
    return state === null ? '—' : this.word(transitionStateLabel(machine, state), state);
  }

  private word(key: ReturnType<typeof eventLabel>, fallback: string): string {
    return key ? this.i18n.t(key) : fallback;
  }
}
