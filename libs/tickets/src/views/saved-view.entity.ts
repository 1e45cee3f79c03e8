import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { TicketFilter } from '../ticket.dto';

const json = {
  to: (v: TicketFilter | null) => (v ? JSON.stringify(v) : '{}'),
  from: (v: string | null): TicketFilter => (v ? (JSON.parse(v) as TicketFilter) : {}),
};

/** A personal view (保存した表示): a name for a combination of the list's filters, one user's own. */
@Entity('saved_view')
@Index('IDX_saved_view_user', ['userId', 'position'])
export class SavedView {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  userId: number;

  @Column({ type: 'varchar', length: 50 })
  name: string;

  /** The list's query (`TicketFilter`), as the list route takes it. */
  @Column({ type: 'text', transformer: json })
  filter: TicketFilter;

  @Column({ type: 'integer', default: 0 })
  position: number;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}
