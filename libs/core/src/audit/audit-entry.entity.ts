import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only: who changed what, when, and how it looked before and after. */
@Entity('audit_entry')
export class AuditEntry {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'datetime', precision: 3 })
  at: Date;

  @Column({ type: 'integer', nullable: true })
  actorUserId: number | null;

  @Column({ type: 'varchar', length: 255 })
  actorLabel: string;

  @Column({ type: 'varchar', length: 64 })
  entity: string;

  @Column({ type: 'varchar', length: 64 })
  entityId: string;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ type: 'text', nullable: true })
  beforeJson: string | null;

  @Column({ type: 'text', nullable: true })
  afterJson: string | null;
}
