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
import { HttpErrorResponse } from '@angular/common/http';
import { rxResource, takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import {
  FormControl,
  FormGroupDirective,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  Validators,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatMenuModule } from '@angular/material/menu';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { catchError, of } from 'rxjs';

import { readApiError } from '../api/api-error';
import { DraftsApi, type ReplyDraft } from '../api/drafts-api';
import { UnsavedChanges } from '../core/unsaved-changes';
import { Session } from '../core/session';
import {
  ComposerTemplates,
  type ComposerTemplate,
  type ComposerTemplateKind,
} from '../api/composer-templates';
import type { MessageKey } from '../i18n/ja';
import {
  RepliesApi,
  type AfterSend,
  type NewReply,
  type Reply,
  type ReplyAttachment,
} from '../api/replies-api';
import type { WorkflowTicket } from '../api/workflow-api';
import {
  clearServerErrors,
  showServerErrors,
  validationMessage,
  dropBannerWhenFixed,
} from '../core/form-errors';
import { Notifier } from '../core/notifier';
import { formatDateTime } from '../i18n/date-time-pipe';
import { I18n, type Message } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';
import { addressListValidator, notBlankValidator, splitAddresses } from './address-list';
import { AttachmentPicker } from './attachment-picker';
import { PresenceTracker } from './presence-tracker';
import { fromTokyoLocal, undoDeadline } from './reply-timing';
import { TrafficCop, type TicketNews } from './traffic-cop';
import { SignatureApi } from '../api/signature-api';
import { confirmAction } from '../core/confirm-dialog';
import { checkMisdelivery } from './misdelivery-check';
import { CustomersApi } from '../api/customers-api';
import { needsSendConfirmation } from '../customers/list-flag-badge';
import { MisdeliveryDialog, type MisdeliveryDialogData } from './misdelivery-dialog';
import { RichTextEditor, textToEditorHtml } from './rich-text-editor';
import { japaneseMobile } from '@madoguchi/sms-shared/mobile';
import { SMS_MAX_LENGTH, segments } from '@madoguchi/sms-shared/segments';
import type { AbstractControl, ValidationErrors } from '@angular/forms';

/** A reply on an SMS ticket goes to one Japanese mobile number (070/080/090). */
function smsRecipientValidator(control: AbstractControl<string>): ValidationErrors | null {
  const value = control.value.trim();
  return value === '' || japaneseMobile(value) ? null : { smsRecipient: true };
}

export const MAX_REPLY_LENGTH = 100_000;
/** A server draft is saved this long after the last keystroke (and at once when focus leaves the form). */
const DRAFT_SAVE_DELAY_MS = 1_000;

/** What the writer had on screen when the reply was started: what the traffic cop compares with. */
interface Seen {
  articleId: number;
  replyId: number;
}

/** What arrived since (409 TICKET_CHANGED_SINCE_OPENED), held until the writer confirms. */
interface News {
  articleIds: number[];
  replyIds: number[];
  sendAt: string | null;
}

function buildForm(fb: NonNullableFormBuilder) {
  return fb.group({
    to: ['', [notBlankValidator, addressListValidator]],
    cc: ['', addressListValidator],
    bcc: ['', addressListValidator],
    subject: ['', Validators.maxLength(500)],
    text: ['', [notBlankValidator, Validators.maxLength(MAX_REPLY_LENGTH)]],
    /** The rich text editor's HTML (rich mode only; the text above then follows what it shows). */
    html: [''],
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
  rich: boolean;
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
    RouterLink,
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatMenuModule,
    MatProgressBarModule,
    MatSelectModule,
    AttachmentPicker,
    RichTextEditor,
    TrafficCop,
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
  private readonly draftsApi = inject(DraftsApi);
  /** Templates are made in settings, an administrator's page. */
  protected readonly isAdmin = inject(Session).isAdmin;
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly presence = inject(PresenceTracker);
  protected readonly i18n = inject(I18n);

  readonly ticket = input.required<WorkflowTicket>();
  /** The ticket's replies, for the undo bars of queued ones (also after a page reload). */
  readonly replies = input<readonly Reply[]>([]);
  /** The ticket's customer: replying to a ブラック one asks first. */
  readonly customerId = input<number | null>(null);
  /** A reply was queued, submitted or cancelled: the ticket should be fetched again. */
  readonly changed = output<void>();

  protected readonly maxLength = MAX_REPLY_LENGTH;
  protected readonly form = buildForm(inject(NonNullableFormBuilder));
  private readonly formDirective = viewChild.required(FormGroupDirective);
  private readonly textArea = viewChild<ElementRef<HTMLTextAreaElement>>('textArea');
  private readonly richEditor = viewChild(RichTextEditor);
  private readonly dialog = inject(MatDialog);
  private readonly signatureApi = inject(SignatureApi);
  /** The writer's own signature (個人設定), put once below the text of a new reply. */
  private personalSignature = '';
  /** Rich text mode: the body is written in the editor and sent as HTML with a plain part. */
  protected readonly richMode = signal(false);
  /** The recipients and files the writer confirmed in the 誤送信防止 check (asked again if they change). */
  private misdeliveryConfirmed: string | null = null;
  /** The writer confirmed replying to a black-listed customer (asked again for the next reply). */
  private blackConfirmed = false;
  private readonly customersApi = inject(CustomersApi);
  private readonly rights = inject(Session);
  private readonly customerFlag = rxResource({
    params: () => (this.customerId() && this.rights.can('customers.read') ? this.customerId()! : undefined),
    stream: ({ params: id }) => this.customersApi.get(id).pipe(catchError(() => of(null))),
  });

  protected readonly attachments = signal<readonly ReplyAttachment[]>([]);
  protected readonly uploading = signal(false);
  private readonly signatureTemplateId = signal<number | null>(null);
  /** The signature text last appended, replaced when another signature is chosen. */
  private appendedSignature: string | null = null;
  /** Where the cursor was in the body, for inserting a template there; null: at the end. */
  private caret: number | null = null;

  protected readonly approvalRequired = computed(() => this.ticket().approvalRequired === true);
  /**
   * An SMS ticket: the reply goes out as an SMS to one mobile number — no Cc/Bcc, subject,
   * attachments, rich text or signature; the body is counted in carrier segments as one types.
   */
  protected readonly sms = computed(() => this.ticket().channel === 'sms');
  private readonly textValue = signal('');
  protected readonly smsCount = computed(() => segments(this.textValue()));
  protected readonly smsMaxLength = SMS_MAX_LENGTH;
  protected readonly approvalSteps = computed(() => this.ticket().approvalSteps ?? 0);

  protected readonly bodyTemplates = this.templates('body');
  protected readonly signatureTemplates = this.templates('signature');
  protected readonly senderTemplates = this.templates('sender');
  protected readonly inserting = signal(false);

  protected readonly scheduling = signal(false);
  protected readonly sendAtControl = inject(NonNullableFormBuilder).control('');
  protected readonly sending = signal(false);
  protected readonly formError = signal<Message | null>(null);
  /** The 「入力内容を確認してください」 banner goes once the fields are fixed. */
  private readonly bannerWatch = dropBannerWhenFixed(this.form, this.formError);

  protected readonly pending = signal<readonly PendingSend[]>([]);
  protected readonly cancelling = signal<number | null>(null);
  protected readonly undoError = signal<string | null>(null);
  private readonly now = signal(Date.now());

  /** The server draft's version the next save builds on (0: none yet). */
  private draftVersion = 0;
  private draftTimer: ReturnType<typeof setTimeout> | undefined;
  private draftSaving = false;
  /** Typed since the last save began. */
  private draftUnsaved = false;
  /** The reply was sent while a save was on its way: that save must not leave a draft behind. */
  private discardAfterSave = false;
  /** Another device saved (or sent) the draft meanwhile: its draft (null: gone), until the writer chooses. */
  protected readonly draftConflict = signal<ReplyDraft | null | undefined>(undefined);
  protected readonly draftRestored = signal(false);

  private seen: Seen | null = null;
  /**
   * The newest article when this ticket was opened (or when this user last sent on it): a reply a
   * colleague sent after that is news even if it showed up live before typing began, since the
   * timeline may have grown out of sight above the composer.
   */
  private openedArticleId = 0;
  protected readonly news = signal<News | null>(null);
  /** The news, as far as the ticket and its replies (re-fetched on the 409) show them. */
  protected readonly newsItems = computed<TicketNews[]>(() => {
    const news = this.news();
    if (!news) return [];
    const articles = this.ticket().articles.filter((a) => news.articleIds.includes(a.id));
    const replies = this.replies().filter((r) => news.replyIds.includes(r.id));
    return [
      ...articles.map((a) => ({
        key: `a${a.id}`,
        from: a.from?.name || a.from?.address || '',
        at: a.createdAt,
        text: a.text ?? '',
        inbound: a.direction === 'inbound',
      })),
      ...replies.map((r) => ({
        key: `r${r.id}`,
        from: r.author?.name ?? '',
        at: r.createdAt,
        text: r.text,
        inbound: false,
      })),
    ];
  });

  constructor() {
    // Typed but not yet in the server draft (the first second after a keystroke, or a draft in
    // conflict with another device): leaving asks first. Once saved, the draft comes back anyway.
    inject(UnsavedChanges).watch(
      () => !this.sending() && (this.draftUnsaved || this.draftConflict() !== undefined),
    );
    this.form.controls.html.valueChanges.pipe(takeUntilDestroyed()).subscribe(() => this.syncRichText());
    this.form.valueChanges.pipe(takeUntilDestroyed()).subscribe(() => this.edited());
    this.signatureApi.get().subscribe({
      next: (signature) => {
        this.personalSignature = signature;
        // A new reply not yet touched and no draft restored: the signature goes in now, once.
        if (signature && !this.form.dirty && !this.draftRestored() && this.form.controls.text.value === '') {
          this.form.reset(this.defaults(this.ticket()));
        }
      },
      // Without a signature the composer works as before.
      error: () => undefined,
    });
    this.form.controls.text.valueChanges
      .pipe(takeUntilDestroyed())
      .subscribe((text) => this.textValue.set(text));
    // The recipient and body rules follow the ticket's channel.
    effect(() => {
      const sms = this.sms();
      untracked(() => {
        const c = this.form.controls;
        c.to.setValidators(
          sms ? [notBlankValidator, smsRecipientValidator] : [notBlankValidator, addressListValidator],
        );
        c.cc.setValidators(sms ? [] : addressListValidator);
        c.bcc.setValidators(sms ? [] : addressListValidator);
        c.text.setValidators([
          notBlankValidator,
          Validators.maxLength(sms ? SMS_MAX_LENGTH : MAX_REPLY_LENGTH),
        ]);
        if (sms) this.richMode.set(false);
        for (const control of [c.to, c.cc, c.bcc, c.text])
          control.updateValueAndValidity({ emitEvent: false });
      });
    });
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
          this.resetDraftState();
          this.openedArticleId = Math.max(0, ...ticket.articles.map((x) => x.id));
          this.loadDraft(ticket);
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
    if (errors?.['signatureOnly']) {
      return this.i18n.t('composer.signatureOnly');
    }
    if (errors?.['smsRecipient']) {
      return this.i18n.t('sms.reply.recipient');
    }
    if (field === 'text' && this.sms() && errors?.['maxlength']) {
      return this.i18n.t('sms.reply.tooLong', { max: SMS_MAX_LENGTH });
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
    this.caret = this.textArea()?.nativeElement.selectionEnd ?? null;
  }

  /** Plain ⇄ rich: the text becomes the editor's lines, or the editor's text becomes plain text (its marks are dropped). */
  protected toggleRichText(): void {
    const controls = this.form.controls;
    if (this.richMode()) {
      const text = (this.richEditor()?.text() ?? controls.text.value).replace(/\n$/, '');
      this.richMode.set(false);
      controls.html.setValue('', { emitEvent: false });
      controls.text.setValue(text);
    } else {
      this.richMode.set(true);
      controls.html.setValue(textToEditorHtml(controls.text.value));
    }
    this.caret = null;
  }

  /** In rich mode the text control holds what the editor shows: validation, the count and drafts use it. */
  private syncRichText(): void {
    if (!this.richMode()) return;
    const editor = this.richEditor();
    if (!editor) return;
    this.form.controls.text.setValue(editor.text().replace(/\n$/, ''), { emitEvent: false });
    this.form.controls.text.markAsDirty();
  }

  /** Nothing written but the signature(s) the composer put in: not a reply anyone meant to send. */
  private onlySignature(): boolean {
    let body = this.form.controls.text.value;
    for (const signature of [this.appendedSignature, this.personalSignature]) {
      if (!signature) continue;
      const at = body.lastIndexOf(signature.trim());
      if (at >= 0) body = body.slice(0, at) + body.slice(at + signature.trim().length);
    }
    return body.trim() === '';
  }

  private signatureBlock(): string {
    return this.personalSignature ? `\n\n${this.personalSignature}` : '';
  }

  /** The template's text, filled in for this ticket, goes where the cursor was in the body. */
  protected insertTemplate(template: ComposerTemplate): void {
    this.render(template, (text) => {
      const control = this.form.controls.text;
      const body = control.value;
      const block = this.signatureBlock();
      const end = block && body.endsWith(block) ? body.length - block.length : body.length;
      const at = this.caret === null ? end : Math.min(this.caret, body.length);
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

  /** 送信して対応済 / 送信して保留 / 送信のみ: what the ticket becomes once the reply goes out. */
  protected readonly afterSend = signal<AfterSend>('handled');
  protected readonly afterSendChoices: readonly AfterSend[] = ['handled', 'hold', 'open'];
  /** 保留 until (a local date and time); empty: until the customer's next message. */
  protected readonly holdUntil = new FormControl('', { nonNullable: true });
  protected afterSendLabel(choice: AfterSend): MessageKey {
    return `composer.afterSend.${choice}`;
  }
  protected sendLabel(): MessageKey {
    return this.approvalRequired() ? 'composer.submitForApproval' : `composer.send.${this.afterSend()}`;
  }

  /** Traffic cop: the writer has read what arrived and sends as before. */
  protected confirmNews(): void {
    const news = this.news();
    if (news) this.submit(news.sendAt, true);
  }

  protected dismissNews(): void {
    this.news.set(null);
  }

  /** Focus left the form: save what is there now rather than a second later. */
  protected saveDraftNow(): void {
    clearTimeout(this.draftTimer);
    this.draftTimer = undefined;
    if (!this.draftUnsaved || this.sending() || this.draftConflict() !== undefined) return;
    if (this.draftSaving) {
      this.draftTimer = setTimeout(() => this.saveDraftNow(), DRAFT_SAVE_DELAY_MS);
      return;
    }
    const ticketId = this.ticket().id;
    const value = this.form.getRawValue();
    this.draftUnsaved = false;
    if (value.text.trim() === '') {
      // An emptied composer keeps no draft.
      if (this.draftVersion > 0) {
        this.draftSaving = true;
        this.draftsApi.delete(ticketId).subscribe({
          next: () => this.afterDraftSave(ticketId, 0),
          error: () => this.afterDraftSave(ticketId, this.draftVersion),
        });
      }
      return;
    }
    this.draftSaving = true;
    this.draftsApi
      .save(ticketId, {
        body: value.text,
        bodyHtml: this.richMode() ? value.html : null,
        subject: value.subject,
        to: splitAddresses(value.to),
        cc: splitAddresses(value.cc),
        bcc: splitAddresses(value.bcc),
        version: this.draftVersion,
      })
      .subscribe({
        next: (draft) => this.afterDraftSave(ticketId, draft.version),
        error: (error: unknown) => {
          this.draftSaving = false;
          const body =
            error instanceof HttpErrorResponse
              ? (error.error as { error?: string; current?: ReplyDraft | null })
              : null;
          if (ticketId !== this.ticket().id) return;
          if (body?.error === 'DRAFT_VERSION_CONFLICT') {
            this.draftConflict.set(body.current ?? null);
          } else {
            // Offline or refused: try again with the next change.
            this.draftUnsaved = true;
          }
        },
      });
  }

  /** After a conflict: take the other device's draft into the composer. */
  protected loadOtherDraft(): void {
    const draft = this.draftConflict();
    this.draftConflict.set(undefined);
    if (draft) this.fillFromDraft(draft);
  }

  /** After a conflict: keep what is here, saved over the other device's version. */
  protected keepThisDraft(): void {
    const draft = this.draftConflict();
    this.draftConflict.set(undefined);
    this.draftVersion = draft?.version ?? 0;
    this.draftUnsaved = true;
    this.saveDraftNow();
  }

  private edited(): void {
    if (!this.form.dirty) return; // a reset or a restored draft, not typing
    if (!this.seen) {
      const latest = this.latestSeen();
      this.seen = { ...latest, articleId: Math.min(latest.articleId, this.openedArticleId) };
    }
    const ticketId = this.ticket().id;
    if (this.form.controls.text.value.trim() === '') this.presence.stopped();
    else this.presence.typing(ticketId);
    this.draftUnsaved = true;
    clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => this.saveDraftNow(), DRAFT_SAVE_DELAY_MS);
  }

  private afterDraftSave(ticketId: number, version: number): void {
    this.draftSaving = false;
    if (ticketId !== this.ticket().id) return;
    if (this.discardAfterSave) {
      this.discardAfterSave = false;
      this.draftVersion = 0;
      this.draftsApi.delete(ticketId).subscribe({ error: () => undefined });
      return;
    }
    this.draftVersion = version;
  }

  private loadDraft(ticket: WorkflowTicket): void {
    this.draftsApi.get(ticket.id).subscribe({
      next: (draft) => {
        if (!draft || ticket.id !== this.ticket().id) return;
        this.draftVersion = draft.version;
        // Typing already began here: keep it, the next save settles which version wins.
        if (!this.form.dirty) this.fillFromDraft(draft);
      },
      // No draft to restore is not worth an error on the ticket page.
      error: () => undefined,
    });
  }

  private fillFromDraft(draft: ReplyDraft): void {
    const ticket = this.ticket();
    // A rich draft comes back rich, formatting and all.
    if (draft.bodyHtml) this.richMode.set(true);
    this.form.reset({
      ...this.defaults(ticket),
      ...(draft.to.length ? { to: draft.to.join(', ') } : {}),
      cc: draft.cc.join(', '),
      bcc: draft.bcc.join(', '),
      ...(draft.subject ? { subject: draft.subject } : {}),
      text: draft.body,
      html: draft.bodyHtml ?? (this.richMode() ? textToEditorHtml(draft.body) : ''),
    });
    this.draftVersion = draft.version;
    this.draftRestored.set(true);
    // What is on screen now is what the restored reply was written against.
    this.seen = this.latestSeen();
  }

  private resetDraftState(): void {
    clearTimeout(this.draftTimer);
    this.draftTimer = undefined;
    this.draftVersion = 0;
    this.draftUnsaved = false;
    this.discardAfterSave = false;
    this.draftConflict.set(undefined);
    this.draftRestored.set(false);
    this.seen = null;
    this.news.set(null);
    this.presence.stopped();
  }

  private latestSeen(): Seen {
    return {
      articleId: Math.max(0, ...this.ticket().articles.map((a) => a.id)),
      replyId: Math.max(0, ...this.replies().map((r) => r.id)),
    };
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
          // Sending deleted the server draft; the reply back in the box is one again.
          this.draftUnsaved = true;
          this.saveDraftNow();
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

  private submit(sendAt: string | null, confirmChanged = false): void {
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
    if (this.onlySignature()) {
      // Set on the control, so the message goes as soon as something is written (the next validation run clears it).
      this.form.controls.text.setErrors({ signatureOnly: true });
      this.form.controls.text.markAsTouched();
      this.formError.set({ key: 'composer.signatureOnly' });
      return;
    }
    const ticket = this.ticket();
    const draft: SentDraft = {
      form: this.form.getRawValue(),
      attachments: this.attachments(),
      signatureTemplateId: this.signatureTemplateId(),
      rich: this.richMode(),
    };
    if (!this.sms() && !this.misdeliveryChecked(draft, () => this.submit(sendAt, confirmChanged))) return;
    const customer = this.customerFlag.hasValue() ? this.customerFlag.value() : null;
    if (customer && needsSendConfirmation(customer.listFlag) && !this.blackConfirmed) {
      confirmAction(this.dialog, {
        title: 'customer.blackConfirmTitle',
        message: 'customer.blackConfirmReply',
        params: { name: `${customer.lastName} ${customer.firstName ?? ''}`.trim() },
        confirm: 'customer.blackConfirmOk',
      }).subscribe((ok) => {
        if (!ok) return;
        this.blackConfirmed = true;
        this.submit(sendAt, confirmChanged);
      });
      return;
    }
    const sms = this.sms();
    const input: NewReply = {
      to: sms ? [draft.form.to.trim()] : splitAddresses(draft.form.to),
      cc: sms ? [] : splitAddresses(draft.form.cc),
      bcc: sms ? [] : splitAddresses(draft.form.bcc),
      subject: sms ? '' : draft.form.subject.trim(),
      // Rich: the HTML only; the server sanitises it and derives the plain part from what is left.
      ...(draft.rich ? { bodyHtml: this.form.controls.html.value } : { text: draft.form.text }),
      attachments: draft.attachments.map((a) => a.uploadId),
      ...(sendAt ? { sendAt } : {}),
      ...(draft.form.senderTemplateId !== null ? { senderTemplateId: draft.form.senderTemplateId } : {}),
      ...(draft.signatureTemplateId !== null ? { signatureTemplateId: draft.signatureTemplateId } : {}),
      ...this.seenFields(confirmChanged),
      ...(this.afterSend() !== 'handled' ? { afterSend: this.afterSend() } : {}),
      ...(this.afterSend() === 'hold' && this.holdUntil.value
        ? { holdUntil: new Date(this.holdUntil.value).toISOString() }
        : {}),
    };
    clearTimeout(this.draftTimer);
    this.draftTimer = undefined;
    this.sending.set(true);
    this.repliesApi.create(ticket.id, input).subscribe({
      next: (reply) => {
        this.sending.set(false);
        // The server deleted the draft with the reply; a save still on its way must not bring it back.
        this.discardAfterSave = this.draftSaving;
        this.draftVersion = 0;
        this.draftUnsaved = false;
        this.draftRestored.set(false);
        this.seen = null;
        // What was on the ticket when this reply went out is known from now on.
        this.openedArticleId = this.latestSeen().articleId;
        this.news.set(null);
        this.presence.stopped();
        this.announce(reply, draft);
        this.scheduling.set(false);
        this.sendAtControl.reset('');
        // Through the directive, so the emptied text does not show as "required" right away.
        this.formDirective().resetForm(this.defaults(ticket));
        this.attachments.set([]);
        this.signatureTemplateId.set(null);
        this.appendedSignature = null;
        this.caret = null;
        this.misdeliveryConfirmed = null;
        this.blackConfirmed = false;
        this.changed.emit();
      },
      error: (error: unknown) => {
        this.sending.set(false);
        const apiError = readApiError(error);
        if (apiError.code === 'TICKET_CHANGED_SINCE_OPENED') {
          this.showNews(error, sendAt);
          return;
        }
        this.formError.set(
          apiError.status === 400
            ? showServerErrors(this.form, apiError, this.i18n)
            : { text: this.notifier.describe(apiError) },
        );
      },
    });
  }

  /**
   * 誤送信防止: true when nothing needs confirming (or the writer confirmed these very recipients
   * and files); otherwise the check dialog opens and `proceed` runs once the writer confirms.
   */
  private misdeliveryChecked(draft: SentDraft, proceed: () => void): boolean {
    const ticket = this.ticket();
    const check = checkMisdelivery({
      customerAddress: ticket.contact?.address,
      to: splitAddresses(draft.form.to),
      cc: splitAddresses(draft.form.cc),
      bcc: splitAddresses(draft.form.bcc),
      proposed: {
        cc: splitAddresses(this.defaults(ticket).cc),
        bcc: splitAddresses(this.defaults(ticket).bcc),
      },
      attachmentNames: draft.attachments.map((a) => a.filename),
    });
    if (check.reasons.length === 0) return true;
    const key = JSON.stringify([check.recipients, draft.attachments.map((a) => a.uploadId)]);
    if (this.misdeliveryConfirmed === key) return true;
    const data: MisdeliveryDialogData = { check, approval: this.approvalRequired() };
    this.dialog
      .open<MisdeliveryDialog, MisdeliveryDialogData, boolean>(MisdeliveryDialog, {
        data,
        autoFocus: 'first-tabbable',
        maxWidth: '560px',
        width: '100%',
      })
      .afterClosed()
      .subscribe((confirmed) => {
        if (!confirmed) return;
        this.misdeliveryConfirmed = key;
        proceed();
      });
    return false;
  }

  /** What the composer had seen, for the traffic cop; nothing is checked once the writer confirmed. */
  private seenFields(
    confirmChanged: boolean,
  ): Pick<NewReply, 'seenArticleId' | 'seenReplyId' | 'confirmChanged'> {
    if (confirmChanged) return { confirmChanged: true };
    const seen = this.seen ?? this.latestSeen();
    return { seenArticleId: seen.articleId, seenReplyId: seen.replyId };
  }

  private showNews(error: unknown, sendAt: string | null): void {
    const body =
      error instanceof HttpErrorResponse ? (error.error as { articleIds?: unknown; replyIds?: unknown }) : {};
    const ids = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : []);
    const news = { articleIds: ids(body?.articleIds), replyIds: ids(body?.replyIds), sendAt };
    this.news.set(news);
    // From now on these count as seen; the ticket is fetched again so that they show.
    const seen = this.seen ?? this.latestSeen();
    this.seen = {
      articleId: Math.max(seen.articleId, ...news.articleIds),
      replyId: Math.max(seen.replyId, ...news.replyIds),
    };
    this.changed.emit();
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
      // The undo bar must be seen to be used: bring it into view once it is drawn.
      setTimeout(() =>
        this.host.nativeElement
          .querySelector('[data-testid="reply-undo-bar"]')
          ?.scrollIntoView({ block: 'nearest', behavior: 'smooth' }),
      );
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
    this.misdeliveryConfirmed = null;
  }

  private restore(draft: SentDraft): void {
    this.richMode.set(draft.rich);
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
      // No signature in an SMS: every character counts.
      text: ticket.channel === 'sms' ? '' : this.signatureBlock(),
      html: this.richMode() && ticket.channel !== 'sms' ? textToEditorHtml(this.signatureBlock()) : '',
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
      // Someone else's reply (approved by me, say): its undo is not mine to offer.
      if (reply.status !== 'queued' || reply.sendAt !== null || shown.has(reply.id) || !reply.canCancel) {
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
