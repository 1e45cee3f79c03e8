import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ArticleKind = 'email' | 'note' | 'bounce' | 'form' | 'mypage' | 'sms' | 'call' | 'history' | 'comment';
export type Direction = 'inbound' | 'outbound';
export type Sender = 'customer' | 'agent' | 'system';
export interface MailAddress {
  address: string;
  name: string;
}

const addresses = {
  to: (v: MailAddress[] | null) => (v ? JSON.stringify(v) : null),
  from: (v: string | null): MailAddress[] => (v ? (JSON.parse(v) as MailAddress[]) : []),
};
const ids = {
  to: (v: string[] | null) => (v && v.length ? v.join(' ') : null),
  from: (v: string | null): string[] => (v ? v.split(' ').filter(Boolean) : []),
};

/** One email, form submission, portal post, SMS, call or note on a ticket's timeline. */
@Entity('article')
export class Article {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  ticketId: number;

  @Column({ type: 'varchar', length: 20 })
  kind: ArticleKind;

  @Column({ type: 'varchar', length: 10 })
  direction: Direction;

  @Column({ type: 'varchar', length: 10 })
  sender: Sender;

  @Column({ type: 'varchar', length: 255, nullable: true })
  messageId: string | null;

  @Column({ type: 'text', nullable: true, transformer: ids })
  inReplyTo: string[];

  @Column({ type: 'text', nullable: true, transformer: ids })
  references: string[];

  @Column({ type: 'varchar', length: 254, nullable: true })
  fromAddress: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  fromName: string | null;

  @Column({ type: 'text', nullable: true, transformer: addresses })
  toJson: MailAddress[];

  @Column({ type: 'text', nullable: true, transformer: addresses })
  ccJson: MailAddress[];

  @Column({ type: 'text', nullable: true, transformer: addresses })
  bccJson: MailAddress[];

  @Column({ type: 'varchar', length: 998, nullable: true })
  subject: string | null;

  @Column({ type: 'text', nullable: true })
  bodyText: string | null;

  /** Already sanitised for display. */
  @Column({ type: 'text', nullable: true })
  bodyHtml: string | null;

  /** Outbound only: queued, sent, failed, cancelled (and the approval states later). */
  @Column({ type: 'varchar', length: 20, nullable: true })
  status: string | null;

  @Column({ type: 'integer', nullable: true })
  authorId: number | null;

  @Column({ type: 'integer', nullable: true })
  rawMessageId: number | null;

  /** normal, auto_reply, bounce, loop (inbound email). */
  @Column({ type: 'varchar', length: 20, nullable: true })
  classification: string | null;

  /** 対応履歴 notes (kind `history`): phone, fax, visit, other. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  historyKind: string | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  /** When a 社内メモ was last edited by its author; null: never edited (and for every other kind). */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  editedAt: Date | null;
}
