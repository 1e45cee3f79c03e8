import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ForwardedMail } from './inbound';

const forwardedJson = {
  to: (v: ForwardedMail | null | undefined) => (v ? JSON.stringify(v) : null),
  from: (v: string | null): ForwardedMail | null => (v ? (JSON.parse(v) as ForwardedMail) : null),
};

@Entity('attachment')
export class Attachment {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  articleId: number;

  @Column({ type: 'varchar', length: 255 })
  filename: string;

  @Column({ type: 'varchar', length: 255 })
  contentType: string;

  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  size: number;

  @Column({ type: 'varchar', length: 100 })
  blobKey: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  contentId: string | null;

  @Column({ type: 'boolean', default: false })
  inline: boolean;

  /** For an attached message (a forwarded mail): its subject, sender, date and text. */
  @Column({ type: 'text', nullable: true, transformer: forwardedJson })
  forwarded: ForwardedMail | null;
}
