import { ChangeDetectionStrategy, Component, OnDestroy, computed, inject, input, model, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';

import { readApiError } from '../api/api-error';
import { POST_TEXT_MAX, type PostInput } from '../api/mypage-api';
import { MAX_UPLOAD_BYTES, UploadsApi, type Upload } from '../api/uploads-api';
import { Notifier } from '../core/notifier';
import { FileSizePipe } from '../i18n/file-size-pipe';
import { I18n } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';

export type PostKind = 'text' | 'image' | 'file';

/** What the post box holds now, as the API takes it; null while it holds nothing to send. */
export function postInputOf(kind: PostKind, text: string, upload: Upload | null): PostInput | null {
  if (kind === 'text') {
    const trimmed = text.trim();
    return trimmed && text.length <= POST_TEXT_MAX ? { text } : null;
  }
  return upload ? { uploadId: upload.id } : null;
}

/** The browser's first look; the server decides by the bytes (an HTML file named .png is refused there). */
const IMAGE_NAME = /\.(jpe?g|png|gif)$/i;

/**
 * One post: a text (≤ 1,000 characters, with a counter), one image (jpg/jpeg/png/gif) or one
 * file, each ≤ 10 MB — exactly one of them, as in the original's three tabs. The file is uploaded
 * as soon as it is chosen (`POST /api/uploads`), so the post itself only names it.
 */
@Component({
  selector: 'mg-post-input',
  imports: [FormsModule, MatButtonModule, MatButtonToggleModule, MatFormFieldModule, MatIconModule, MatInputModule, MatProgressBarModule, FileSizePipe, TranslatePipe],
  template: `
    <mat-button-toggle-group [value]="kind()" (change)="choose($event.value)" [disabled]="disabled()" [attr.aria-label]="'mypagePost.kind' | t" data-testid="post-kind">
      <mat-button-toggle value="text" data-testid="post-kind-text">{{ 'mypagePost.text' | t }}</mat-button-toggle>
      <mat-button-toggle value="image" data-testid="post-kind-image">{{ 'mypagePost.image' | t }}</mat-button-toggle>
      <mat-button-toggle value="file" data-testid="post-kind-file">{{ 'mypagePost.file' | t }}</mat-button-toggle>
    </mat-button-toggle-group>
    @switch (kind()) {
      @case ('text') {
        <mat-form-field class="text" subscriptSizing="dynamic">
          <mat-label>{{ 'mypagePost.textLabel' | t }}</mat-label>
          <textarea
            matInput
            rows="4"
            [ngModel]="text()"
            (ngModelChange)="text.set($event)"
            [disabled]="disabled()"
            [placeholder]="'mypagePost.placeholder' | t"
            data-testid="post-text"
          ></textarea>
          <mat-hint align="end" [class.over]="text().length > max" data-testid="post-counter">{{ text().length }} / {{ max }}</mat-hint>
        </mat-form-field>
        @if (text().length > max) {
          <p class="error-text small" role="alert" data-testid="post-too-long">{{ 'mypagePost.tooLong' | t: { max: max } }}</p>
        }
      }
      @default {
        <div class="file-row">
          <input #fileInput type="file" hidden [accept]="kind() === 'image' ? 'image/jpeg,image/png,image/gif' : ''" (change)="chooseFile(fileInput)" data-testid="post-file-input" />
          <button mat-stroked-button type="button" [disabled]="disabled() || busy()" (click)="fileInput.click()" data-testid="post-file-choose">
            <mat-icon svgIcon="attachment" />
            {{ (kind() === 'image' ? 'mypagePost.chooseImage' : 'mypagePost.chooseFile') | t }}
          </button>
          <span class="muted small">{{ (kind() === 'image' ? 'mypagePost.imageHint' : 'mypagePost.fileHint') | t }}</span>
        </div>
        @if (busy()) {
          <mat-progress-bar mode="indeterminate" />
        }
        @if (upload(); as u) {
          <div class="chosen" data-testid="post-file-chosen">
            @if (preview(); as src) {
              <img [src]="src" alt="" class="preview" />
            }
            <span class="name">{{ u.filename }}</span>
            <span class="muted">({{ u.size | fileSize }})</span>
            <button mat-button type="button" [disabled]="disabled()" (click)="clearFile()" data-testid="post-file-clear">
              {{ (kind() === 'image' ? 'mypagePost.clearImage' : 'mypagePost.clearFile') | t }}
            </button>
          </div>
        } @else if (!busy()) {
          <p class="muted small">{{ 'mypagePost.noFile' | t }}</p>
        }
      }
    }
    @if (fileError(); as error) {
      <p class="error-text small" role="alert" data-testid="post-file-error">{{ error }}</p>
    }
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      gap: 8px;
    }
    .text {
      width: 100%;
    }
    .over {
      color: var(--mat-sys-error);
    }
    .file-row,
    .chosen {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 12px;
    }
    .preview {
      max-width: 160px;
      max-height: 120px;
      border-radius: 4px;
      object-fit: contain;
    }
    .name {
      overflow-wrap: anywhere;
    }
    .small {
      font: var(--mat-sys-body-small);
      margin: 0;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PostInputField implements OnDestroy {
  private readonly uploads = inject(UploadsApi);
  private readonly notifier = inject(Notifier);
  private readonly i18n = inject(I18n);

  readonly kind = model<PostKind>('text');
  readonly text = model('');
  readonly upload = model<Upload | null>(null);
  /** An upload is under way: the post must wait for it. */
  readonly busy = model(false);
  readonly disabled = input(false);

  protected readonly max = POST_TEXT_MAX;
  protected readonly fileError = signal<string | null>(null);
  protected readonly preview = signal<string | null>(null);
  protected readonly hasContent = computed(() => postInputOf(this.kind(), this.text(), this.upload()) !== null);

  /** Switching the kind drops what the other kind held: a post is exactly one of them. */
  protected choose(kind: PostKind): void {
    if (kind === this.kind()) return;
    this.kind.set(kind);
    this.clearFile();
    this.fileError.set(null);
  }

  protected chooseFile(input: HTMLInputElement): void {
    const file = input.files?.[0];
    input.value = '';
    this.fileError.set(null);
    if (!file) return;
    if (file.size > MAX_UPLOAD_BYTES) {
      this.fileError.set(this.i18n.t('mypagePost.tooLarge', { name: file.name }));
      return;
    }
    if (this.kind() === 'image' && !IMAGE_NAME.test(file.name)) {
      this.fileError.set(this.i18n.t('mypagePost.notImage', { name: file.name }));
      return;
    }
    this.clearFile();
    this.busy.set(true);
    this.uploads.upload(file).subscribe({
      next: (upload) => {
        this.busy.set(false);
        this.upload.set(upload);
        // A data: URL, not a blob: one: the console's CSP allows images from 'self' and data: only.
        if (this.kind() === 'image') this.readPreview(file);
      },
      error: (error: unknown) => {
        this.busy.set(false);
        this.fileError.set(`${file.name}: ${this.notifier.describe(readApiError(error))}`);
      },
    });
  }

  /** After a post went out: empty again, same kind. */
  reset(): void {
    this.text.set('');
    this.clearFile();
    this.fileError.set(null);
  }

  protected clearFile(): void {
    this.reader?.abort();
    this.reader = null;
    this.preview.set(null);
    this.upload.set(null);
  }

  ngOnDestroy(): void {
    this.reader?.abort();
  }

  private reader: FileReader | null = null;

  private readPreview(file: File): void {
    const reader = new FileReader();
    this.reader = reader;
    reader.onload = () => {
      if (this.reader === reader && typeof reader.result === 'string') this.preview.set(reader.result);
    };
    reader.readAsDataURL(file);
  }
}
