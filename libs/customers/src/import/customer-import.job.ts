import { APP_CONFIG, AppConfig, runAsUnitOfWork } from '@madoguchi/core';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CustomerImportService } from './customer-import.service';

const TICK_MS = 1_000;

/** The worker role runs CSV imports: waiting ones, and ones a dead worker left (lease expired). */
@Injectable()
export class CustomerImportJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CustomerImport');
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly imports: CustomerImportService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.roles.worker) return;
    this.timer = setInterval(() => void this.tick(), TICK_MS);
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One sweep; overlapping ticks are skipped (an import of 100,000 rows outlasts many ticks). */
  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await runAsUnitOfWork(() => this.imports.runDue());
    } catch (e) {
      this.logger.error(`customer import: ${(e as Error).stack ?? (e as Error).message}`);
    } finally {
      this.busy = false;
    }
  }
}
