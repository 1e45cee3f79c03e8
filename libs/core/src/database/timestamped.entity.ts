import { BeforeInsert, BeforeUpdate, Column } from 'typeorm';

/** created_at / updated_at with millisecond precision, set by the application on both databases. */
export abstract class Timestamped {
  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;

  @BeforeInsert()
  protected stampCreated(): void {
    const now = new Date();
    this.createdAt ??= now;
    this.updatedAt ??= this.createdAt;
  }

  @BeforeUpdate()
  protected stampUpdated(): void {
    this.updatedAt = new Date();
  }
}
