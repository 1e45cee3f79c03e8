import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterNextRender,
  inject,
  input,
  output,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';

import { DateTimePipe } from '../i18n/date-time-pipe';
import { TranslatePipe } from '../i18n/translate-pipe';

/** One piece of news on the ticket since the reply was started: a customer message or a colleague's reply. */
export interface TicketNews {
  key: string;
  from: string;
  at: string;
  text: string;
  inbound: boolean;
}

/**
 * Traffic cop: the composer stops before sending when the customer or a colleague wrote on the
 * ticket since the reply was started, and shows what came first. 「確認して送信」 sends anyway.
 */
@Component({
  selector: 'mg-traffic-cop',
  imports: [MatButtonModule, DateTimePipe, TranslatePipe],
  template: `
    <section
      class="traffic-cop"
      role="alertdialog"
      aria-labelledby="traffic-cop-title"
      aria-describedby="traffic-cop-hint"
      data-testid="traffic-cop"
    >
      <h3 id="traffic-cop-title">{{ 'trafficCop.title' | t }}</h3>
      <p id="traffic-cop-hint" class="muted">{{ 'trafficCop.hint' | t }}</p>
      <ul>
        @for (item of items(); track item.key) {
          <li [class.inbound]="item.inbound" data-testid="traffic-cop-item">
            <div class="meta">
              <strong>{{ item.from }}</strong>
              <span class="muted">{{
                (item.inbound ? 'trafficCop.customerMessage' : 'trafficCop.colleagueReply') | t
              }}</span>
              @if (item.at) {
                <span class="muted">{{ item.at | dateTime }}</span>
              }
            </div>
            <p class="text">{{ item.text }}</p>
          </li>
        } @empty {
          <li class="muted">{{ 'trafficCop.loading' | t }}</li>
        }
      </ul>
      <div class="actions">
        <button mat-stroked-button type="button" (click)="dismiss.emit()" data-testid="traffic-cop-back">
          {{ 'trafficCop.back' | t }}
        </button>
        <button
          mat-flat-button
          type="button"
          [disabled]="busy()"
          (click)="confirm.emit()"
          data-testid="traffic-cop-confirm"
          #confirmButton
        >
          {{ 'trafficCop.confirm' | t }}
        </button>
      </div>
    </section>
  `,
  styles: `
    .traffic-cop {
      border: 2px solid var(--mat-sys-error, #b3261e);
      border-radius: 8px;
      padding: 12px 16px;
      margin: 8px 0;
    }
    h3 {
      margin: 0 0 4px;
    }
    ul {
      list-style: none;
      margin: 8px 0;
      padding: 0;
      display: grid;
      gap: 8px;
    }
    li {
      border-left: 4px solid var(--mat-sys-outline, #888);
      padding: 4px 8px;
    }
    li.inbound {
      border-left-color: var(--mat-sys-primary, #3f51b5);
    }
    .meta {
      display: flex;
      gap: 8px;
      flex-wrap: wrap;
    }
    .text {
      white-space: pre-line;
      margin: 4px 0 0;
      max-height: 12em;
      overflow: auto;
    }
    .actions {
      display: flex;
      gap: 8px;
      justify-content: flex-end;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TrafficCop {
  readonly items = input.required<readonly TicketNews[]>();
  readonly busy = input(false);
  readonly confirm = output<void>();
  readonly dismiss = output<void>();

  constructor() {
    // Keyboard users land on the choice at once.
    const host = inject<ElementRef<HTMLElement>>(ElementRef);
    afterNextRender(() =>
      host.nativeElement.querySelector<HTMLButtonElement>('[data-testid="traffic-cop-back"]')?.focus(),
    );
  }
}
