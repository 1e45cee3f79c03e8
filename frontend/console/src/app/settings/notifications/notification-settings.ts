import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatProgressBarModule } from '@angular/material/progress-bar';

import { NotificationPreferencesApi } from '../../api/notifications-api';
import { Notifier } from '../../core/notifier';
import { I18n, type Message } from '../../i18n/i18n';
import { TranslatePipe } from '../../i18n/translate-pipe';

/**
 * 通知設定: the signed-in user's own choice of notices by mail (every user, not only admins).
 * In-app notices always come; these add a mail for an assignment and for a mention.
 */
@Component({
  selector: 'mg-notification-settings',
  imports: [ReactiveFormsModule, MatButtonModule, MatCheckboxModule, MatProgressBarModule, TranslatePipe],
  template: `
    <section class="page notification-settings">
      <h1>{{ 'notificationSettings.title' | t }}</h1>
      <div class="progress">
        @if (loading()) {
          <mat-progress-bar mode="indeterminate" />
        }
      </div>
      @if (loadError(); as error) {
        <p class="error-text" role="alert" data-testid="notification-settings-error">{{ i18n.render(error) }}</p>
      }
      <p class="muted">{{ 'notificationSettings.hint' | t }}</p>
      <form [formGroup]="form" (ngSubmit)="save()" novalidate>
        <p>
          <mat-checkbox formControlName="mailOnAssign" data-testid="pref-mail-on-assign">
            {{ 'notificationSettings.mailOnAssign' | t }}
          </mat-checkbox>
        </p>
        <p>
          <mat-checkbox formControlName="mailOnMention" data-testid="pref-mail-on-mention">
            {{ 'notificationSettings.mailOnMention' | t }}
          </mat-checkbox>
        </p>
        <div class="actions">
          <button mat-flat-button type="submit" [disabled]="saving() || loading()" data-testid="notification-settings-save">
            {{ 'common.save' | t }}
          </button>
        </div>
      </form>
    </section>
  `,
  styles: `
    .notification-settings {
      max-width: 640px;
    }
    .progress {
      min-height: 4px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotificationSettings {
  private readonly api = inject(NotificationPreferencesApi);
  private readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);

  protected readonly form = inject(NonNullableFormBuilder).group({ mailOnAssign: [false], mailOnMention: [false] });
  protected readonly loading = signal(true);
  protected readonly saving = signal(false);
  protected readonly loadError = signal<Message | null>(null);

  constructor() {
    this.api.get().subscribe({
      next: (prefs) => {
        this.form.reset(prefs);
        this.loading.set(false);
      },
      error: (error: unknown) => {
        this.loadError.set(this.notifier.message(error));
        this.loading.set(false);
      },
    });
  }

  protected save(): void {
    this.saving.set(true);
    this.api.save(this.form.getRawValue()).subscribe({
      next: (prefs) => {
        this.saving.set(false);
        this.form.reset(prefs);
        this.notifier.success('notificationSettings.saved');
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.notifier.error(error);
      },
    });
  }
}
