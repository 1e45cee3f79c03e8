import { ChangeDetectionStrategy, Component, OnInit, inject, input, output, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { UnsavedChanges } from '../core/unsaved-changes';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';

import { CommentsApi } from '../api/comments-api';
import type { Article } from '../api/tickets-api';
import { Notifier } from '../core/notifier';
import { I18n, type Message } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';

export const COMMENT_MAX = 10_000;

/**
 * 社内メモ: writes an internal comment beside the reply composer (Ctrl+Enter saves). Used for a
 * new comment and, with `initial`, to edit one in place.
 */
@Component({
  selector: 'mg-comment-form',
  imports: [ReactiveFormsModule, MatButtonModule, MatFormFieldModule, MatInputModule, TranslatePipe],
  template: `
    <form class="comment-form" [formGroup]="form" (ngSubmit)="save()" novalidate data-testid="comment-form">
      @if (commentId() === null) {
        <h3>{{ 'comments.title' | t }}</h3>
      }
      <mat-form-field class="wide">
        <mat-label>{{ 'comments.body' | t }}</mat-label>
        <textarea
          matInput
          formControlName="body"
          rows="3"
          required
          (keydown.control.enter)="save(); $event.preventDefault()"
          (keydown.meta.enter)="save(); $event.preventDefault()"
          data-testid="comment-body" data-shortcut="comment"
        ></textarea>
        <mat-hint>{{ 'comments.hint' | t }}</mat-hint>
        @if (body.hasError('maxlength')) {
          <mat-error>{{ 'comments.tooLong' | t }}</mat-error>
        } @else {
          <mat-error>{{ 'comments.required' | t }}</mat-error>
        }
      </mat-form-field>
      @if (formError(); as error) {
        <p class="error-text" role="alert" data-testid="comment-error">{{ i18n.render(error) }}</p>
      }
      <div class="actions">
        <span class="spacer"></span>
        @if (commentId() !== null) {
          <button mat-button type="button" (click)="cancelled.emit()" data-testid="comment-cancel">
            {{ 'common.cancel' | t }}
          </button>
        }
        <button mat-flat-button type="submit" [disabled]="saving()" data-testid="comment-save">
          {{ (commentId() === null ? 'comments.add' : 'comments.save') | t }}
        </button>
      </div>
    </form>
  `,
  styles: `
    .comment-form {
      display: flex;
      flex-direction: column;
      gap: 4px;
      padding: 16px;
      border: 1px solid #e0c200;
      border-left-width: 4px;
      border-radius: 8px;
      background: #fff8d6;
      color: #3b3000;
    }
    h3 {
      margin: 0 0 12px;
      font: var(--mat-sys-title-small);
    }
    .wide {
      width: 100%;
    }
    .actions {
      display: flex;
      align-items: center;
      gap: 8px;
      margin-top: 12px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CommentForm implements OnInit {
  private readonly api = inject(CommentsApi);
  private readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);

  readonly ticketId = input.required<number>();
  /** Editing this comment instead of writing a new one. */
  readonly commentId = input<number | null>(null);
  readonly initial = input('');
  /** With the comment as the server now has it. */
  readonly saved = output<Article>();
  readonly cancelled = output<void>();

  protected readonly body = new FormControl('', {
    nonNullable: true,
    validators: [
      Validators.required,
      Validators.maxLength(COMMENT_MAX),
      (c) => (c.value.trim() ? null : { required: true }),
    ],
  });
  protected readonly form = new FormGroup({ body: this.body });
  protected readonly saving = signal(false);
  protected readonly formError = signal<Message | null>(null);

  constructor() {
    // Text typed and not saved: leaving the page asks first.
    inject(UnsavedChanges).watch(() => !this.saving() && this.body.value.trim() !== this.initial().trim());
  }

  ngOnInit(): void {
    this.body.setValue(this.initial());
  }

  protected save(): void {
    if (this.saving()) return;
    this.formError.set(null);
    if (this.body.invalid) {
      this.body.markAsTouched();
      return;
    }
    const text = this.body.value.trim();
    const id = this.commentId();
    this.saving.set(true);
    (id === null ? this.api.create(this.ticketId(), text) : this.api.update(id, text)).subscribe({
      next: (article) => {
        this.saving.set(false);
        this.body.reset('');
        this.notifier.success(id === null ? 'comments.added' : 'comments.saved');
        this.saved.emit(article);
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.formError.set(this.notifier.message(error));
      },
    });
  }
}
