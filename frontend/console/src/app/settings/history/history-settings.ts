import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import {
  FormArray,
  FormControl,
  FormGroup,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  Validators,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';

import {
  HISTORY_STATES,
  HistoryApi,
  MAX_PHRASES,
  TITLE_MAX,
  type AutoHistoryEvent,
  type AutoHistorySetting,
  type HistoryState,
} from '../../api/history-api';
import { clearServerErrors, saveErrorMessage, validationMessage } from '../../core/form-errors';
import { Notifier } from '../../core/notifier';
import { AUTO_HISTORY_EVENT_LABELS, HISTORY_STATE_LABELS } from '../../customers/history-labels';
import { I18n, type Message } from '../../i18n/i18n';
import { TranslatePipe } from '../../i18n/translate-pipe';

type AutoHistoryRow = FormGroup<{
  event: FormControl<AutoHistoryEvent>;
  enabled: FormControl<boolean>;
  state: FormControl<HistoryState>;
  title: FormControl<string>;
}>;

/** 対応履歴 settings: 定型文 (titles to pick from) and 自動履歴保存 (entries written by events). */
@Component({
  selector: 'mg-history-settings',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    TranslatePipe,
  ],
  templateUrl: './history-settings.html',
  styleUrl: './history-settings.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HistorySettings {
  private readonly api = inject(HistoryApi);
  private readonly fb = inject(NonNullableFormBuilder);
  private readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);

  protected readonly maxPhrases = MAX_PHRASES;
  protected readonly states = HISTORY_STATES;
  protected readonly stateLabels = HISTORY_STATE_LABELS;
  protected readonly eventLabels = AUTO_HISTORY_EVENT_LABELS;

  protected readonly phrases = new FormGroup({ items: new FormArray<FormControl<string>>([]) });
  protected readonly auto = new FormGroup({ events: new FormArray<AutoHistoryRow>([]) });
  protected readonly loading = signal(true);
  protected readonly loadError = signal<Message | null>(null);
  protected readonly savingPhrases = signal(false);
  protected readonly savingAuto = signal(false);
  protected readonly phrasesError = signal<Message | null>(null);
  protected readonly autoError = signal<Message | null>(null);

  constructor() {
    let pending = 2;
    const done = () => this.loading.set(--pending > 0);
    this.api.phrases().subscribe({
      next: ({ phrases }) => {
        this.setPhrases(phrases);
        done();
      },
      error: (error: unknown) => {
        this.loadError.set(this.notifier.message(error));
        done();
      },
    });
    this.api.autoHistory().subscribe({
      next: ({ events }) => {
        this.setEvents(events);
        done();
      },
      error: (error: unknown) => {
        this.loadError.set(this.notifier.message(error));
        done();
      },
    });
  }

  protected get phraseItems(): FormArray<FormControl<string>> {
    return this.phrases.controls.items;
  }

  protected get eventRows(): FormArray<AutoHistoryRow> {
    return this.auto.controls.events;
  }

  protected phraseError(control: FormControl<string>): string {
    return validationMessage(control, this.i18n);
  }

  protected titleError(row: AutoHistoryRow): string {
    return validationMessage(row.controls.title, this.i18n);
  }

  protected addPhrase(): void {
    if (this.phraseItems.length < MAX_PHRASES) {
      this.phraseItems.push(this.phraseControl(''));
      this.phrases.markAsDirty();
    }
  }

  protected removePhrase(index: number): void {
    this.phraseItems.removeAt(index);
    this.phrases.markAsDirty();
  }

  protected movePhrase(index: number, by: -1 | 1): void {
    const target = index + by;
    if (target < 0 || target >= this.phraseItems.length) {
      return;
    }
    const control = this.phraseItems.at(index);
    this.phraseItems.removeAt(index);
    this.phraseItems.insert(target, control);
    this.phrases.markAsDirty();
  }

  protected savePhrases(): void {
    this.phrasesError.set(null);
    clearServerErrors(this.phrases);
    if (this.phrases.invalid) {
      this.phrases.markAllAsTouched();
      return;
    }
    this.savingPhrases.set(true);
    this.api.setPhrases(this.phraseItems.getRawValue().map((p) => p.trim())).subscribe({
      next: ({ phrases }) => {
        this.savingPhrases.set(false);
        this.setPhrases(phrases);
        this.notifier.success('settings.history.phrasesSaved');
      },
      error: (error: unknown) => {
        this.savingPhrases.set(false);
        // The server names a phrase `phrases.3`, the form's array `items.3`; a problem with the
        // whole list (too many) stays `phrases` and shows above the buttons.
        this.phrasesError.set(
          saveErrorMessage(this.phrases, error, this.i18n, (e) => ({
            ...e,
            fields: Object.fromEntries(
              Object.entries(e.fields).map(([k, v]) => [k.replace(/^phrases\./, 'items.'), v]),
            ),
          })),
        );
      },
    });
  }

  protected saveAuto(): void {
    this.autoError.set(null);
    clearServerErrors(this.auto);
    if (this.auto.invalid) {
      this.auto.markAllAsTouched();
      return;
    }
    const events: AutoHistorySetting[] = this.eventRows
      .getRawValue()
      .map((e) => ({ ...e, title: e.title.trim() }));
    this.savingAuto.set(true);
    this.api.setAutoHistory(events).subscribe({
      next: ({ events: saved }) => {
        this.savingAuto.set(false);
        this.setEvents(saved);
        this.notifier.success('settings.history.autoSaved');
      },
      error: (error: unknown) => {
        this.savingAuto.set(false);
        this.autoError.set(saveErrorMessage(this.auto, error, this.i18n));
      },
    });
  }

  private phraseControl(value: string): FormControl<string> {
    return this.fb.control(value, [
      Validators.required,
      Validators.maxLength(TITLE_MAX),
      Validators.pattern(/\S/),
    ]);
  }

  private setPhrases(phrases: string[]): void {
    this.phraseItems.clear();
    for (const phrase of phrases) {
      this.phraseItems.push(this.phraseControl(phrase));
    }
    this.phrases.markAsPristine();
  }

  private setEvents(events: AutoHistorySetting[]): void {
    this.eventRows.clear();
    // Events this console has no name for (a newer server) are still shown, by their key.
    for (const e of events) {
      this.eventRows.push(
        this.fb.group({
          event: this.fb.control(e.event),
          enabled: this.fb.control(e.enabled),
          state: this.fb.control(e.state),
          title: this.fb.control(e.title, [Validators.required, Validators.maxLength(TITLE_MAX)]),
        }),
      );
    }
    this.auto.markAsPristine();
  }

  protected eventLabel(event: AutoHistoryEvent): string {
    const key = this.eventLabels[event];
    return key ? this.i18n.t(key) : event;
  }
}
