import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatRadioModule } from '@angular/material/radio';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import { Subscription, switchMap, takeWhile, timer } from 'rxjs';

import { readApiError } from '../api/api-error';
import {
  CustomerImportApi,
  MAX_IMPORT_BYTES,
  type ImportField,
  type ImportPreview,
  type ImportRowError,
  type ImportStatus,
} from '../api/customer-import-api';
import { Notifier } from '../core/notifier';
import { I18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';

const POLL_MS = 1000;
/** The report shows this many problems; the CSV download has the rest of the stored ones. */
const SHOWN_ERRORS = 200;

/**
 * 顧客データCSV取込: choose a file → the server's preview (encoding, columns, guessed mapping, first
 * rows) → a dry run that lists every problem by row and column → the real run with a progress bar
 * polling the import, then its report and the problems as CSV.
 */
@Component({
  selector: 'mg-customer-import',
  imports: [
    FormsModule,
    RouterLink,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatIconModule,
    MatProgressBarModule,
    MatRadioModule,
    MatSelectModule,
    TranslatePipe,
  ],
  templateUrl: './customer-import.html',
  styleUrl: './customer-import.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CustomerImport {
  private readonly api = inject(CustomerImportApi);
  private readonly notifier = inject(Notifier);
  private readonly i18n = inject(I18n);
  private polling: Subscription | null = null;

  protected readonly file = signal<File | null>(null);
  protected readonly preview = signal<ImportPreview | null>(null);
  protected readonly mapping = signal<Record<string, ImportField | ''>>({});
  protected readonly matchBy = signal<'code' | 'email'>('code');
  protected readonly atomic = signal(false);
  protected readonly loading = signal(false);
  protected readonly fileError = signal<string | null>(null);
  protected readonly status = signal<ImportStatus | null>(null);

  protected readonly running = computed(() => {
    const s = this.status();
    return !!s && (s.state === 'queued' || s.state === 'running');
  });
  protected readonly percent = computed(() => {
    const s = this.status();
    return s?.total ? Math.round((100 * s.processed) / s.total) : 0;
  });
  protected readonly shownErrors = computed(() => this.status()?.errors.slice(0, SHOWN_ERRORS) ?? []);
  protected readonly sampleRows = computed(() => this.preview()?.rows.slice(0, 10) ?? []);
  protected readonly mapsName = computed(() => Object.values(this.mapping()).some((f) => f === 'lastName' || f === 'name'));
  protected readonly encodingKey = computed<MessageKey>(() => {
    const e = this.preview()?.encoding;
    return e === 'cp932' ? 'customerImport.encoding.cp932' : e === 'utf-8-bom' ? 'customerImport.encoding.utf8bom' : 'customerImport.encoding.utf8';
  });
  protected readonly errorsUrl = computed(() => {
    const s = this.status();
    return s ? this.api.errorsUrl(s.id) : '';
  });

  constructor() {
    inject(DestroyRef).onDestroy(() => this.polling?.unsubscribe());
  }

  protected fieldKey(field: ImportField): MessageKey {
    return `customerImport.field.${field}` as MessageKey;
  }

  protected chooseFile(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0] ?? null;
    input.value = '';
    this.reset();
    if (!file) return;
    if (file.size > MAX_IMPORT_BYTES) {
      this.fileError.set(this.i18n.t('error.IMPORT_FILE_TOO_LARGE', { maxMb: MAX_IMPORT_BYTES / 1024 / 1024 }));
      return;
    }
    this.file.set(file);
    this.loading.set(true);
    this.api.preview(file).subscribe({
      next: (preview) => {
        this.loading.set(false);
        this.preview.set(preview);
        this.mapping.set(Object.fromEntries(preview.headers.map((h) => [h, preview.mapping[h] ?? ''])));
      },
      error: (e: unknown) => {
        this.loading.set(false);
        this.fileError.set(this.notifier.describe(readApiError(e)));
      },
    });
  }

  protected mapColumn(header: string, field: ImportField | ''): void {
    this.mapping.update((m) => {
      const next = { ...m };
      // One column per field (but those several columns may fill, such as the parts of an address):
      // choosing a field takes it off any other column.
      const multi = (this.preview()?.multiColumnFields ?? []) as readonly string[];
      if (field && !multi.includes(field)) for (const h of Object.keys(next)) if (next[h] === field) next[h] = '';
      next[header] = field;
      return next;
    });
    this.status.set(null);
  }

  protected dryRun(): void {
    this.start('dryRun');
  }

  protected runImport(): void {
    this.start('run');
  }

  protected rowErrorText(error: ImportRowError): string {
    const key = `customerImport.rowError.${error.code}`;
    return this.i18n.has(key) ? this.i18n.t(key) : this.i18n.t('customerImport.rowError.INVALID');
  }

  protected failureText(s: ImportStatus): string {
    const key = `error.${s.failureCode}`;
    return this.i18n.has(key) ? this.i18n.t(key, { row: s.errors[0]?.row ?? '', maxMb: MAX_IMPORT_BYTES / 1024 / 1024 }) : this.i18n.t('customerImport.failed');
  }

  private start(mode: 'dryRun' | 'run'): void {
    const file = this.file();
    if (!file) return;
    const mapping = Object.fromEntries(Object.entries(this.mapping()).filter(([, f]) => !!f)) as Record<string, ImportField>;
    this.loading.set(true);
    this.api.start(file, { mapping, mode, matchBy: this.matchBy(), atomic: this.atomic() }).subscribe({
      next: ({ id }) => {
        this.loading.set(false);
        this.poll(id);
      },
      error: (e: unknown) => {
        this.loading.set(false);
        this.notifier.error(e);
      },
    });
  }

  private poll(id: string): void {
    this.polling?.unsubscribe();
    this.polling = timer(0, POLL_MS)
      .pipe(
        switchMap(() => this.api.status(id)),
        takeWhile((s) => s.state === 'queued' || s.state === 'running', true),
      )
      .subscribe({
        next: (s) => this.status.set(s),
        error: (e: unknown) => this.notifier.error(e),
      });
  }

  private reset(): void {
    this.polling?.unsubscribe();
    this.file.set(null);
    this.preview.set(null);
    this.mapping.set({});
    this.status.set(null);
    this.fileError.set(null);
  }
}
