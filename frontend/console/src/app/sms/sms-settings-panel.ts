import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { rxResource, toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators, type AbstractControl, type ValidationErrors } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatRadioModule } from '@angular/material/radio';
import { MatSelectModule } from '@angular/material/select';

import { readApiError } from '../api/api-error';
import { MailboxesApi, type Mailbox } from '../api/mailboxes-api';
import { SmsApi, type SmsProviderKind, type SmsSettings, type SmsSettingsInput, type SmsTestResult } from '../api/sms-api';
import { clearServerErrors, dropBannerWhenFixed, showServerErrors, validationMessage } from '../core/form-errors';
import { Notifier } from '../core/notifier';
import { UnsavedChanges } from '../core/unsaved-changes';
import { I18n, type Message } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';

const PROVIDERS: readonly SmsProviderKind[] = ['local', 'gateway', 'twilio'];
const MAX_NOTIFY = 5;
/** One address: something@something, no spaces; the server checks the same. */
const ADDRESS = /^[^\s@;]+@[^\s@;]+$/;

/** 「a@x;b@y」: at most five addresses separated by `;`, each an address. */
function notifyAddresses(control: AbstractControl<string>): ValidationErrors | null {
  const list = control.value
    .split(';')
    .map((a) => a.trim())
    .filter(Boolean);
  if (list.length > MAX_NOTIFY) return { tooManyAddresses: true };
  const bad = list.filter((a) => !ADDRESS.test(a));
  return bad.length ? { badAddresses: bad.join(', ') } : null;
}

/**
 * SMS送信設定 (the SMS-settings right): the provider and its credentials (write-only: the form
 * shows only whether one is set), the webhook URLs Twilio must be given, the send dialog's
 * confirmation and result, the notification addresses and the mailbox SMS tickets belong to;
 * 「接続テスト」 tries the saved settings and says in words what went wrong.
 */
@Component({
  selector: 'mg-sms-settings-panel',
  imports: [ReactiveFormsModule, MatButtonModule, MatCheckboxModule, MatFormFieldModule, MatInputModule, MatProgressBarModule, MatRadioModule, MatSelectModule, TranslatePipe],
  template: `
    <div class="progress">
      @if (settings.isLoading() || saving() || testing()) {
        <mat-progress-bar mode="indeterminate" />
      }
    </div>
    @if (settings.error()) {
      <p class="error-text" role="alert">{{ notifier.describe(readError(settings.error())) }}</p>
    }
    <form [formGroup]="form" (ngSubmit)="save()" novalidate class="settings" data-testid="sms-settings-form">
      <fieldset>
        <legend>{{ 'sms.settings.provider' | t }}</legend>
        <mat-radio-group formControlName="provider" class="providers" data-testid="sms-settings-provider">
          @for (p of providers; track p) {
            <mat-radio-button [value]="p" [attr.data-testid]="'sms-settings-provider-' + p">{{ providerLabel(p) | t }}</mat-radio-button>
          }
        </mat-radio-group>
        <p class="muted">{{ providerHint() | t }}</p>
      </fieldset>

      @if (provider() === 'gateway') {
        <fieldset formGroupName="gateway" data-testid="sms-settings-gateway">
          <legend>{{ 'sms.settings.gateway' | t }}</legend>
          <mat-form-field>
            <mat-label>{{ 'sms.settings.baseUrl' | t }}</mat-label>
            <input matInput formControlName="baseUrl" type="url" autocomplete="off" data-testid="sms-settings-gateway-url" />
            <mat-error>{{ errorText('gateway.baseUrl') }}</mat-error>
          </mat-form-field>
          <mat-form-field>
            <mat-label>{{ 'sms.settings.token' | t }}</mat-label>
            <input matInput formControlName="token" type="password" autocomplete="new-password" [placeholder]="gatewayTokenSet() ? ('sms.settings.secretSet' | t) : ''" data-testid="sms-settings-gateway-token" />
            <mat-hint>{{ (gatewayTokenSet() ? 'sms.settings.secretKeep' : 'sms.settings.secretRequired') | t }}</mat-hint>
            <mat-error>{{ errorText('gateway.token') }}</mat-error>
          </mat-form-field>
          <mat-form-field>
            <mat-label>{{ 'sms.settings.sender' | t }}</mat-label>
            <input matInput formControlName="sender" maxlength="20" autocomplete="off" data-testid="sms-settings-gateway-sender" />
            <mat-error>{{ errorText('gateway.sender') }}</mat-error>
          </mat-form-field>
          @if (settings.value()?.gateway?.inboundWebhookUrl; as inbound) {
            <div class="webhooks" data-testid="sms-settings-gateway-webhooks">
              <p>{{ 'sms.settings.gatewayWebhooks' | t }}</p>
              <dl>
                <dt>{{ 'sms.settings.inboundWebhook' | t }}</dt>
                <dd><code>{{ inbound }}</code></dd>
                <dt>{{ 'sms.settings.statusWebhook' | t }}</dt>
                <dd><code>{{ settings.value()?.gateway?.statusWebhookUrl }}</code></dd>
              </dl>
            </div>
          }
        </fieldset>
      }

      @if (provider() === 'twilio') {
        <fieldset formGroupName="twilio" data-testid="sms-settings-twilio">
          <legend>Twilio</legend>
          <mat-form-field>
            <mat-label>Account SID</mat-label>
            <input matInput formControlName="accountSid" autocomplete="off" data-testid="sms-settings-twilio-sid" />
            <mat-error>{{ errorText('twilio.accountSid') }}</mat-error>
          </mat-form-field>
          <mat-form-field>
            <mat-label>Auth Token</mat-label>
            <input matInput formControlName="authToken" type="password" autocomplete="new-password" [placeholder]="twilioTokenSet() ? ('sms.settings.secretSet' | t) : ''" data-testid="sms-settings-twilio-token" />
            <mat-hint>{{ (twilioTokenSet() ? 'sms.settings.secretKeep' : 'sms.settings.secretRequired') | t }}</mat-hint>
            <mat-error>{{ errorText('twilio.authToken') }}</mat-error>
          </mat-form-field>
          <mat-form-field>
            <mat-label>{{ 'sms.settings.from' | t }}</mat-label>
            <input matInput formControlName="from" autocomplete="off" placeholder="+815012345678" data-testid="sms-settings-twilio-from" />
            <mat-hint>{{ 'sms.settings.fromHint' | t }}</mat-hint>
            <mat-error>{{ errorText('twilio.from') }}</mat-error>
          </mat-form-field>
          <mat-form-field>
            <mat-label>Messaging Service SID</mat-label>
            <input matInput formControlName="messagingServiceSid" autocomplete="off" data-testid="sms-settings-twilio-service" />
            <mat-error>{{ errorText('twilio.messagingServiceSid') }}</mat-error>
          </mat-form-field>
          <mat-form-field>
            <mat-label>{{ 'sms.settings.baseUrl' | t }}</mat-label>
            <input matInput formControlName="baseUrl" type="url" autocomplete="off" data-testid="sms-settings-twilio-url" />
            <mat-hint>{{ 'sms.settings.baseUrlHint' | t }}</mat-hint>
            <mat-error>{{ errorText('twilio.baseUrl') }}</mat-error>
          </mat-form-field>
          @if (settings.value(); as s) {
            <div class="webhooks" data-testid="sms-settings-webhooks">
              <p>{{ 'sms.settings.webhooks' | t }}</p>
              <dl>
                <dt>{{ 'sms.settings.inboundWebhook' | t }}</dt>
                <dd><code data-testid="sms-settings-inbound-url">{{ s.twilio.inboundWebhookUrl }}</code></dd>
                <dt>{{ 'sms.settings.statusWebhook' | t }}</dt>
                <dd><code data-testid="sms-settings-status-url">{{ s.twilio.statusWebhookUrl }}</code></dd>
              </dl>
            </div>
          }
        </fieldset>
      }

      <fieldset>
        <legend>{{ 'sms.settings.sending' | t }}</legend>
        <mat-checkbox formControlName="confirmBeforeSend" data-testid="sms-settings-confirm">{{ 'sms.settings.confirmBeforeSend' | t }}</mat-checkbox>
        <mat-checkbox formControlName="showResultAfterSend" data-testid="sms-settings-result">{{ 'sms.settings.showResultAfterSend' | t }}</mat-checkbox>
        <mat-form-field>
          <mat-label>{{ 'sms.settings.notifyAddresses' | t }}</mat-label>
          <input matInput formControlName="notifyAddresses" autocomplete="off" placeholder="a@example.jp;b@example.jp" data-testid="sms-settings-notify" />
          <mat-hint>{{ 'sms.settings.notifyHint' | t }}</mat-hint>
          <mat-error data-testid="sms-settings-notify-error">{{ errorText('notifyAddresses') }}</mat-error>
        </mat-form-field>
        <mat-form-field>
          <mat-label>{{ 'sms.settings.mailbox' | t }}</mat-label>
          <mat-select formControlName="mailboxId" data-testid="sms-settings-mailbox">
            <mat-option [value]="0" data-testid="sms-settings-mailbox-first">{{ 'sms.settings.firstMailbox' | t }}</mat-option>
            @for (m of mailboxes.value(); track m.id) {
              <mat-option [value]="m.id">{{ m.name }}</mat-option>
            }
          </mat-select>
          <mat-hint>{{ 'sms.settings.mailboxHint' | t }}</mat-hint>
          <mat-error>{{ errorText('mailboxId') }}</mat-error>
        </mat-form-field>
      </fieldset>

      @if (formError(); as error) {
        <p class="error-text pre-line" role="alert" data-testid="sms-settings-error">{{ i18n.render(error) }}</p>
      }
      @if (testResult(); as r) {
        <p [class]="r.ok ? 'ok-text' : 'error-text'" role="status" data-testid="sms-settings-test-result">
          @if (r.ok) {
            {{ 'sms.settings.testOk' | t: { provider: (providerLabel(r.provider ?? 'local') | t) } }}
          } @else {
            {{ testFailure(r) }}
          }
        </p>
      }
      <div class="actions">
        <button mat-stroked-button type="button" (click)="test()" [disabled]="testing() || dirty()" data-testid="sms-settings-test">{{ 'sms.settings.test' | t }}</button>
        @if (dirty()) {
          <span class="muted">{{ 'sms.settings.saveBeforeTest' | t }}</span>
        }
        <span class="spacer"></span>
        <button mat-flat-button type="submit" [disabled]="saving() || !settings.hasValue()" data-testid="sms-settings-save">{{ 'common.save' | t }}</button>
      </div>
    </form>
  `,
  styles: `
    .settings {
      display: flex;
      flex-direction: column;
      gap: 12px;
      max-width: 720px;
      margin-top: 16px;
    }
    fieldset {
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
      padding: 8px 16px 12px;
      display: flex;
      flex-direction: column;
      gap: 4px;
      min-width: 0;
    }
    legend {
      font: var(--mat-sys-title-small);
      padding: 0 4px;
    }
    .providers {
      display: flex;
      flex-wrap: wrap;
      gap: 8px 16px;
    }
    .webhooks code {
      overflow-wrap: anywhere;
      user-select: all;
    }
    .webhooks dd {
      margin: 0 0 8px;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      align-items: center;
    }
    .spacer {
      flex: 1 1 auto;
    }
    .ok-text {
      color: var(--mat-sys-primary);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SmsSettingsPanel {
  private readonly api = inject(SmsApi);
  protected readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);
  protected readonly providers = PROVIDERS;
  protected readonly readError = readApiError;
  protected readonly form = inject(NonNullableFormBuilder).group({
    provider: ['local' as SmsProviderKind],
    twilio: inject(NonNullableFormBuilder).group({
      accountSid: ['', Validators.pattern(/^[A-Za-z0-9]{2,64}$/)],
      authToken: ['', Validators.maxLength(128)],
      from: [''],
      messagingServiceSid: ['', Validators.pattern(/^[A-Za-z0-9]{2,64}$/)],
      baseUrl: ['', [Validators.maxLength(255), Validators.pattern(/^https?:\/\/\S+$/)]],
    }),
    gateway: inject(NonNullableFormBuilder).group({
      baseUrl: ['', [Validators.maxLength(255), Validators.pattern(/^https?:\/\/\S+$/)]],
      token: ['', Validators.maxLength(512)],
      sender: ['', Validators.maxLength(20)],
    }),
    confirmBeforeSend: [true],
    showResultAfterSend: [true],
    notifyAddresses: ['', [Validators.maxLength(1300), notifyAddresses]],
    /** 0: the first mailbox (mat-select shows no label for a null option). */
    mailboxId: [0],
  });
  protected readonly provider = toSignal(this.form.controls.provider.valueChanges, { initialValue: this.form.controls.provider.value });
  private readonly status = toSignal(this.form.valueChanges, { initialValue: this.form.value });
  /** Whether the form differs from what is saved (a test tries the saved settings). */
  protected readonly dirty = computed(() => (this.status(), this.form.dirty));
  private readonly mailboxesApi = inject(MailboxesApi);
  protected readonly settings = rxResource({ stream: () => this.api.settings() });
  protected readonly mailboxes = rxResource({ stream: () => this.mailboxesApi.list(), defaultValue: [] as Mailbox[] });
  protected readonly gatewayTokenSet = computed(() => this.settings.value()?.gateway.tokenSet ?? false);
  protected readonly twilioTokenSet = computed(() => this.settings.value()?.twilio.authTokenSet ?? false);
  protected readonly saving = signal(false);
  protected readonly testing = signal(false);
  protected readonly testResult = signal<SmsTestResult | null>(null);
  protected readonly formError = signal<Message | null>(null);
  private readonly bannerWatch = dropBannerWhenFixed(this.form, this.formError);

  constructor() {
    inject(UnsavedChanges).watch(() => this.form.dirty);
    // What is saved fills the form (on load and after each save), never over unsaved typing.
    effect(() => {
      const s = this.settings.value();
      if (s && !untracked(() => this.form.dirty)) this.fill(s);
    });
  }

  private fill(s: SmsSettings): void {
    this.form.reset({
      provider: s.provider,
      twilio: { accountSid: s.twilio.accountSid ?? '', authToken: '', from: s.twilio.from ?? '', messagingServiceSid: s.twilio.messagingServiceSid ?? '', baseUrl: s.twilio.baseUrl },
      gateway: { baseUrl: s.gateway.baseUrl ?? '', token: '', sender: s.gateway.sender ?? '' },
      confirmBeforeSend: s.confirmBeforeSend,
      showResultAfterSend: s.showResultAfterSend,
      notifyAddresses: s.notifyAddresses,
      mailboxId: s.mailboxId ?? 0,
    });
  }

  protected providerLabel(p: SmsProviderKind): 'sms.settings.providerLocal' | 'sms.settings.providerGateway' | 'sms.settings.providerTwilio' {
    return p === 'local' ? 'sms.settings.providerLocal' : p === 'gateway' ? 'sms.settings.providerGateway' : 'sms.settings.providerTwilio';
  }

  protected providerHint(): 'sms.settings.localHint' | 'sms.settings.gatewayHint' | 'sms.settings.twilioHint' {
    const p = this.provider();
    return p === 'local' ? 'sms.settings.localHint' : p === 'gateway' ? 'sms.settings.gatewayHint' : 'sms.settings.twilioHint';
  }

  protected errorText(path: string): string {
    const control = this.form.get(path);
    if (!control) return '';
    const errors = control.errors;
    if (errors?.['tooManyAddresses']) return this.i18n.t('sms.settings.tooManyAddresses', { max: MAX_NOTIFY });
    if (errors?.['badAddresses']) return this.i18n.t('sms.settings.badAddresses', { addresses: errors['badAddresses'] });
    return validationMessage(control, this.i18n);
  }

  protected testFailure(r: SmsTestResult): string {
    return this.notifier.describeCode(r.code ?? 'SMS_PROVIDER_ERROR');
  }

  protected save(): void {
    this.formError.set(null);
    this.testResult.set(null);
    clearServerErrors(this.form);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.formError.set({ key: 'validation.fixErrors' });
      return;
    }
    const v = this.form.getRawValue();
    const input: SmsSettingsInput = {
      provider: v.provider,
      confirmBeforeSend: v.confirmBeforeSend,
      showResultAfterSend: v.showResultAfterSend,
      notifyAddresses: v.notifyAddresses.trim(),
      mailboxId: v.mailboxId || null,
    };
    // Only the chosen provider's fields are sent; a blank secret keeps the stored one.
    if (v.provider === 'twilio') {
      input.twilio = {
        accountSid: v.twilio.accountSid.trim(),
        from: v.twilio.from.trim() || null,
        messagingServiceSid: v.twilio.messagingServiceSid.trim() || null,
        ...(v.twilio.baseUrl.trim() ? { baseUrl: v.twilio.baseUrl.trim() } : {}),
        ...(v.twilio.authToken ? { authToken: v.twilio.authToken } : {}),
      };
    }
    if (v.provider === 'gateway') {
      input.gateway = {
        baseUrl: v.gateway.baseUrl.trim(),
        sender: v.gateway.sender.trim(),
        ...(v.gateway.token ? { token: v.gateway.token } : {}),
      };
    }
    this.saving.set(true);
    this.api.saveSettings(input).subscribe({
      next: (saved) => {
        this.saving.set(false);
        this.form.markAsPristine();
        this.settings.set(saved);
        this.notifier.success('sms.settings.saved');
      },
      error: (error: unknown) => {
        this.saving.set(false);
        const apiError = readApiError(error);
        this.formError.set(apiError.status === 400 ? showServerErrors(this.form, apiError, this.i18n) : { text: this.notifier.describe(apiError) });
      },
    });
  }

  protected test(): void {
    this.testing.set(true);
    this.testResult.set(null);
    this.api.testSettings().subscribe({
      next: (r) => {
        this.testing.set(false);
        this.testResult.set(r);
      },
      error: (error: unknown) => {
        this.testing.set(false);
        this.formError.set({ text: this.notifier.describe(readApiError(error)) });
      },
    });
  }
}
