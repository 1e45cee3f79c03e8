import { Timestamped } from '@madoguchi/core';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { FormField, ThankYouMail } from './form-definition';

const json = <T>(fallback: T) => ({
  to: (v: T | null) => (v === null || v === undefined ? null : JSON.stringify(v)),
  from: (v: string | null): T => (v ? (JSON.parse(v) as T) : fallback),
});

/** An inquiry form (問い合わせフォーム) of a mailbox: its fields, public address and thank-you mail. */
@Entity('inquiry_form')
export class InquiryForm extends Timestamped {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  mailboxId: number;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** The public address is /forms/<slug>; unique across all mailboxes. */
  @Column({ type: 'varchar', length: 60, unique: true })
  slug: string;

  /** Shown above the fields on the public page (plain text). */
  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'text', transformer: json<FormField[]>([]) })
  fieldsJson: FormField[];

  /** The key of the one email field; replies and the thank-you mail go to its value. */
  @Column({ type: 'varchar', length: 40 })
  replyEmailField: string;

  @Column({ type: 'text', transformer: json({ enabled: false, subject: '', body: '' }) })
  thankYouJson: ThankYouMail;

  /** An inactive form's page and submissions answer 404. */
  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** The ticket subject's template (thank-you placeholders); null: `<form name>[: <subject field>]`. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  subjectTemplate: string | null;
}
