import type { InboundMessage } from '@madoguchi/tickets';

/** One inquiry-form submission, as the forms channel hands it to tickets. */
export interface FormSubmissionInput {
  mailboxId: number;
  formId: number;
  formName: string;
  /** The ticket's subject, e.g. the form's name. */
  subject: string;
  /** In form order, display values (checkbox choices joined with 、). */
  fields: { key: string; label: string; type: string; value: string }[];
  /** The value of the form's reply email field. */
  replyEmail: string | null;
  senderName: string | null;
  submittedAt: Date;
}

const escapeHtml = (v: string) =>
  v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A form submission as an inbound message: never threaded, its fields as `label: value` lines and as a table. */
export function fromFormSubmission(input: FormSubmissionInput, dedupeKey: string | null): InboundMessage {
  const address = input.replyEmail?.trim().toLowerCase() || null;
  return {
    channel: 'form',
    mailboxId: input.mailboxId,
    dedupeKey,
    thread: { key: null, answers: [], byCode: false },
    from: { address, name: input.senderName },
    to: [],
    cc: [],
    subject: input.subject || input.formName,
    text: input.fields.map((f) => `${f.label}: ${f.value}`).join('\n'),
    html: `<table class="form-fields"><tbody>${input.fields.map((f) => `<tr><th>${escapeHtml(f.label)}</th><td>${escapeHtml(f.value).replace(/\n/g, '<br>')}</td></tr>`).join('')}</tbody></table>`,
    attachments: [],
    classification: 'normal',
    receivedAt: input.submittedAt,
    rawMessageId: null,
    form: { id: input.formId, name: input.formName, fields: input.fields },
  };
}
