import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Named counters for human codes (customer 100001, IQ000123, MS001826). */
@Entity('sequence')
export class Sequence {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  name: string;

  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  value: number;
}
