import { Timestamped } from '@madoguchi/core';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const TEMPLATE_KINDS = ['body', 'sender', 'signature'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/**
 * A reply template (§2): a body or a signature (text with placeholders), or a sender (From name
 * and address, Reply-To). Belongs to one mailbox, or to all when `mailboxId` is null.
 */
@Entity('template')
export class Template extends Timestamped {
  @PrimaryGeneratedColumn()
  id: number;

  /** null: shared by every mailbox. */
  @Column({ type: 'integer', nullable: true })
  mailboxId: number | null;

  @Column({ type: 'varchar', length: 20 })
  kind: TemplateKind;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** The text of a body or signature template; null for a sender template. */
  @Column({ type: 'text', nullable: true })
  body: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  fromName: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  fromAddress: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  replyTo: string | null;
}
