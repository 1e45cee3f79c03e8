import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed, toObservable, toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { catchError, debounceTime, distinctUntilChanged, map, of, switchMap } from 'rxjs';

import { readApiError } from '../../api/api-error';
import { TemplatesApi, type RenderedTemplate, type TemplateKind } from '../../api/templates-api';
import type { TicketSummary } from '../../api/tickets-api';
import { Notifier } from '../../core/notifier';
import { namedFieldErrorMessage } from '../../i18n/error-text';
import { I18n, type Message } from '../../i18n/i18n';
import { TranslatePipe } from '../../i18n/translate-pipe';

const TICKET_CODE = /^IQ\d{6}$/i;

/** A template as the form holds it: what the preview fills in (saved or not). */
export interface TemplateDraft {
  mailboxId: number | null;
  kind: TemplateKind;
  body: string;
  fromName: string;
  fromAddress: string;
  replyTo: string;
}

/**
 * The saved template filled in for a real ticket, picked by code or by a keyword search among
 * the tickets of the template's mailbox (any visible mailbox for a shared template).
 */
@Component({
  selector: 'mg-template-preview',
  imports: [
    ReactiveFormsModule,
    MatAutocompleteModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    TranslatePipe,
  ],
  template: `
    <section class="preview" data-testid="template-preview">
      <h3>{{ 'templates.preview' | t }}</h3>
      @if (true) {
        <form class="pick" [formGroup]="pickForm" (ngSubmit)="preview()" novalidate>
          <mat-form-field class="ticket">
            <mat-label>{{ 'templates.previewTicket' | t }}</mat-label>
            <input
              matInput
              formControlName="ticket"
              [matAutocomplete]="tickets"
              autocomplete="off"
              data-testid="preview-ticket"
            />
            <mat-hint>{{ 'templates.previewTicketHint' | t }}</mat-hint>
            <mat-autocomplete
              #tickets="matAutocomplete"
              [displayWith]="displayTicket"
              (optionSelected)="pick($event.option.value)"
            >
              @for (ticket of options(); track ticket.id) {
                <mat-option [value]="ticket" data-testid="preview-ticket-option">
                  <span class="code">{{ ticket.code }}</span> {{ ticket.subject }}
                </mat-option>
              }
            </mat-autocomplete>
          </mat-form-field>
          <button mat-stroked-button type="submit" [disabled]="busy()" data-testid="preview-run">
            {{ 'templates.previewRun' | t }}
          </button>
        </form>
        <div class="progress">
          @if (busy()) {
            <mat-progress-bar mode="indeterminate" />
          }
        </div>
        @if (error(); as message) {
          <p class="error-text" role="alert" data-testid="preview-error">{{ i18n.render(message) }}</p>
        }
        @if (result(); as r) {
          <div class="result" data-testid="preview-result">
            <p class="muted for">{{ 'templates.previewFor' | t: { code: ticketLabel() } }}</p>
            @if (draft().kind === 'sender') {
              <dl>
                <dt>{{ 'templates.fromName' | t }}</dt>
                <dd data-testid="preview-fromName">{{ r.fromName ?? ('templates.previewUnset' | t) }}</dd>
                <dt>{{ 'templates.fromAddress' | t }}</dt>
                <dd data-testid="preview-fromAddress">
                  {{ r.fromAddress ?? ('templates.previewUnset' | t) }}
                </dd>
                <dt>{{ 'templates.replyTo' | t }}</dt>
                <dd data-testid="preview-replyTo">{{ r.replyTo ?? ('templates.previewUnset' | t) }}</dd>
              </dl>
            } @else {
              <div class="text" data-testid="preview-text">{{ r.text }}</div>
            }
          </div>
        }
      }
    </section>
  `,
  styles: `
    .preview {
      display: flex;
      flex-direction: column;
      gap: 8px;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
      padding: 12px 16px;
    }
    h3 {
      font: var(--mat-sys-title-small);
      margin: 0;
    }
    .pick {
      display: flex;
      align-items: flex-start;
      gap: 8px;
    }
    .pick button {
      margin-top: 8px;
    }
    .ticket {
      flex: 1 1 auto;
    }
    .code {
      font-family: monospace;
    }
    .note,
    .for {
      margin: 0;
      font: var(--mat-sys-body-small);
    }
    .text {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      background: var(--mat-sys-surface-container-low);
      border-radius: 4px;
      padding: 12px;
      min-height: 3em;
    }
    dl {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 4px 12px;
      margin: 0;
    }
    dt {
      color: var(--mat-sys-on-surface-variant);
    }
    dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TemplatePreview {
  private readonly api = inject(TemplatesApi);
  private readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);

  /** The template as the form holds it now, saved or not: the preview shows what is being written. */
  readonly draft = input.required<TemplateDraft>();

  private readonly fb = inject(NonNullableFormBuilder);
  protected readonly pickForm = this.fb.group({ ticket: this.fb.control<string | TicketSummary>('') });
  private readonly query = this.pickForm.controls.ticket;
  private readonly picked = signal<TicketSummary | null>(null);
  protected readonly busy = signal(false);
  protected readonly error = signal<Message | null>(null);
  protected readonly result = signal<RenderedTemplate | null>(null);
  private readonly renderedFor = signal<TicketSummary | null>(null);
  protected readonly ticketLabel = computed(() => {
    const ticket = this.renderedFor();
    return ticket ? `${ticket.code} ${ticket.subject}` : '';
  });

  /** Tickets matching what is typed, for the autocomplete. */
  protected readonly options = toSignal(
    this.query.valueChanges.pipe(
      map((value) => (typeof value === 'string' ? value.trim() : '')),
      debounceTime(250),
      distinctUntilChanged(),
      switchMap((q) =>
        q
          ? this.api.findTickets(q, this.draft().mailboxId).pipe(catchError(() => of([])))
          : of([]),
      ),
    ),
    { initialValue: [] as TicketSummary[] },
  );

  constructor() {
    // What is typed shows for the ticket previewed last, a moment after typing stops.
    toObservable(this.draft)
      .pipe(debounceTime(400), takeUntilDestroyed())
      .subscribe(() => {
        const ticket = this.renderedFor();
        if (ticket) {
          this.picked.set(ticket);
          this.preview();
        }
      });
    this.query.valueChanges.pipe(takeUntilDestroyed()).subscribe((value) => {
      if (typeof value === 'string') {
        this.picked.set(null);
      }
    });
  }

  protected displayTicket = (value: string | TicketSummary | null): string =>
    value === null ? '' : typeof value === 'string' ? value : value.code;

  protected pick(ticket: TicketSummary): void {
    this.picked.set(ticket);
    this.query.setValue(ticket.code, { emitEvent: false });
    this.preview();
  }

  /** Renders for the picked ticket, or for the ticket whose code was typed. */
  protected preview(): void {
    const template = this.draft();
    this.error.set(null);
    const picked = this.picked();
    const typed = typeof this.query.value === 'string' ? this.query.value.trim() : '';
    if (!picked && !typed) {
      this.error.set({ key: 'templates.previewNoTicket' });
      return;
    }
    this.busy.set(true);
    const ticket$ = picked
      ? of(picked)
      : this.api
          .findTickets(typed, template.mailboxId, TICKET_CODE.test(typed) ? 5 : 1)
          .pipe(
            map(
              (items) =>
                items.find((t) => t.code.toUpperCase() === typed.toUpperCase()) ??
                (TICKET_CODE.test(typed) ? null : (items[0] ?? null)),
            ),
          );
    ticket$
      .pipe(
        switchMap((ticket) => {
          if (!ticket) {
            return of(null);
          }
          return this.api
            .preview({ ticketId: ticket.id, mailboxId: template.mailboxId, body: template.kind === 'sender' ? null : template.body, fromName: template.kind === 'sender' ? template.fromName : null })
            .pipe(map((rendered) => ({ ticket, rendered: template.kind === 'sender' ? { ...rendered, fromAddress: template.fromAddress || null, replyTo: template.replyTo || null } : rendered })));
        }),
      )
      .subscribe({
        next: (found) => {
          this.busy.set(false);
          if (!found) {
            this.result.set(null);
            this.error.set({ key: 'templates.previewNoTicket' });
            return;
          }
          this.renderedFor.set(found.ticket);
          this.result.set(found.rendered);
        },
        error: (error: unknown) => {
          this.busy.set(false);
          this.result.set(null);
          const apiError = readApiError(error);
          const lines = Object.entries(apiError.fields).flatMap(([field, problems]) =>
            problems.map((p) => namedFieldErrorMessage(this.i18n, field, p)),
          );
          this.error.set(lines.length ? { lines } : this.notifier.message(error));
        },
      });
  }
}
