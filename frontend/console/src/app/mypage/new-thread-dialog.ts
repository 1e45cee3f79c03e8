import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';

import { readApiError } from '../api/api-error';
import { MypageApi, THREAD_LABEL_MAX, THREAD_TITLE_MAX } from '../api/mypage-api';
import type { Upload } from '../api/uploads-api';
import { clearServerErrors, showServerErrors, validationMessage } from '../core/form-errors';
import { Notifier } from '../core/notifier';
import { UnsavedChanges } from '../core/unsaved-changes';
import { openCustomerSearchDialog, type PickedCustomer } from '../customers/customer-search-dialog';
import { I18n, type Message } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';
import { PostInputField, postInputOf, type PostKind } from './post-input';

export interface NewThreadDialogData {
  /** Opened from the karte: the owner is that customer and cannot be changed. */
  customer?: PickedCustomer;
  /** 「登録内容参照して新規登録」: owner, title, label and memo taken from this thread. */
  from?: { customer: PickedCustomer; title: string; label: string | null; memo: string | null };
}

export interface NewThreadResult {
  id: number;
  code: string;
}

export function openNewThreadDialog(dialog: MatDialog, data: NewThreadDialogData): MatDialogRef<NewThreadDialog, NewThreadResult> {
  return dialog.open<NewThreadDialog, NewThreadDialogData, NewThreadResult>(NewThreadDialog, {
    data,
    width: '720px',
    maxWidth: '96vw',
    autoFocus: '[data-testid="new-thread-title"]',
  });
}

/**
 * メッセージの新規作成: owner (お客様検索, or fixed when opened from the karte), title (required,
 * ≤ 100), label and memo (staff only, never shown to the customer) and the first post — a text,
 * one image or one file.
 */
@Component({
  selector: 'mg-new-thread-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    PostInputField,
    TranslatePipe,
  ],
  template: `
    <h2 mat-dialog-title>{{ (data.from ? 'mypageThreads.newFromTitle' : 'mypageThreads.newTitle') | t }}</h2>
    <form [formGroup]="form" (ngSubmit)="create()" novalidate data-testid="new-thread-form">
      <mat-dialog-content class="dialog-form">
        <div class="owner">
          <span class="owner-label">{{ 'mypageThreads.owner' | t }}</span>
          <span class="owner-value" data-testid="new-thread-owner">
            @if (owner(); as c) {
              {{ c.code }} : {{ c.name }}
            } @else {
              <span class="muted">{{ 'mypageThreads.ownerNone' | t }}</span>
            }
          </span>
          @if (!data.customer) {
            <button mat-stroked-button type="button" (click)="pickOwner()" [disabled]="saving()" data-testid="new-thread-owner-pick">
              <mat-icon svgIcon="search" />
              {{ 'mypageThreads.ownerPick' | t }}
            </button>
          }
        </div>
        @if (ownerMissing()) {
          <p class="error-text small" role="alert" data-testid="new-thread-owner-error">{{ 'mypageThreads.ownerRequired' | t }}</p>
        }
        <mat-form-field>
          <mat-label>{{ 'mypageThreads.threadTitle' | t }}</mat-label>
          <input matInput formControlName="title" required autocomplete="off" data-testid="new-thread-title" />
          <mat-hint align="end">{{ form.controls.title.value.length }} / {{ titleMax }}</mat-hint>
          <mat-error data-testid="new-thread-title-error">{{ errorText('title') }}</mat-error>
        </mat-form-field>
        <mat-form-field>
          <mat-label>{{ 'mypageThreads.label' | t }}</mat-label>
          <input matInput formControlName="label" autocomplete="off" data-testid="new-thread-label" />
          <mat-error>{{ errorText('label') }}</mat-error>
        </mat-form-field>
        <mat-form-field>
          <mat-label>{{ 'mypageThreads.memo' | t }}</mat-label>
          <textarea matInput formControlName="memo" rows="3" data-testid="new-thread-memo"></textarea>
          <mat-hint>{{ 'mypageThreads.internalHint' | t }}</mat-hint>
          <mat-error>{{ errorText('memo') }}</mat-error>
        </mat-form-field>
        <h3 class="post-heading">{{ 'mypageThreads.firstPost' | t }}</h3>
        <mg-post-input [(kind)]="postKind" [(text)]="postText" [(upload)]="postUpload" [(busy)]="uploading" [disabled]="saving()" />
        @if (postMissing()) {
          <p class="error-text small" role="alert" data-testid="new-thread-post-error">{{ 'mypagePost.required' | t }}</p>
        }
        @if (saving()) {
          <mat-progress-bar mode="indeterminate" />
        }
        @if (formError(); as error) {
          <p class="error-text pre-line" role="alert" data-testid="new-thread-error">{{ i18n.render(error) }}</p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close [disabled]="saving()" data-testid="new-thread-cancel">{{ 'common.cancel' | t }}</button>
        <button mat-flat-button type="submit" [disabled]="saving() || uploading()" data-testid="new-thread-save">{{ 'mypageThreads.register' | t }}</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .owner {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 12px;
      margin-bottom: 12px;
    }
    .owner-label {
      font: var(--mat-sys-label-large);
      color: var(--mat-sys-on-surface-variant);
    }
    .owner-value {
      flex: 1 1 auto;
    }
    .post-heading {
      margin: 8px 0 0;
      font: var(--mat-sys-title-small);
    }
    .small {
      font: var(--mat-sys-body-small);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NewThreadDialog {
  private readonly api = inject(MypageApi);
  private readonly notifier = inject(Notifier);
  private readonly dialog = inject(MatDialog);
  private readonly dialogRef = inject<MatDialogRef<NewThreadDialog, NewThreadResult>>(MatDialogRef);
  protected readonly i18n = inject(I18n);
  protected readonly data = inject<NewThreadDialogData>(MAT_DIALOG_DATA);
  protected readonly titleMax = THREAD_TITLE_MAX;

  protected readonly owner = signal<PickedCustomer | null>(this.data.customer ?? this.data.from?.customer ?? null);
  protected readonly form = inject(NonNullableFormBuilder).group({
    title: [this.data.from?.title ?? '', [Validators.required, Validators.maxLength(THREAD_TITLE_MAX)]],
    label: [this.data.from?.label ?? '', Validators.maxLength(THREAD_LABEL_MAX)],
    memo: [this.data.from?.memo ?? '', Validators.maxLength(2000)],
  });
  protected readonly postKind = signal<PostKind>('text');
  protected readonly postText = signal('');
  protected readonly postUpload = signal<Upload | null>(null);
  protected readonly uploading = signal(false);
  private readonly submitted = signal(false);
  protected readonly saving = signal(false);
  protected readonly formError = signal<Message | null>(null);
  protected readonly ownerMissing = computed(() => this.submitted() && !this.owner());
  protected readonly postMissing = computed(() => this.submitted() && !postInputOf(this.postKind(), this.postText(), this.postUpload()));

  constructor() {
    // Esc or the backdrop ask first once something was typed or chosen.
    inject(UnsavedChanges).guardDialog(this.dialogRef, () => !this.saving() && (this.form.dirty || this.postText().trim() !== '' || this.postUpload() !== null));
  }

  protected errorText(field: 'title' | 'label' | 'memo'): string {
    return validationMessage(this.form.controls[field], this.i18n);
  }

  protected pickOwner(): void {
    openCustomerSearchDialog(this.dialog)
      .afterClosed()
      .subscribe((picked) => {
        if (picked) this.owner.set(picked);
      });
  }

  protected create(): void {
    this.submitted.set(true);
    this.formError.set(null);
    clearServerErrors(this.form);
    const owner = this.owner();
    const post = postInputOf(this.postKind(), this.postText(), this.postUpload());
    if (this.form.invalid || !owner || !post) {
      this.form.markAllAsTouched();
      return;
    }
    const v = this.form.getRawValue();
    this.saving.set(true);
    this.api
      .create({
        customerId: owner.id,
        title: v.title.trim(),
        ...(v.label.trim() ? { label: v.label.trim() } : {}),
        ...(v.memo.trim() ? { memo: v.memo.trim() } : {}),
        post,
      })
      .subscribe({
        next: (created) => {
          this.saving.set(false);
          this.notifier.success('mypageThreads.created', { code: created.code });
          this.dialogRef.close(created);
        },
        error: (error: unknown) => {
          this.saving.set(false);
          const apiError = readApiError(error);
          // The post's own refusals (too long, not an image, too large …) are worded by their code.
          const postProblem = apiError.code?.startsWith('MYPAGE_') ?? false;
          this.formError.set(apiError.status === 400 && !postProblem ? showServerErrors(this.form, apiError, this.i18n) : { text: this.notifier.describe(apiError) });
        },
      });
  }
}
