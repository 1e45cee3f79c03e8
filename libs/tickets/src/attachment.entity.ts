import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

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
}
