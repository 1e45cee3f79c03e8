import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type BlockedSenderKind = 'address' | 'domain';

/** 迷惑メール送信者: an address (`taro@example.jp`) or a domain (`@example.jp`) whose new mail a mailbox files straight to spam. */
@Entity('blocked_sender')
export class BlockedSender {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  mailboxId: number;

  /** Lower-cased; a domain starts with `@`. Unique per mailbox. */
  @Column({ type: 'varchar', length: 255 })
  pattern: string;

  @Column({ type: 'varchar', length: 10 })
  kind: BlockedSenderKind;

  @Column({ type: 'integer', nullable: true })
  createdBy: number | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}
