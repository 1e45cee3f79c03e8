import { checkMisdelivery } from '../ticket/misdelivery-check';
import { MisdeliveryDialog, type MisdeliveryDialogData } from '../ticket/misdelivery-dialog';
import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, viewChild, type ElementRef } from '@angular/core';
import { rxResource, toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatMenuModule } from '@angular/material/menu';
import { Router, RouterLink } from '@angular/router';
import { catchError, of } from 'rxjs';

import { readApiError } from '../api/api-error';
import { ComposerTemplates, type ComposerTemplate, type ComposerTemplateKind } from '../api/composer-templates';
import { MailboxesApi, type Mailbox } from '../api/mailboxes-api';
import type { ReplyAttachment } from '../api/replies-api';
import { clearServerErrors, showServerErrors, validationMessage } from '../core/form-errors';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { UnsavedChanges } from '../core/unsaved-changes';
import { I18n, type Message } from '../i18n/i18n';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';
import { AttachmentPicker } from '../ticket/attachment-picker';
import { addressListValidator, notBlankValidator, splitAddresses } from '../ticket/address-list';
import { NewMailApi, type AfterSend, type NewMailCreated } from './new-mail-api';

export interface NewMailDialogData {
  /** The mailbox chosen first (e.g. the inbox's); else the first one the user may reply from. */
  mailboxId?: number | null;
  /** From the karte: the customer the ticket belongs to, and their address as To. */
  customerId?: number;
  to?: string;
}

const MAX_TEXT = 100_000;
const AFTER_SEND: readonly AfterSend[] = ['handled', 'hold', 'open'];

/** Opens the 新規メール作成 dialog; after sending, the console goes to the new ticket. */
export function openNewMailDialog(dialog: MatDialog, data: NewMailDialogData = {}): MatDialogRef<NewMailDialog, NewMailCreated> {
  return dialog.open<NewMailDialog, NewMailDialogData, NewMailCreated>(NewMailDialog, {
    data,
    width: '720px',
    maxWidth: '96vw',
    // Typing starts where the mail needs words: the To, or the subject when the karte gave the To.
    autoFocus: data.to ? '[data-testid="new-mail-subject"]' : '[data-testid="new-mail-to"]',
  });
}

/**
 * 新規メール作成: a mail to a customer that starts a ticket. It goes out as a reply does (the
 * mailbox's approval policy, the undo window, the outbox); 送信後の状態 chooses what the ticket
 * becomes. Esc, the backdrop or leaving the page ask first once something was typed.
 */
@Component({
  selector: 'mg-new-mail-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatMenuModule,
    RouterLink,
    TranslatePipe,
    AttachmentPicker,
  ],
  template: `
    <h2 mat-dialog-title>{{ 'newMail.title' | t }}</h2>
    <form [formGroup]="form" (ngSubmit)="send()" novalidate data-testid="new-mail-form">
      <mat-dialog-content class="dialog-form">
        @if (loaded() && mailboxes().length === 0) {
          <p class="error-text" role="alert" data-testid="new-mail-no-mailbox">{{ 'newMail.noMailbox' | t }}</p>
        }
        <mat-form-field>
          <mat-label>{{ 'newMail.mailbox' | t }}</mat-label>
          <mat-select formControlName="mailboxId" required data-testid="new-mail-mailbox">
            @for (mailbox of mailboxes(); track mailbox.id) {
              <mat-option [value]="mailbox.id" [attr.data-testid]="'new-mail-mailbox-' + mailbox.id">
                {{ mailbox.name }} &lt;{{ mailbox.address }}&gt;
              </mat-option>
            }
          </mat-select>
          <mat-error data-testid="new-mail-error-mailboxId">{{ errorText('mailboxId') }}</mat-error>
        </mat-form-field>
        <mat-form-field>
          <mat-label>{{ 'reply.to' | t }}</mat-label>
          <input matInput formControlName="to" required autocomplete="off" data-testid="new-mail-to" />
          <mat-hint>{{ 'reply.addressHint' | t }}</mat-hint>
          <mat-error data-testid="new-mail-error-to">{{ errorText('to') }}</mat-error>
        </mat-form-field>
        <div class="pair">
          <mat-form-field>
            <mat-label>{{ 'reply.cc' | t }}</mat-label>
            <input matInput formControlName="cc" autocomplete="off" data-testid="new-mail-cc" />
            <mat-error>{{ errorText('cc') }}</mat-error>
          </mat-form-field>
          <mat-form-field>
            <mat-label>{{ 'reply.bcc' | t }}</mat-label>
            <input matInput formControlName="bcc" autocomplete="off" data-testid="new-mail-bcc" />
            <mat-error>{{ errorText('bcc') }}</mat-error>
          </mat-form-field>
        </div>
        <mat-form-field>
          <mat-label>{{ 'reply.subject' | t }}</mat-label>
          <input matInput formControlName="subject" required maxlength="500" autocomplete="off" data-testid="new-mail-subject" />
          <mat-error data-testid="new-mail-error-subject">{{ errorText('subject') }}</mat-error>
        </mat-form-field>
        <div class="tools">
          @if (bodyTemplates.value().length === 0) {
            <!-- No template yet: the button is still here, and says where templates are made. -->
            <button mat-stroked-button type="button" [matMenuTriggerFor]="noTemplateMenu" data-testid="new-mail-template">
              {{ 'composer.insertTemplate' | t }}
            </button>
            <mat-menu #noTemplateMenu="matMenu">
              <p class="menu-note" data-testid="new-mail-no-templates">{{ 'composer.noTemplates' | t }}</p>
              @if (isAdmin()) {
                <a mat-menu-item routerLink="/settings/templates" data-testid="new-mail-templates-link">{{ 'composer.openTemplates' | t }}</a>
              }
            </mat-menu>
          } @else {
            <button mat-stroked-button type="button" [matMenuTriggerFor]="bodyMenu" [disabled]="inserting()" data-testid="new-mail-template">
              {{ 'composer.insertTemplate' | t }}
            </button>
            <mat-menu #bodyMenu="matMenu">
              @for (template of bodyTemplates.value(); track template.id) {
                <button mat-menu-item type="button" (click)="insertTemplate(template)" [attr.data-testid]="'new-mail-template-' + template.id">
                  {{ template.name }}
                </button>
              }
            </mat-menu>
          }
          @if (signatureTemplates.value().length > 0) {
            <button mat-stroked-button type="button" [matMenuTriggerFor]="signatureMenu" [disabled]="inserting()" data-testid="new-mail-signature">
              {{ 'composer.addSignature' | t }}
            </button>
            <mat-menu #signatureMenu="matMenu">
              @for (template of signatureTemplates.value(); track template.id) {
                <button mat-menu-item type="button" (click)="appendSignature(template)" [attr.data-testid]="'new-mail-signature-' + template.id">
                  {{ template.name }}
                </button>
              }
            </mat-menu>
          }
        </div>
        <mat-form-field>
          <mat-label>{{ 'reply.text' | t }}</mat-label>
          <textarea #body matInput formControlName="text" required rows="10" (blur)="rememberCaret()" data-testid="new-mail-text"></textarea>
          <mat-error data-testid="new-mail-error-text">{{ errorText('text') }}</mat-error>
        </mat-form-field>
        <mg-attachment-picker [(attachments)]="attachments" [(busy)]="uploading" [disabled]="sending()" />
        <mat-form-field>
          <mat-label>{{ 'composer.afterSendLabel' | t }}</mat-label>
          <mat-select formControlName="afterSend" data-testid="new-mail-after-send">
            @for (choice of afterSendChoices; track choice) {
              <mat-option [value]="choice" [attr.data-testid]="'new-mail-after-send-' + choice">
                {{ afterSendLabel(choice) | t }}
              </mat-option>
            }
          </mat-select>
        </mat-form-field>
        @if (formError(); as error) {
          <p class="error-text pre-line" role="alert" data-testid="new-mail-error">{{ i18n.render(error) }}</p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close data-testid="new-mail-cancel">{{ 'common.cancel' | t }}</button>
        <button
          mat-flat-button
          type="submit"
          [disabled]="sending() || uploading() || mailboxes().length === 0"
          data-testid="new-mail-send"
        >
          {{ sendLabel() | t }}
        </button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .tools {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      margin-bottom: 12px;
    }
    .menu-note {
      margin: 8px 16px;
      max-width: 280px;
    }
    .pair {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 0 12px;
    }
    @media (max-width: 600px) {
      .pair {
        grid-template-columns: 1fr;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NewMailDialog {
  private readonly api = inject(NewMailApi);
  private readonly dialogRef = inject<MatDialogRef<NewMailDialog, NewMailCreated>>(MatDialogRef);
  private readonly notifier = inject(Notifier);
  private readonly router = inject(Router);
  private readonly session = inject(Session);
  protected readonly i18n = inject(I18n);
  protected readonly data = inject<NewMailDialogData>(MAT_DIALOG_DATA);
  protected readonly afterSendChoices = AFTER_SEND;

  private readonly allMailboxes = toSignal(inject(MailboxesApi).list().pipe(catchError(() => of(null))), { initialValue: undefined });
  protected readonly loaded = computed(() => this.allMailboxes() !== undefined);
  /** Only the mailboxes the user may reply from: a new mail is sent as a reply is. */
  protected readonly mailboxes = computed<Mailbox[]>(() =>
    (this.allMailboxes() ?? []).filter((m) => this.session.canOnMailbox(m.id, 'reply')),
  );

  protected readonly form = inject(NonNullableFormBuilder).group({
    mailboxId: [null as number | null, Validators.required],
    to: [this.data.to ?? '', [notBlankValidator, addressListValidator]],
    cc: ['', addressListValidator],
    bcc: ['', addressListValidator],
    subject: ['', [notBlankValidator, Validators.maxLength(500)]],
    text: ['', [notBlankValidator, Validators.maxLength(MAX_TEXT)]],
    afterSend: ['handled' as AfterSend],
  });
  protected readonly afterSend = toSignal(this.form.controls.afterSend.valueChanges, { initialValue: this.form.controls.afterSend.value });
  protected readonly attachments = signal<readonly ReplyAttachment[]>([]);
  protected readonly uploading = signal(false);
  protected readonly sending = signal(false);
  private sent = false;
  private misdeliveryConfirmed: string | null = null;
  private readonly matDialog = inject(MatDialog);
  protected readonly formError = signal<Message | null>(null);

  private readonly templatesApi = inject(ComposerTemplates);
  /** Templates are made in settings, an administrator's page. */
  protected readonly isAdmin = this.session.isAdmin;
  private readonly mailboxId = toSignal(this.form.controls.mailboxId.valueChanges, { initialValue: this.form.controls.mailboxId.value });
  protected readonly bodyTemplates = this.templates('body');
  protected readonly signatureTemplates = this.templates('signature');
  protected readonly inserting = signal(false);
  private readonly bodyArea = viewChild<ElementRef<HTMLTextAreaElement>>('body');
  /** Where the cursor was in the body when it lost focus (to a template menu); null: the end. */
  private caret: number | null = null;
  /** The signature last appended, replaced when another is chosen. */
  private appendedSignature: string | null = null;

  constructor() {
    const unsaved = inject(UnsavedChanges);
    const dirty = () => !this.sent && (this.form.dirty || this.attachments().length > 0);
    // A half-written mail is not lost to a stray Esc, a click beside the dialog or a link.
    unsaved.guardDialog(this.dialogRef, dirty);
    unsaved.watch(dirty);
    // The first mailbox to reply from once they are known (the inbox's, when the user may reply there).
    effect(() => {
      const allowed = this.mailboxes();
      const control = this.form.controls.mailboxId;
      if (control.value !== null || allowed.length === 0) return;
      control.setValue((allowed.find((m) => m.id === this.data.mailboxId) ?? allowed[0]).id);
    });
  }

  /**
   * 誤送信防止, as the reply composer checks: the customer's domain is the karte's address (or the
   * first To); an outside recipient, a file or any Cc/Bcc asks first. True when nothing needs
   * confirming or these very recipients and files were confirmed.
   */
  private misdeliveryChecked(proceed: () => void): boolean {
    const v = this.form.getRawValue();
    const to = splitAddresses(v.to);
    const check = checkMisdelivery({
      customerAddress: this.data.to ?? to[0],
      to,
      cc: splitAddresses(v.cc),
      bcc: splitAddresses(v.bcc),
      proposed: { cc: [], bcc: [] },
      attachmentNames: this.attachments().map((a) => a.filename),
    });
    if (check.reasons.length === 0) return true;
    const key = JSON.stringify([check.recipients, this.attachments().map((a) => a.uploadId)]);
    if (this.misdeliveryConfirmed === key) return true;
    this.matDialog
      .open<MisdeliveryDialog, MisdeliveryDialogData, boolean>(MisdeliveryDialog, { data: { check, approval: false }, autoFocus: 'first-tabbable', maxWidth: '560px', width: '100%' })
      .afterClosed()
      .subscribe((confirmed) => {
        if (!confirmed) return;
        this.misdeliveryConfirmed = key;
        proceed();
      });
    return false;
  }

  private templates(kind: ComposerTemplateKind) {
    return rxResource({
      params: () => this.mailboxId() ?? undefined,
      // No templates only means nothing to pick from.
      stream: ({ params: mailboxId }) => this.templatesApi.list(mailboxId, kind).pipe(catchError(() => of([] as ComposerTemplate[]))),
      defaultValue: [],
    });
  }

  protected rememberCaret(): void {
    this.caret = this.bodyArea()?.nativeElement.selectionEnd ?? null;
  }

  /** A template filled in for this customer goes where the cursor was (else at the end, before a signature). */
  protected insertTemplate(template: ComposerTemplate): void {
    this.render(template, (text) => {
      const control = this.form.controls.text;
      const body = control.value;
      const end = this.appendedSignature && body.endsWith(this.appendedSignature) ? body.length - this.appendedSignature.length : body.length;
      const at = this.caret === null ? end : Math.min(this.caret, body.length);
      const before = body.slice(0, at);
      const glue = before === '' || before.endsWith('\n') ? '' : '\n';
      control.setValue(before + glue + text + body.slice(at));
      control.markAsDirty();
      this.caret = at + glue.length + text.length;
    });
  }

  /** A signature goes at the end, replacing the one chosen before if it is still there. */
  protected appendSignature(template: ComposerTemplate): void {
    this.render(template, (text) => {
      const control = this.form.controls.text;
      let body = control.value;
      if (this.appendedSignature !== null && body.endsWith(this.appendedSignature)) body = body.slice(0, body.length - this.appendedSignature.length);
      const glue = body === '' ? '' : body.endsWith('\n') ? '\n' : '\n\n';
      control.setValue(body + glue + text);
      control.markAsDirty();
      this.appendedSignature = glue + text;
    });
  }

  private render(template: ComposerTemplate, use: (text: string) => void): void {
    const mailboxId = this.form.controls.mailboxId.value;
    if (mailboxId === null) return;
    this.inserting.set(true);
    const subject = this.form.controls.subject.value.trim();
    this.templatesApi
      .renderForNewMail(template.id, { mailboxId, ...(this.data.customerId ? { customerId: this.data.customerId } : {}), ...(subject ? { subject } : {}) })
      .subscribe({
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

  protected afterSendLabel(choice: AfterSend): MessageKey {
    return `composer.afterSend.${choice}`;
  }

  /** 送信して対応済 / 送信して保留 / 送信のみ, as the reply composer words it. */
  protected sendLabel(): MessageKey {
    return `composer.send.${this.afterSend()}`;
  }

  protected errorText(name: 'mailboxId' | 'to' | 'cc' | 'bcc' | 'subject' | 'text'): string {
    const errors = this.form.controls[name].errors;
    if (errors?.['addressList']) {
      return this.i18n.t('validation.addressList', { address: errors['addressList'].address });
    }
    if (errors?.['addressCount']) {
      return this.i18n.t('newMail.tooManyAddresses', { max: errors['addressCount'].max });
    }
    return validationMessage(this.form.controls[name], this.i18n);
  }

  protected send(): void {
    this.formError.set(null);
    clearServerErrors(this.form);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    if (!this.misdeliveryChecked(() => this.send())) return;
    const v = this.form.getRawValue();
    this.sending.set(true);
    this.api
      .create({
        mailboxId: v.mailboxId!,
        to: splitAddresses(v.to),
        cc: splitAddresses(v.cc),
        bcc: splitAddresses(v.bcc),
        subject: v.subject.trim(),
        text: v.text,
        ...(this.data.customerId ? { customerId: this.data.customerId } : {}),
        attachments: this.attachments().map((a) => a.uploadId),
        afterSend: v.afterSend,
      })
      .subscribe({
        next: (created) => {
          this.sent = true;
          this.notifier.success(created.reply.status === 'awaiting_approval' ? 'newMail.submitted' : 'newMail.sent', { code: created.code });
          this.dialogRef.close(created);
          void this.router.navigate(['/tickets', created.ticketId]);
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
}
