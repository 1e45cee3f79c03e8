import { ChangeDetectionStrategy, Component, inject, input, model, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';

import { readApiError } from '../api/api-error';
import type { ReplyAttachment } from '../api/replies-api';
import { MAX_UPLOAD_BYTES, UploadsApi } from '../api/uploads-api';
import { Notifier } from '../core/notifier';
import { I18n } from '../i18n/i18n';
import { FileSizePipe } from '../i18n/file-size-pipe';
import { TranslatePipe } from '../i18n/translate-pipe';

/** Files for a reply: uploaded as soon as they are chosen, listed with a remove button each. */
@Component({
  selector: 'mg-attachment-picker',
  imports: [MatButtonModule, MatIconModule, MatProgressBarModule, FileSizePipe, TranslatePipe],
  template: `
    <div class="row">
      <input
        #fileInput
        type="file"
        multiple
        hidden
        (change)="addFiles(fileInput)"
        data-testid="composer-file-input"
      />
      <button
        mat-stroked-button
        type="button"
        [disabled]="disabled()"
        (click)="fileInput.click()"
        data-testid="composer-attach"
      >
        <mat-icon svgIcon="attachment" />
        {{ 'composer.attach' | t }}
      </button>
      <span class="muted small">{{ 'composer.attachHint' | t }}</span>
    </div>
    @if (busy()) {
      <mat-progress-bar mode="indeterminate" />
    }
    @for (error of errors(); track $index) {
      <p class="error-text small" role="alert" data-testid="composer-attach-error">{{ error }}</p>
    }
    @if (attachments().length > 0) {
      <ul class="files" [attr.aria-label]="'article.attachments' | t">
        @for (file of attachments(); track file.uploadId) {
          <li data-testid="composer-attachment">
            <mat-icon svgIcon="attachment" class="icon" />
            <span class="name">{{ file.filename }}</span>
            <span class="muted">({{ file.size | fileSize }})</span>
            <button
              mat-icon-button
              type="button"
              [disabled]="disabled()"
              (click)="remove(file)"
              [attr.aria-label]="'composer.removeAttachment' | t: { name: file.filename }"
              data-testid="composer-attachment-remove"
            >
              <mat-icon svgIcon="delete" />
            </button>
          </li>
        }
      </ul>
    }
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      gap: 4px;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 12px;
    }
    .small {
      font: var(--mat-sys-body-small);
    }
    .files {
      display: flex;
      flex-direction: column;
      margin: 0;
      padding: 0;
      list-style: none;
    }
    .files li {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .name {
      overflow-wrap: anywhere;
    }
    .icon {
      width: 18px;
      height: 18px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AttachmentPicker {
  private readonly uploadsApi = inject(UploadsApi);
  private readonly notifier = inject(Notifier);
  private readonly i18n = inject(I18n);

  readonly attachments = model.required<readonly ReplyAttachment[]>();
  /** Uploads are under way: the reply must wait for them. */
  readonly busy = model(false);
  readonly disabled = input(false);

  protected readonly errors = signal<readonly string[]>([]);
  private running = 0;

  protected addFiles(input: HTMLInputElement): void {
    const files = Array.from(input.files ?? []);
    // Choosing the same file again must fire `change` again.
    input.value = '';
    this.errors.set([]);
    for (const file of files) {
      if (file.size > MAX_UPLOAD_BYTES) {
        this.fail(this.i18n.t('composer.fileTooLarge', { name: file.name }));
        continue;
      }
      this.started(1);
      this.uploadsApi.upload(file).subscribe({
        next: (upload) => {
          this.started(-1);
          this.attachments.update((list) => [
            ...list,
            {
              uploadId: upload.id,
              filename: upload.filename,
              contentType: upload.contentType,
              size: upload.size,
            },
          ]);
        },
        error: (error: unknown) => {
          this.started(-1);
          // 413 and 400 carry the server's own sentence (e.g. "… larger than 10 MB …").
          const message = this.notifier.describe(readApiError(error));
          this.fail(`${file.name}: ${message}`);
        },
      });
    }
  }

  protected remove(file: ReplyAttachment): void {
    this.attachments.update((list) => list.filter((f) => f.uploadId !== file.uploadId));
  }

  private started(delta: number): void {
    this.running += delta;
    this.busy.set(this.running > 0);
  }

  private fail(message: string): void {
    this.errors.update((list) => [...list, message]);
  }
}
