import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { RuleAction } from './rule-engine';

const json = {
  to: (v: RuleAction[] | null) => JSON.stringify(v ?? []),
  from: (v: string | null): RuleAction[] => (v ? (JSON.parse(v) as RuleAction[]) : []),
};

/** What a routing rule did to a ticket ("moved to 見積 by rule 3"). */
@Entity('ticket_rule_log')
export class TicketRuleLog {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  ticketId: number;

  @Column({ type: 'integer', nullable: true })
  ruleId: number | null;

  @Column({ type: 'varchar', length: 100 })
  ruleName: string;

  @Column({ type: 'integer' })
  position: number;

  @Column({ type: 'text', transformer: json })
  actionsJson: RuleAction[];

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}
