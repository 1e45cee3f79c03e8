import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';

import { readApiError } from '../../api/api-error';
import {
  MailboxesApi,
  type ConnectionCheck,
  type ConnectionTestResult,
  type Mailbox,
} from '../../api/mailboxes-api';
import { Notifier } from '../../core/notifier';
import { TranslatePipe } from '../../i18n/translate-pipe';

/** 接続テスト: logs in to the saved IMAP and SMTP servers and says what went wrong, in words. */
@Component({
  selector: 'mg-connection-test',
  imports: [MatButtonModule, MatIconModule, MatProgressBarModule, TranslatePipe],
  template: `
    <section class="panel">
      <header class="head">
        <h3>{{ 'settings.mailbox.test' | t }}</h3>
        <span class="spacer"></span>
        <button
          mat-stroked-button
          type="button"
          [disabled]="testing()"
          (click)="runTest()"
          data-testid="mailbox-test"
        >
          {{ 'settings.mailbox.test' | t }}
        </button>
      </header>
      @if (unsaved()) {
        <p class="muted small" data-testid="mailbox-test-unsaved">
          {{ 'settings.mailbox.testSavedOnly' | t }}
        </p>
      }
      <div class="progress">
        @if (testing()) {
          <mat-progress-bar mode="indeterminate" />
        }
      </div>
      @if (error(); as error) {
        <p class="error-text" role="alert" data-testid="mailbox-test-error">{{ error }}</p>
      }
      @if (result(); as result) {
        <dl class="results" role="status">
          @for (row of rows(result); track row.label) {
            <dt>{{ row.label }}</dt>
            <dd [attr.data-testid]="'mailbox-test-' + row.key">
              @if (row.check === null) {
                <span class="muted">{{ 'settings.mailbox.notConfigured' | t }}</span>
              } @else if (row.check.ok) {
                <span class="ok"
                  ><mat-icon svgIcon="ok" class="icon" />{{ 'settings.mailbox.testOk' | t }}</span
                >
              } @else {
                <span class="failed">
                  <mat-icon svgIcon="error" class="icon" />
                  <span>{{ row.check.error || ('settings.mailbox.testFailed' | t) }}</span>
                </span>
              }
            </dd>
          }
        </dl>
      }
    </section>
  `,
  styles: `
    .panel {
      display: flex;
      flex-direction: column;
      gap: 4px;
      padding: 12px 16px;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
    }
    .head {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    h3 {
      margin: 0;
      font: var(--mat-sys-title-small);
    }
    .small {
      margin: 0;
      font: var(--mat-sys-body-small);
    }
    .results {
      display: grid;
      grid-template-columns: max-content minmax(0, 1fr);
      gap: 8px 12px;
      margin: 0;
    }
    dd {
      margin: 0;
    }
    .ok,
    .failed {
      display: inline-flex;
      align-items: flex-start;
      gap: 4px;
      overflow-wrap: anywhere;
    }
    .ok {
      color: #1b6e2a;
      font-weight: 600;
    }
    .failed {
      color: var(--mat-sys-error);
    }
    .icon {
      flex: 0 0 auto;
      width: 18px;
      height: 18px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConnectionTest {
  private readonly api = inject(MailboxesApi);
  private readonly notifier = inject(Notifier);

  readonly mailbox = input.required<Mailbox>();
  /** The form has changes the test would not see (it tries the saved settings). */
  readonly unsaved = input(false);

  protected readonly testing = signal(false);
  protected readonly result = signal<ConnectionTestResult | null>(null);
  protected readonly error = signal<string | null>(null);

  /** What the test depends on: another mailbox, or newly saved settings, make the last result stale. */
  private readonly settings = computed(
    () => {
      const { id, imap, smtp } = this.mailbox();
      return { id, imap, smtp };
    },
    { equal: (a, b) => a.id === b.id && a.imap === b.imap && a.smtp === b.smtp },
  );

  constructor() {
    effect(() => {
      this.settings();
      this.result.set(null);
      this.error.set(null);
    });
  }

  protected rows(
    result: ConnectionTestResult,
  ): { key: string; label: string; check: ConnectionCheck | null }[] {
    return [
      { key: 'imap', label: 'IMAP', check: result.imap },
      { key: 'smtp', label: 'SMTP', check: result.smtp },
    ];
  }

  protected runTest(): void {
    this.testing.set(true);
    this.result.set(null);
    this.error.set(null);
    this.api.testConnection(this.mailbox().id).subscribe({
      next: (result) => {
        this.testing.set(false);
        this.result.set(result);
      },
      error: (error: unknown) => {
        this.testing.set(false);
        this.error.set(this.notifier.describe(readApiError(error)));
      },
    });
  }
}
