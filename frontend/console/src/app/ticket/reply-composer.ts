import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { FormGroupDirective, NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatMenuModule } from '@angular/material/menu';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { catchError, of } from 'rxjs';

import { readApiError } from '../api/api-error';
import {
  ComposerTemplates,
  type ComposerTemplate,
  type ComposerTemplateKind,
} from '../api/composer-templates';
import { RepliesApi, type NewReply, type Reply, type ReplyAttachment } from '../api/replies-api';
import type { WorkflowTicket } from '../api/workflow-api';
import { clearServerErrors, showServerErrors, validationMessage } from '../core/form-errors';
import { Notifier } from '../core/notifier';
import { formatDateTime } from '../i18n/date-time-pipe';
import { I18n, type Message } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';
import { addressListValidator, notBlankValidator, splitAddresses } from './address-list';
import { AttachmentPicker } from './attachment-picker';
import { fromTokyoLocal, undoDeadline } from './reply-timing';

export const MAX_REPLY_LENGTH = 100_000;

function buildForm(fb: NonNullableFormBuilder) {
  return fb.group({
    to: ['', [notBlankValidator, addressListValidator]],
    cc: ['', addressListValidator],
    bcc: ['', addressListValidator],
    subject: ['', Validators.maxLength(500)],
    text: ['', [notBlankValidator, Validators.maxLength(MAX_REPLY_LENGTH)]],
    senderTemplateId: fb.control<number | null>(null),
  });
}

type ComposerFormGroup = ReturnType<typeof buildForm>;
type ComposerField = keyof ComposerFormGroup['controls'];
type ComposerDraft = ReturnType<ComposerFormGroup['getRawValue']>;

/** What was sent from this box, to give back on undo. */
interface SentDraft {
  form: ComposerDraft;
  attachments: readonly ReplyAttachment[];
  signatureTemplateId: number | null;
}

/** A reply the server holds back for its undo window. */
interface PendingSend {
  reply: Reply;
  /** Local clock, ms. */
  deadline: number;
  /** Null for a reply found on the ticket later (after a reload). */
  draft: SentDraft | null;
}

/**
 * The reply composer under a ticket's timeline: addresses, subject, body with templates and a
 * signature, sender, attachments; sends (or submits for approval) now or later, with undo while
 * the reply waits to go out.
 */
@Component({
  selector: 'mg-reply-composer',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatMenuModule,
    MatProgressBarModule,
    MatSelectModule,
    AttachmentPicker,
    TranslatePipe,
  ],
  templateUrl: './reply-composer.html',
  styleUrl: './reply-composer.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ReplyComposer {
  private readonly repliesApi = inject(RepliesApi);
  private readonly templatesApi = inject(ComposerTemplates);
  private readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);

  readonly ticket = input.required<WorkflowTicket>();
  /** The ticket's replies, for the undo bars of queued ones (also after a page reload). */
  readonly replies = input<readonly Reply[]>([]);
  /** A reply was queued, submitted or cancelled: the ticket should be fetched again. */
  readonly changed = output<void>();

  protected readonly maxLength = MAX_REPLY_LENGTH;
  protected readonly form = buildForm(inject(NonNullableFormBuilder));
  private readonly formDirective = viewChild.required(FormGroupDirective);
  private readonly textArea = viewChild.required<ElementRef<HTMLTextAreaElement>>('textArea');

  protected readonly attachments = signal<readonly ReplyAttachment[]>([]);
  protected readonly uploading = signal(false);
  private readonly signatureTemplateId = signal<number | null>(null);
  /** The signature text last appended, replaced when another signature is chosen. */
  private appendedSignature: string | null = null;
  /** Where the cursor was in the body, for inserting a template there; null: at the end. */
  private caret: number | null = null;

  protected readonly approvalRequired = computed(() => this.ticket().approvalRequired === true);
  protected readonly approvalSteps = computed(() => this.ticket().approvalSteps ?? 0);

  protected readonly bodyTemplates = this.templates('body');
  protected readonly signatureTemplates = this.templates('signature');
  protected readonly senderTemplates = this.templates('sender');
  protected readonly inserting = signal(false);

  protected readonly scheduling = signal(false);
  protected readonly sendAtControl = inject(NonNullableFormBuilder).control('');
  protected readonly sending = signal(false);
  protected readonly formError = signal<Message | null>(null);

  protected readonly pending = signal<readonly PendingSend[]>([]);
  protected readonly cancelling = signal<number | null>(null);
  protected readonly undoError = signal<string | null>(null);
  private readonly now = signal(Date.now());

  constructor() {
    let filledFor: number | null = null;
    effect(() => {
      const ticket = this.ticket();
      untracked(() => {
        // A new ticket, not a refresh of the same one (which would wipe what is being typed).
        if (ticket.id !== filledFor) {
          filledFor = ticket.id;
          this.pending.set([]);
          this.undoError.set(null);
          this.formError.set(null);
          this.clear(ticket);
        }
      });
    });
    effect(() => {
      const replies = this.replies();
      untracked(() => this.syncPending(replies));
    });

    // The countdown runs only while a reply can still be cancelled.
    effect((onCleanup) => {
      if (this.pending().length === 0) {
        return;
      }
      const timer = setInterval(() => this.tick(), 250);
      onCleanup(() => clearInterval(timer));
    });
  }

  protected errorText(field: ComposerField): string {
    const errors = this.form.controls[field].errors;
    if (errors?.['addressList']) {
      return this.i18n.t('validation.addressList', { address: errors['addressList'].address });
    }
    if (errors?.['addressCount']) {
      return this.i18n.t('validation.addressCount', { max: errors['addressCount'].max });
    }
    return validationMessage(this.form.controls[field], this.i18n);
  }

  protected secondsLeft(pending: PendingSend): number {
    return Math.max(0, Math.ceil((pending.deadline - this.now()) / 1000));
  }

  protected rememberCaret(): void {
    this.caret = this.textArea().nativeElement.selectionEnd;
  }

  /** The template's text, filled in for this ticket, goes where the cursor was in the body. */
  protected insertTemplate(template: ComposerTemplate): void {
    this.render(template, (text) => {
      const control = this.form.controls.text;
      const body = control.value;
      const at = this.caret === null ? body.length : Math.min(this.caret, body.length);
      const before = body.slice(0, at);
      const glue = before === '' || before.endsWith('\n') ? '' : '\n';
      control.setValue(before + glue + text + body.slice(at));
      control.markAsDirty();
      this.caret = at + glue.length + text.length;
    });
  }

  /** The signature goes at the end, replacing the one chosen before if it is still there. */
  protected appendSignature(template: ComposerTemplate): void {
    this.render(template, (text) => {
      const control = this.form.controls.text;
      let body = control.value;
      if (this.appendedSignature !== null && body.endsWith(this.appendedSignature)) {
        body = body.slice(0, body.length - this.appendedSignature.length);
      }
      const glue = body === '' ? '' : body.endsWith('\n') ? '\n' : '\n\n';
      const signature = glue + text;
      control.setValue(body + signature);
      control.markAsDirty();
      this.appendedSignature = signature;
      this.signatureTemplateId.set(template.id);
    });
  }

  protected toggleScheduling(): void {
    this.scheduling.update((on) => !on);
    this.sendAtControl.setErrors(null);
  }

  protected send(): void {
    this.submit(null);
  }

  protected schedule(): void {
    const value = this.sendAtControl.value;
    const sendAt = value ? fromTokyoLocal(value) : null;
    if (sendAt === null) {
      this.sendAtControl.setErrors({ required: true });
      this.sendAtControl.markAsTouched();
      return;
    }
    if (Date.parse(sendAt) <= Date.now()) {
      this.sendAtControl.setErrors({ past: true });
      this.sendAtControl.markAsTouched();
      return;
    }
    this.submit(sendAt);
  }

  protected sendAtError(): string {
    return this.sendAtControl.hasError('past')
      ? this.i18n.t('composer.sendAtPast')
      : this.i18n.t('validation.required');
  }

  protected cancelSend(pending: PendingSend): void {
    this.undoError.set(null);
    this.cancelling.set(pending.reply.id);
    this.repliesApi.cancel(pending.reply.id).subscribe({
      next: () => {
        this.cancelling.set(null);
        this.drop(pending);
        // Like undo in a mail program: the reply comes back to be edited, unless a new one is under way.
        if (pending.draft && this.form.controls.text.value.trim() === '') {
          this.restore(pending.draft);
          this.notifier.success('reply.cancelledRestored');
        } else {
          this.notifier.success('reply.cancelled');
        }
        this.changed.emit();
      },
      error: (error: unknown) => {
        this.cancelling.set(null);
        this.drop(pending);
        const apiError = readApiError(error);
        // 409: it already started going out (TOO_LATE); the text is chosen by that code.
        this.undoError.set(this.notifier.describe(apiError));
        this.changed.emit();
      },
    });
  }

  private submit(sendAt: string | null): void {
    this.formError.set(null);
    this.undoError.set(null);
    clearServerErrors(this.form);
    if (this.uploading()) {
      this.formError.set({ key: 'composer.waitForUploads' });
      return;
    }
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.formError.set({ key: 'validation.fixErrors' });
      return;
    }
    const ticket = this.ticket();
    const draft: SentDraft = {
      form: this.form.getRawValue(),
      attachments: this.attachments(),
      signatureTemplateId: this.signatureTemplateId(),
    };
    const input: NewReply = {
      to: splitAddresses(draft.form.to),
      cc: splitAddresses(draft.form.cc),
      bcc: splitAddresses(draft.form.bcc),
      subject: draft.form.subject.trim(),
      text: draft.form.text,
      attachments: draft.attachments.map((a) => a.uploadId),
      ...(sendAt ? { sendAt } : {}),
      ...(draft.form.senderTemplateId !== null ? { senderTemplateId: draft.form.senderTemplateId } : {}),
      ...(draft.signatureTemplateId !== null ? { signatureTemplateId: draft.signatureTemplateId } : {}),
    };
    this.sending.set(true);
    this.repliesApi.create(ticket.id, input).subscribe({
      next: (reply) => {
        this.sending.set(false);
        this.announce(reply, draft);
        this.scheduling.set(false);
        this.sendAtControl.reset('');
        // Through the directive, so the emptied text does not show as "required" right away.
        this.formDirective().resetForm(this.defaults(ticket));
        this.attachments.set([]);
        this.signatureTemplateId.set(null);
        this.appendedSignature = null;
        this.caret = null;
        this.changed.emit();
      },
      error: (error: unknown) => {
        this.sending.set(false);
        const apiError = readApiError(error);
        this.formError.set(
          apiError.status === 400
            ? showServerErrors(this.form, apiError, this.i18n)
            : { text: this.notifier.describe(apiError) },
        );
      },
    });
  }

  private announce(reply: Reply, draft: SentDraft): void {
    if (reply.status === 'awaiting_approval') {
      this.notifier.success('composer.submitted');
      return;
    }
    if (reply.sendAt && Date.parse(reply.sendAt) > Date.now()) {
      this.notifier.success('composer.scheduled', { at: formatDateTime(reply.sendAt) });
      return;
    }
    const deadline = undoDeadline(reply, Date.now(), 'answer');
    if (reply.status === 'queued' && deadline !== null && deadline > Date.now()) {
      this.now.set(Date.now());
      this.pending.update((list) => [...list, { reply, deadline, draft }]);
    } else {
      this.notifier.success('reply.queued');
    }
  }

  private templates(kind: ComposerTemplateKind) {
    return rxResource({
      params: () => this.ticket().mailboxId,
      // No templates (or no templates API yet) only means nothing to pick from.
      stream: ({ params: mailboxId }) =>
        this.templatesApi.list(mailboxId, kind).pipe(catchError(() => of([] as ComposerTemplate[]))),
      defaultValue: [],
    });
  }

  private render(template: ComposerTemplate, use: (text: string) => void): void {
    this.inserting.set(true);
    this.templatesApi.render(template.id, this.ticket().id).subscribe({
      next: (rendered) => {
        this.inserting.set(false);
        use(rendered.text ?? '');
      },
      error: (error: unknown) => {
        this.inserting.set(false);
        this.notifier.error(error);
      },
    });
  }

  private clear(ticket: WorkflowTicket): void {
    this.form.reset(this.defaults(ticket));
    this.attachments.set([]);
    this.signatureTemplateId.set(null);
    this.appendedSignature = null;
    this.caret = null;
    this.scheduling.set(false);
    this.sendAtControl.reset('');
  }

  private restore(draft: SentDraft): void {
    this.form.reset(draft.form);
    this.attachments.set(draft.attachments);
    this.signatureTemplateId.set(draft.signatureTemplateId);
  }

  private defaults(ticket: WorkflowTicket): ComposerDraft {
    return {
      to: ticket.contact?.address ?? '',
      cc: '',
      bcc: '',
      subject: ticket.replySubject ?? '',
      text: '',
      senderTemplateId: this.form.controls.senderTemplateId.value,
    };
  }

  /**
   * Keeps the undo bars in step with the ticket's replies: one no longer queued (sent, or
   * cancelled elsewhere) loses its bar; a queued one still inside its window (e.g. after a page
   * reload) gets one. Replies scheduled for later are listed with the replies in flight instead.
   */
  private syncPending(replies: readonly Reply[]): void {
    const now = Date.now();
    const statuses = new Map(replies.map((reply) => [reply.id, reply.status]));
    const kept = this.pending().filter((p) => (statuses.get(p.reply.id) ?? 'queued') === 'queued');
    const shown = new Set(kept.map((p) => p.reply.id));
    const found: PendingSend[] = [];
    for (const reply of replies) {
      if (reply.status !== 'queued' || reply.sendAt !== null || shown.has(reply.id)) {
        continue;
      }
      const deadline = undoDeadline(reply, now, 'timeline');
      if (deadline !== null && deadline > now) {
        found.push({ reply, deadline, draft: null });
      }
    }
    if (found.length > 0 || kept.length !== this.pending().length) {
      this.now.set(now);
      this.pending.set([...kept, ...found]);
    }
  }

  private tick(): void {
    const now = Date.now();
    this.now.set(now);
    const cancelling = this.cancelling();
    if (this.pending().some((p) => p.deadline <= now && p.reply.id !== cancelling)) {
      this.pending.update((list) => list.filter((p) => p.deadline > now || p.reply.id === cancelling));
    }
  }

  private drop(pending: PendingSend): void {
    this.pending.update((list) => list.filter((p) => p !== pending));
  }
}
