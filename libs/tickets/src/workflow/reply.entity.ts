import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AfterSend, ReplyApprovalState } from '@madoguchi/workflow';

const json = <T>(fallback: T) => ({
  to: (v: T | null) => (v === null || v === undefined ? null : JSON.stringify(v)),
  from: (v: string | null): T => (v ? (JSON.parse(v) as T) : fallback),
});

export interface ReplyAttachment {
  uploadId: string;
  filename: string;
  contentType: string;
  size: number;
  blobKey: string;
}

/**
 * An outgoing reply as the approval machine drives it (draft → awaiting approval step k of n →
 * approved → sent). The outbound article and its outbox row are written when it is approved.
 */
@Entity('reply')
export class Reply {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  ticketId: number;

  @Column({ type: 'integer' })
  mailboxId: number;

  @Column({ type: 'integer', nullable: true })
  authorId: number | null;

  @Column({ type: 'varchar', length: 30 })
  state: ReplyApprovalState;

  @Column({ type: 'text', nullable: true })
  stateContext: string | null;

  @Column({ type: 'integer', default: 1 })
  stateVersion: number;

  @Column({ type: 'datetime', precision: 3 })
  stateChangedAt: Date;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'text', nullable: true, transformer: json<string[]>([]) })
  toJson: string[];

  @Column({ type: 'text', nullable: true, transformer: json<string[]>([]) })
  ccJson: string[];

  @Column({ type: 'text', nullable: true, transformer: json<string[]>([]) })
  bccJson: string[];

  @Column({ type: 'varchar', length: 998 })
  subject: string;

  @Column({ type: 'text' })
  bodyText: string;

  /** A rich text reply's sanitised HTML (sent as the HTML part beside `bodyText`); null: plain text. */
  @Column({ type: 'text', nullable: true })
  bodyHtml: string | null;

  @Column({ type: 'text', nullable: true, transformer: json<ReplyAttachment[]>([]) })
  attachmentsJson: ReplyAttachment[];

  @Column({ type: 'integer', nullable: true })
  senderTemplateId: number | null;

  @Column({ type: 'integer', nullable: true })
  signatureTemplateId: number | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  sendAt: Date | null;

  /** The version an approver last rejected, for the diff shown on resubmission. */
  @Column({ type: 'varchar', length: 998, nullable: true })
  previousSubject: string | null;

  @Column({ type: 'text', nullable: true })
  previousText: string | null;

  @Column({ type: 'integer', nullable: true })
  articleId: number | null;

  /** What the ticket becomes once this reply goes out (送信して対応済 / 送信して保留 / 送信のみ). */
  @Column({ type: 'varchar', length: 10, default: 'handled' })
  afterSend: AfterSend;

  /** With afterSend `hold`: until when; null holds until the customer's next message. */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  holdUntil: Date | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;
}
