import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A file uploaded for a reply before the reply is written; the bytes are in blob storage. */
@Entity('upload')
export class Upload {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'integer' })
  userId: number;

  @Column({ type: 'varchar', length: 255 })
  filename: string;

  @Column({ type: 'varchar', length: 255 })
  contentType: string;

  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  size: number;

  @Column({ type: 'varchar', length: 100 })
  blobKey: string;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  /** When a reply took this file; uploads never attached are deleted after a day. */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  usedAt?: Date | null;
}
