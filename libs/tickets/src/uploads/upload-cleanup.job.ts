import { APP_CONFIG, AppConfig } from '@madoguchi/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { UploadsService } from './uploads.service';

/** The worker role sweeps uploads that no reply took within a day. */
@Injectable()
export class UploadCleanupJob {
  private readonly logger = new Logger('UploadCleanup');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly uploads: UploadsService,
  ) {}

  @Cron(CronExpression.EVERY_HOUR)
  async run(): Promise<void> {
    if (!this.config.roles.worker) return;
    try {
      let n: number;
      do n = await this.uploads.sweepUnused();
      while (n === 500);
    } catch (e) {
      this.logger.error(`sweeping unused uploads failed: ${(e as Error).message}`);
    }
  }
}
