import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { concatMap, filter, from, switchMap } from 'rxjs';

import {
  CustomerVisitsApi,
  IMAGE_ACCEPT,
  MAX_IMAGE_BYTES,
  type CustomerImage,
} from '../api/customer-visits-api';
import { confirmAction } from '../core/confirm-dialog';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { FileSizePipe } from '../i18n/file-size-pipe';
import { I18n } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';

/**
 * 画像 on the karte: thumbnails of the customer's photos (a PDF as an icon with its name), each
 * opening the file; upload (JPEG/PNG/GIF/WebP/PDF, 10 MB each — the server checks the bytes),
 * delete after asking.
 */
@Component({
  selector: 'mg-customer-images',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatIconModule, MatProgressBarModule, TranslatePipe, DateTimePipe, FileSizePipe],
  template: `
    <div class="section-header">
      <h3>{{ 'images.title' | t }}</h3>
      <span class="spacer"></span>
      @if (canWrite()) {
        <input
          #picker
          type="file"
          hidden
          multiple
          [accept]="accept"
          (change)="upload(picker)"
          data-testid="image-file"
        />
        <button
          mat-stroked-button
          type="button"
          (click)="picker.click()"
          [disabled]="uploading()"
          data-testid="image-upload"
        >
          <mat-icon svgIcon="attachment" />
          {{ 'images.upload' | t }}
        </button>
      }
    </div>
    <p class="muted small">{{ 'images.hint' | t }}</p>
    @if (uploading()) {
      <mat-progress-bar mode="indeterminate" />
    }
    @if (uploadError(); as error) {
      <p class="error-text" role="alert" data-testid="image-upload-error">{{ error }}</p>
    }
    @if (loadError(); as error) {
      <p class="error-text" role="alert" data-testid="images-error">{{ error }}</p>
    } @else if (images.value(); as list) {
      @if (list.length) {
        <ul class="grid" data-testid="images">
          @for (image of list; track image.id) {
            <li class="tile" data-testid="image-tile" [attr.data-type]="image.contentType">
              <a [href]="image.url" target="_blank" rel="noopener" [title]="image.filename">
                @if (isPicture(image)) {
                  <img
                    [src]="image.url"
                    [alt]="image.filename"
                    loading="lazy"
                    data-testid="image-thumbnail"
                  />
                } @else {
                  <span class="doc" data-testid="image-document">
                    <mat-icon svgIcon="attachment" />
                    <span class="label">PDF</span>
                  </span>
                }
              </a>
              <div class="meta">
                <span class="name" data-testid="image-name">{{ image.filename }}</span>
                <span class="muted small"
                  >{{ image.size | fileSize }} ・ {{ image.createdAt | dateTime }}</span
                >
              </div>
              @if (canWrite()) {
                <button
                  mat-icon-button
                  type="button"
                  class="remove"
                  (click)="remove(image)"
                  [attr.aria-label]="'common.delete' | t"
                  data-testid="image-delete"
                >
                  <mat-icon svgIcon="delete" />
                </button>
              }
            </li>
          }
        </ul>
      } @else {
        <p class="muted" data-testid="images-empty">{{ 'images.empty' | t }}</p>
      }
    }
  `,
  styles: `
    :host {
      display: block;
      margin-top: 24px;
    }
    .section-header {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .spacer {
      flex: 1 1 auto;
    }
    h3 {
      margin: 0;
    }
    .small {
      font: var(--mat-sys-body-small);
    }
    .grid {
      list-style: none;
      padding: 0;
      margin: 8px 0 0;
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(140px, 1fr));
      gap: 12px;
    }
    .tile {
      position: relative;
      display: flex;
      flex-direction: column;
      gap: 4px;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
      padding: 6px;
    }
    .tile a {
      display: flex;
      align-items: center;
      justify-content: center;
      height: 110px;
      background: var(--mat-sys-surface-container);
      border-radius: 4px;
      overflow: hidden;
    }
    img {
      max-width: 100%;
      max-height: 110px;
      object-fit: contain;
    }
    .doc {
      display: flex;
      flex-direction: column;
      align-items: center;
      color: var(--mat-sys-on-surface-variant);
    }
    .meta {
      display: flex;
      flex-direction: column;
      min-width: 0;
    }
    .name {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .remove {
      position: absolute;
      top: 0;
      right: 0;
    }
  `,
})
export class CustomerImages {
  private readonly api = inject(CustomerVisitsApi);
  private readonly notifier = inject(Notifier);
  private readonly dialog = inject(MatDialog);
  private readonly i18n = inject(I18n);
  private readonly session = inject(Session);
  readonly customerId = input.required<number>();

  protected readonly accept = IMAGE_ACCEPT;
  protected readonly canWrite = computed(() => this.session.can('customers.write'));
  protected readonly uploading = signal(false);
  protected readonly uploadError = signal<string | null>(null);
  protected readonly images = rxResource({
    params: () => this.customerId(),
    stream: ({ params: id }) => this.api.images(id),
  });
  protected readonly loadError = computed(() => {
    const error = this.images.error();
    return error ? this.i18n.render(this.notifier.message(error)) : null;
  });

  protected isPicture(image: CustomerImage): boolean {
    return image.contentType.startsWith('image/');
  }

  /** Uploads the chosen files one after another; a file over 10 MB is refused here, before anyone waits for it. */
  protected upload(picker: HTMLInputElement): void {
    const files = Array.from(picker.files ?? []);
    picker.value = '';
    if (!files.length) {
      return;
    }
    this.uploadError.set(null);
    const tooBig = files.find((f) => f.size > MAX_IMAGE_BYTES);
    if (tooBig) {
      this.uploadError.set(this.i18n.t('images.tooLarge', { name: tooBig.name }));
      return;
    }
    this.uploading.set(true);
    from(files)
      .pipe(concatMap((file) => this.api.uploadImage(this.customerId(), file)))
      .subscribe({
        next: () => this.images.reload(),
        error: (error: unknown) => {
          this.uploading.set(false);
          this.uploadError.set(this.i18n.render(this.notifier.message(error)));
          this.images.reload();
        },
        complete: () => {
          this.uploading.set(false);
          this.notifier.success('images.uploaded');
        },
      });
  }

  protected remove(image: CustomerImage): void {
    confirmAction(this.dialog, {
      title: 'images.deleteTitle',
      message: 'images.deleteConfirm',
      params: { name: image.filename },
      confirm: 'common.delete',
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.api.deleteImage(this.customerId(), image.id)),
      )
      .subscribe({
        next: () => {
          this.notifier.success('images.deleted');
          this.images.reload();
        },
        error: (error: unknown) => this.notifier.error(error),
      });
  }
}
