import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A message id known in a mailbox (inbound or outbound) and the ticket it belongs to. */
@Entity('thread_key')
export class ThreadKey {
  @PrimaryColumn({ type: 'integer' })
  mailboxId: number;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  messageId: string;

  @Column({ type: 'integer' })
  ticketId: number;

  @Column({ type: 'integer', nullable: true })
  articleId: number | null;
}
