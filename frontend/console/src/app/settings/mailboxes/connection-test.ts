import { ChangeDetectionStrategy, Component, effect, inject, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';

import { readApiError } from '../../api/api-error';
import {
  MailboxesApi,
  type ConnectionCheck,
  type ConnectionTestResult,
  type ImapSettingsInput,
  type SmtpSettingsInput,
} from '../../api/mailboxes-api';
import { Notifier } from '../../core/notifier';
import { I18n } from '../../i18n/i18n';
import { TranslatePipe } from '../../i18n/translate-pipe';
import { verdictMessage, type TestedEndpoint } from './intake-labels';

/** The form's connection settings as they stand, saved or not. */
export interface ConnectionTestDraft {
  /** null: the section is switched off (not tested). */
  imap: ImapSettingsInput | null;
  smtp: SmtpSettingsInput | null;
}

interface TestedRow {
  key: 'imap' | 'smtp';
  label: string;
  check: ConnectionCheck | null;
  at: TestedEndpoint | null;
}

/**
 * 接続テスト: logs in to the IMAP and SMTP servers as the form holds them, before anything is
 * saved (a new mailbox too), and says what it found in words of ours, chosen by the verdict.
 */
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
          [disabled]="testing() || !hasSections()"
          (click)="runTest()"
          data-testid="mailbox-test"
        >
          {{ 'settings.mailbox.test' | t }}
        </button>
      </header>
      <p class="muted small" data-testid="mailbox-test-hint">
        {{ (hasSections() ? 'intake.test.hint' : 'intake.test.nothing') | t }}
      </p>
      <div class="progress">
        @if (testing()) {
          <mat-progress-bar mode="indeterminate" />
        }
      </div>
      @if (error(); as error) {
        <p class="error-text" role="alert" data-testid="mailbox-test-error">{{ error }}</p>
      }
      @if (rows(); as rows) {
        <dl class="results" role="status">
          @for (row of rows; track row.key) {
            <dt>{{ row.label }}</dt>
            <dd [attr.data-testid]="'mailbox-test-' + row.key" [attr.data-verdict]="row.check?.verdict">
              @if (row.check === null || row.at === null) {
                <span class="muted">{{ 'settings.mailbox.notConfigured' | t }}</span>
              } @else if (row.check.ok) {
                <span class="ok"
                  ><mat-icon svgIcon="ok" class="icon" />{{ 'settings.mailbox.testOk' | t }}</span
                >
              } @else {
                <span class="failed">
                  <mat-icon svgIcon="error" class="icon" />
                  <span>{{ verdictText(row) }}</span>
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
  private readonly i18n = inject(I18n);

  /** The saved mailbox whose changes are tried; absent for a new one. */
  readonly mailboxId = input<number>();
  readonly draft = input.required<ConnectionTestDraft>();
  /** Asked before each test: false when the form's settings do not pass its own checks yet. */
  readonly ready = input<() => boolean>(() => true);

  protected readonly testing = signal(false);
  protected readonly rows = signal<TestedRow[] | null>(null);
  protected readonly error = signal<string | null>(null);

  constructor() {
    // A result describes the settings it tried: once the form changes it no longer does.
    effect(() => {
      this.draft();
      this.mailboxId();
      this.rows.set(null);
      this.error.set(null);
    });
  }

  protected hasSections(): boolean {
    const { imap, smtp } = this.draft();
    return imap !== null || smtp !== null;
  }

  protected verdictText(row: TestedRow): string {
    return row.check && row.at ? this.i18n.render(verdictMessage(row.check, row.key, row.at)) : '';
  }

  protected runTest(): void {
    const draft = this.draft();
    this.rows.set(null);
    this.error.set(null);
    if (!this.ready()()) {
      this.error.set(this.i18n.t('intake.test.invalid'));
      return;
    }
    const settings = { imap: draft.imap, smtp: draft.smtp };
    const id = this.mailboxId();
    this.testing.set(true);
    (id === undefined ? this.api.testUnsaved(settings) : this.api.testConnection(id, settings)).subscribe({
      next: (result) => {
        this.testing.set(false);
        this.rows.set(testedRows(result, draft));
      },
      error: (error: unknown) => {
        this.testing.set(false);
        const apiError = readApiError(error);
        // A changed host or user does not get the stored password (the server refuses to carry it).
        this.error.set(
          apiError.fields['imap.password'] || apiError.fields['smtp.password']
            ? this.i18n.t('intake.test.passwordNeeded')
            : this.notifier.describe(apiError),
        );
      },
    });
  }
}

function testedRows(result: ConnectionTestResult, draft: ConnectionTestDraft): TestedRow[] {
  return [
    {
      key: 'imap',
      label: 'IMAP',
      check: result.imap,
      at: draft.imap ? { host: draft.imap.host, port: draft.imap.port, folder: draft.imap.folder } : null,
    },
    {
      key: 'smtp',
      label: 'SMTP',
      check: result.smtp,
      at: draft.smtp ? { host: draft.smtp.host, port: draft.smtp.port } : null,
    },
  ];
}
