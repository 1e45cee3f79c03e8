import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';

import { MAX_SIGNATURE_LENGTH, SignatureApi } from '../../api/signature-api';
import { validationMessage } from '../../core/form-errors';
import { Notifier } from '../../core/notifier';
import { UnsavedChanges } from '../../core/unsaved-changes';
import { I18n } from '../../i18n/i18n';
import { TranslatePipe } from '../../i18n/translate-pipe';

/** 個人設定: what each user sets for themselves (their signature), open to every signed-in user. */
@Component({
  selector: 'mg-profile-settings',
  imports: [ReactiveFormsModule, MatButtonModule, MatFormFieldModule, MatInputModule, TranslatePipe],
  template: `
    <section class="page">
      <h1>{{ 'profile.title' | t }}</h1>
      <form [formGroup]="form" (ngSubmit)="save()" novalidate data-testid="profile-form">
        <mat-form-field class="signature">
          <mat-label>{{ 'profile.signature' | t }}</mat-label>
          <textarea matInput formControlName="signature" rows="6" data-testid="profile-signature"></textarea>
          <mat-hint>{{ 'profile.signatureHint' | t: { max: max } }}</mat-hint>
          <mat-hint align="end">{{ form.controls.signature.value.length }} / {{ max }}</mat-hint>
          <mat-error data-testid="profile-signature-error">{{ error() }}</mat-error>
        </mat-form-field>
        <div class="actions">
          <button mat-flat-button type="submit" [disabled]="saving()" data-testid="profile-save">{{ 'profile.save' | t }}</button>
        </div>
      </form>
    </section>
  `,
  styles: `
    .page { padding: 16px; max-width: 720px; }
    .signature { width: 100%; }
    .actions { margin-top: 16px; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProfileSettings {
  private readonly api = inject(SignatureApi);
  private readonly notifier = inject(Notifier);
  private readonly i18n = inject(I18n);
  protected readonly max = MAX_SIGNATURE_LENGTH;
  protected readonly form = inject(NonNullableFormBuilder).group({ signature: ['', Validators.maxLength(MAX_SIGNATURE_LENGTH)] });
  protected readonly saving = signal(false);

  constructor() {
    inject(UnsavedChanges).watch(() => this.form.dirty && !this.saving());
    this.api.get().subscribe({
      next: (signature) => this.form.reset({ signature }),
      error: (e: unknown) => this.notifier.error(e),
    });
  }

  protected error(): string {
    return validationMessage(this.form.controls.signature, this.i18n);
  }

  protected save(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.saving.set(true);
    this.api.save(this.form.controls.signature.value).subscribe({
      next: (signature) => {
        this.saving.set(false);
        this.form.reset({ signature });
        this.notifier.success('profile.saved');
      },
      error: (e: unknown) => {
        this.saving.set(false);
        this.notifier.error(e);
      },
    });
  }
}
