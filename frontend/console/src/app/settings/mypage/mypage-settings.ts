import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { forkJoin } from 'rxjs';

import { MailboxesApi, type Mailbox } from '../../api/mailboxes-api';
import { FALLBACK_RECIPIENTS_MAX, MypageApi, type MypageSettings } from '../../api/mypage-api';
import { StaffApi, type Staff } from '../../api/staff-api';
import { clearServerErrors, saveErrorMessage, validationMessage } from '../../core/form-errors';
import { Notifier } from '../../core/notifier';
import { I18n, type Message } from '../../i18n/i18n';
import { TranslatePipe } from '../../i18n/translate-pipe';

/**
 * MYPAGE settings: the mailbox whose tickets hold the portal's threads (and whose account sends
 * its mails), whether customers may start threads, and who is told of a post by a customer
 * without a 担当. Also says where customers find the portal.
 */
@Component({
  selector: 'mg-mypage-settings',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    TranslatePipe,
  ],
  template: `
    <div class="tab-page">
      <div class="progress">
        @if (loading()) {
          <mat-progress-bar mode="indeterminate" />
        }
      </div>
      @if (loadError(); as error) {
        <p class="error-text" role="alert" data-testid="mypage-settings-load-error">
          {{ i18n.render(error) }}
        </p>
      } @else if (!loading()) {
        <p class="muted">
          {{ 'settings.mypage.portalUrl' | t }}
          <a [href]="portalUrl" target="_blank" rel="noopener" data-testid="mypage-settings-portal-url">{{
            portalUrl
          }}</a>
        </p>
        <form [formGroup]="form" (ngSubmit)="save()" novalidate data-testid="mypage-settings-form">
          <mat-form-field class="wide">
            <mat-label>{{ 'settings.mypage.mailbox' | t }}</mat-label>
            <mat-select formControlName="mailboxId" data-testid="mypage-settings-mailbox">
              <mat-option [value]="0" data-testid="mypage-settings-mailbox-default">{{
                'settings.mypage.mailboxDefault' | t: { name: defaultMailboxName() }
              }}</mat-option>
              @for (m of mailboxes(); track m.id) {
                <mat-option [value]="m.id" [attr.data-testid]="'mypage-settings-mailbox-' + m.id"
                  >{{ m.name }} &lt;{{ m.address }}&gt;</mat-option
                >
              }
            </mat-select>
            <mat-hint>{{ 'settings.mypage.mailboxHint' | t }}</mat-hint>
            <mat-error data-testid="mypage-settings-mailbox-error">{{ fieldError('mailboxId') }}</mat-error>
          </mat-form-field>

          <mat-slide-toggle
            formControlName="customersMayStartThreads"
            data-testid="mypage-settings-may-start"
            >{{ 'settings.mypage.customersMayStart' | t }}</mat-slide-toggle
          >
          <p class="muted hint">{{ 'settings.mypage.customersMayStartHint' | t }}</p>

          <mat-form-field class="wide">
            <mat-label>{{ 'settings.mypage.fallback' | t }}</mat-label>
            <mat-select formControlName="fallbackRecipients" multiple data-testid="mypage-settings-fallback">
              @for (s of staff(); track s.id) {
                <mat-option [value]="s.id" [attr.data-testid]="'mypage-settings-fallback-' + s.id"
                  >{{ s.name }}（{{ s.email }}）</mat-option
                >
              }
            </mat-select>
            <mat-hint>{{ 'settings.mypage.fallbackHint' | t: { max: maxRecipients } }}</mat-hint>
            <mat-error data-testid="mypage-settings-fallback-error">{{
              fieldError('fallbackRecipients')
            }}</mat-error>
          </mat-form-field>

          @if (saveError(); as error) {
            <p class="error-text pre-line" role="alert" data-testid="mypage-settings-error">
              {{ i18n.render(error) }}
            </p>
          }
          <div class="actions">
            <button mat-flat-button type="submit" [disabled]="saving()" data-testid="mypage-settings-save">
              {{ 'common.save' | t }}
            </button>
          </div>
        </form>
      }
    </div>
  `,
  styles: `
    .progress {
      height: 4px;
    }
    form {
      display: flex;
      flex-direction: column;
      gap: 8px;
      max-width: 640px;
    }
    .wide {
      width: 100%;
    }
    .hint {
      margin: 0 0 16px;
    }
    .actions {
      display: flex;
      justify-content: flex-end;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MypageSettingsPanel {
  private readonly api = inject(MypageApi);
  private readonly mailboxesApi = inject(MailboxesApi);
  private readonly staffApi = inject(StaffApi);
  private readonly fb = inject(NonNullableFormBuilder);
  private readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);

  protected readonly maxRecipients = FALLBACK_RECIPIENTS_MAX;
  protected readonly portalUrl = `${location.origin}/mypage`;
  protected readonly form = this.fb.group({
    /** 0: none chosen (mat-select shows no option for null). */
    mailboxId: this.fb.control(0),
    customersMayStartThreads: this.fb.control(false),
    fallbackRecipients: this.fb.control<number[]>([]),
  });
  protected readonly loading = signal(true);
  protected readonly saving = signal(false);
  protected readonly loadError = signal<Message | null>(null);
  protected readonly saveError = signal<Message | null>(null);
  protected readonly mailboxes = signal<Mailbox[]>([]);
  protected readonly staff = signal<Staff[]>([]);
  /** What "no choice" means today: the oldest active mailbox (the server's rule). */
  protected readonly defaultMailboxName = computed(() => {
    const first = this.mailboxes()
      .filter((m) => m.active)
      .sort((a, b) => a.id - b.id)[0];
    return first ? first.name : '—';
  });

  constructor() {
    forkJoin({
      settings: this.api.settings(),
      mailboxes: this.mailboxesApi.list(),
      staff: this.staffApi.list(),
    }).subscribe({
      next: ({ settings, mailboxes, staff }) => {
        this.mailboxes.set(mailboxes);
        this.staff.set(staff);
        this.apply(settings);
        this.loading.set(false);
      },
      error: (error: unknown) => {
        this.loadError.set(this.notifier.message(error));
        this.loading.set(false);
      },
    });
  }

  protected fieldError(name: 'mailboxId' | 'fallbackRecipients'): string {
    return validationMessage(this.form.controls[name], this.i18n);
  }

  protected save(): void {
    this.saveError.set(null);
    clearServerErrors(this.form);
    const value = this.form.getRawValue();
    if (value.fallbackRecipients.length > FALLBACK_RECIPIENTS_MAX) {
      this.saveError.set({
        key: 'settings.mypage.tooManyRecipients',
        params: { max: FALLBACK_RECIPIENTS_MAX },
      });
      return;
    }
    this.saving.set(true);
    this.api.saveSettings({ ...value, mailboxId: value.mailboxId || null }).subscribe({
      next: (saved) => {
        this.saving.set(false);
        this.apply(saved);
        this.notifier.success('settings.mypage.saved');
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.saveError.set(saveErrorMessage(this.form, error, this.i18n));
      },
    });
  }

  private apply(s: MypageSettings): void {
    this.form.setValue({
      mailboxId: s.mailboxId ?? 0,
      customersMayStartThreads: s.customersMayStartThreads,
      fallbackRecipients: s.fallbackRecipients,
    });
    this.form.markAsPristine();
  }
}
