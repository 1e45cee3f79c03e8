import { Timestamped } from '@madoguchi/core';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { RuleAction, RuleCondition } from './rule-engine';

const json = <T>(fallback: T) => ({
  to: (v: T | null) => (v === null || v === undefined ? null : JSON.stringify(v)),
  from: (v: string | null): T => (v ? (JSON.parse(v) as T) : fallback),
});

/** One routing rule (振り分け設定) of a mailbox; applied in `position` order. */
@Entity('routing_rule')
export class RoutingRule extends Timestamped {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  mailboxId: number;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'integer' })
  position: number;

  @Column({ type: 'varchar', length: 10, name: 'match_mode' })
  match: 'all' | 'any';

  @Column({ type: 'text', transformer: json<RuleCondition[]>([]) })
  conditionsJson: RuleCondition[];

  @Column({ type: 'text', transformer: json<RuleAction[]>([]) })
  actionsJson: RuleAction[];

  @Column({ type: 'boolean', default: true })
  active: boolean;
}
