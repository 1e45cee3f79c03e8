import { APP_CONFIG, AppConfig, Clock, SYSTEM_ACTOR } from '@madoguchi/core';
import { WorkflowRunner } from '@madoguchi/workflow';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TicketEvents } from '../ticket-events.service';
import { Ticket } from '../ticket.entity';
import { TICKET_WORKFLOW } from './workflows';

/** How often the worker looks for holds whose time has come. */
const RELEASE_EVERY_MS = 60_000;

/**
 * 保留 ends by itself: once a minute the worker role moves every ticket whose hold time has come
 * back to 未対応 (the ticket machine's RELEASE, logged as the system). A hold without a time waits
 * for the customer's next message, which reopens it on intake.
 */
@Injectable()
export class HoldReleaseJob {
  private readonly logger = new Logger('HoldRelease');
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly runner: WorkflowRunner,
    private readonly events: TicketEvents,
    private readonly clock: Clock,
  ) {}

  @Interval(RELEASE_EVERY_MS)
  async tick(): Promise<void> {
    if (!this.config.roles.worker || this.running) return;
    this.running = true;
    try {
      await this.releaseDue();
    } catch (e) {
      this.logger.error(`releasing held tickets failed: ${(e as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  /** Releases the holds that are due now; answers how many (the job runs it; tests may too). */
  async releaseDue(): Promise<number> {
    const now = this.clock.now().getTime();
    const held = await this.dataSource.getRepository(Ticket).find({ select: { id: true, mailboxId: true, stateContext: true }, where: { state: 'on_hold' } });
    let released = 0;
    for (const t of held) {
      const until = (t.stateContext ? (JSON.parse(t.stateContext) as { holdUntil?: string | null }) : {}).holdUntil;
      if (!until || new Date(until).getTime() > now) continue;
      const applied = await this.dataSource.transaction((m) =>
        this.runner.apply(m, TICKET_WORKFLOW, t.id, { type: 'RELEASE' }, SYSTEM_ACTOR, { ifPossible: 'a ticket that left 保留 meanwhile stays as it is', reason: `保留期限 ${until}` }),
      );
      if (applied.applied) {
        released++;
        this.events.changed(t.id, t.mailboxId);
      }
    }
    return released;
  }
}
