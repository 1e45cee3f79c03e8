import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import type { components } from './generated/openapi';

/** The request DTOs the server's OpenAPI document describes field by field (`npm run api:types`). */
type Schemas = components['schemas'];

export const FORM_FIELD_TYPES = [
  'text',
  'textarea',
  'email',
  'tel',
  'select',
  'radio',
  'checkbox',
  'date',
] as const;
export type FormFieldType = (typeof FORM_FIELD_TYPES)[number];
// The list above offers exactly the types the server takes: a new type on either side fails here.
const sameFieldTypes: [FormFieldType, Schemas['FormFieldDto']['type']] extends [
  Schemas['FormFieldDto']['type'],
  FormFieldType,
]
  ? true
  : never = true;
void sameFieldTypes;

/** The types that offer a fixed list of choices. */
export const CHOICE_TYPES: readonly FormFieldType[] = ['select', 'radio', 'checkbox'];
/** The types a person types into, with a maximum length: the most each may set (libs/mailboxes form-definition.ts). */
export const MAX_LENGTH_LIMITS: Partial<Record<FormFieldType, number>> = {
  text: 1000,
  textarea: 10_000,
  email: 254,
  tel: 30,
};

/** Limits the server enforces (libs/mailboxes form-definition.ts). */
export const FORM_LIMITS = {
  name: 100,
  slug: 60,
  description: 2000,
  fields: 50,
  key: 40,
  label: 100,
  subject: 200,
  body: 10_000,
} as const;

export type FormField = Schemas['FormFieldDto'];
export type ThankYouMail = Schemas['ThankYouDto'];

/** An inquiry form of a mailbox; its public page is at `path` (`/forms/<slug>`). */
export interface InquiryForm {
  id: number;
  mailboxId: number;
  name: string;
  slug: string;
  description: string | null;
  fields: FormField[];
  replyEmailField: string;
  thankYou: ThankYouMail;
  active: boolean;
  /** The ticket's subject with `{{form.name}}`/`{{field.<key>}}`; null: the form's name (and its subject field). */
  subjectTemplate: string | null;
  path: string;
  publicUrl: string;
  createdAt: string;
  updatedAt: string;
}

export interface InquiryFormInput {
  name: string;
  /** Absent on create: the server makes one from the name. */
  slug?: string;
  description: string | null;
  fields: FormField[];
  replyEmailField: string;
  thankYou: ThankYouMail;
  active: boolean;
  subjectTemplate: string | null;
}

@Injectable({ providedIn: 'root' })
export class FormsApi {
  private readonly http = inject(HttpClient);

  list(mailboxId: number): Observable<InquiryForm[]> {
    return this.http.get<InquiryForm[]>(`/api/mailboxes/${mailboxId}/forms`);
  }

  get(mailboxId: number, id: number): Observable<InquiryForm> {
    return this.http.get<InquiryForm>(`/api/mailboxes/${mailboxId}/forms/${id}`);
  }

  create(mailboxId: number, input: InquiryFormInput): Observable<InquiryForm> {
    return this.http.post<InquiryForm>(`/api/mailboxes/${mailboxId}/forms`, input);
  }

  update(mailboxId: number, id: number, input: Partial<InquiryFormInput>): Observable<InquiryForm> {
    return this.http.patch<InquiryForm>(`/api/mailboxes/${mailboxId}/forms/${id}`, input);
  }

  delete(mailboxId: number, id: number): Observable<void> {
    return this.http.delete<void>(`/api/mailboxes/${mailboxId}/forms/${id}`);
  }
}
