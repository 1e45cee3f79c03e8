import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

const list = {
  to: (v: string[] | null) => (v && v.length ? JSON.stringify(v) : null),
  from: (v: string | null): string[] => (v ? (JSON.parse(v) as string[]) : []),
};

/** A half-written reply, kept on the server per user and ticket; `version` counts saves. */
@Entity('reply_draft')
@Index('UQ_reply_draft_user_ticket', ['userId', 'ticketId'], { unique: true })
export class ReplyDraft {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  userId: number;

  @Column({ type: 'integer' })
  ticketId: number;

  @Column({ type: 'text' })
  body: string;

  /** A rich text draft's HTML (sanitised on save); null: a plain text draft. */
  @Column({ type: 'text', nullable: true })
  bodyHtml: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  subject: string | null;

  @Column({ type: 'text', nullable: true, transformer: list })
  toJson: string[];

  @Column({ type: 'text', nullable: true, transformer: list })
  ccJson: string[];

  @Column({ type: 'text', nullable: true, transformer: list })
  bccJson: string[];

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;
}
