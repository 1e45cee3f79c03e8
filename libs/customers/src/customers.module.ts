import { AuthModule } from '@madoguchi/auth';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomerAssignee } from './customer-assignee.entity';
import { Customer } from './customer.entity';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';
import { CtiEvents } from './cti/cti-events.service';
import { CtiController } from './cti/cti.controller';
import { CtiService } from './cti/cti.service';
import { HistoryBatchesController } from './history/history-batches.controller';
import { HistoryBatchesService } from './history/history-batches.service';
import { HistoryBatch, HistoryDetail, HistoryEntry, HistorySetting } from './history/history-entry.entity';
import { HistorySettingsService } from './history/history-settings.service';
import { HistoryController } from './history/history.controller';
import { HistoryService } from './history/history.service';
import { CustomerSearch } from './search/customer-search.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Customer, CustomerAssignee, CustomerSearch, HistoryEntry, HistoryDetail, HistoryBatch, HistorySetting]), AuthModule],
  // Fixed routes under history/ (batches) come before HistoryController's history/:id.
  controllers: [CustomersController, HistoryBatchesController, HistoryController, CtiController],
  providers: [CustomersService, HistoryService, HistorySettingsService, HistoryBatchesService, CtiService, CtiEvents],
  exports: [CustomersService, HistoryService, HistorySettingsService, CtiEvents],
})
export class CustomersModule {}
