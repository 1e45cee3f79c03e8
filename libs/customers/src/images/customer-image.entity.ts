import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A photo or document kept on a customer's karte; the bytes are in blob storage. */
@Entity('customer_image')
export class CustomerImage {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  customerId: number;

  @Column({ type: 'varchar', length: 255 })
  filename: string;

  /** As the bytes say (file-type), never as the browser declared. */
  @Column({ type: 'varchar', length: 100 })
  contentType: string;

  @Column({ type: 'integer' })
  size: number;

  @Column({ type: 'varchar', length: 100 })
  blobKey: string;

  @Column({ type: 'integer', nullable: true })
  createdById: number | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}
