import { KarteCsvController } from './csv/karte-csv.controller';
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
import { CustomerImportController } from './import/customer-import.controller';
import { CustomerImport } from './import/customer-import.entity';
import { CustomerImportJob } from './import/customer-import.job';
import { CustomerImportService } from './import/customer-import.service';
import { CustomerImage } from './images/customer-image.entity';
import { CustomerImagesController } from './images/images.controller';
import { CustomerImagesService } from './images/images.service';
import { CustomerVisit } from './visits/customer-visit.entity';
import { VisitsController } from './visits/visits.controller';
import { VisitsService } from './visits/visits.service';
import { CustomerWithdrawalController } from './withdrawal/withdrawal.controller';
import { CustomerWithdrawalService } from './withdrawal/withdrawal.service';
import { CustomerMergeController } from './merge/customer-merge.controller';
import { CustomerMergeRegistry } from './merge/customer-merge.registry';
import { CustomerMergeService } from './merge/customer-merge.service';
import { CustomersMergeParticipant } from './merge/customers-merge.participant';
import { MemberMailMailbox } from './notifications/member-mail-mailbox';
import { MemberNotificationsController } from './notifications/member-notifications.controller';
import { MemberNotificationsService } from './notifications/member-notifications.service';
import { PostalCodesController } from './postal/postal-codes.controller';
import { PostalCodesService } from './postal/postal-codes.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      Customer,
      CustomerAssignee,
      CustomerSearch,
      HistoryEntry,
      HistoryDetail,
      HistoryBatch,
      HistorySetting,
      CustomerVisit,
      CustomerImage,
      CustomerImport,
    ]),
    AuthModule,
  ],
  // Fixed routes under history/ (batches) come before HistoryController's history/:id.
  controllers: [
    CustomerImportController,
    CustomerMergeController,
    CustomersController,
    KarteCsvController,
    HistoryBatchesController,
    HistoryController,
    CtiController,
    VisitsController,
    CustomerImagesController,
    CustomerWithdrawalController,
    MemberNotificationsController,
    PostalCodesController,
  ],
  providers: [
    CustomersService,
    HistoryService,
    HistorySettingsService,
    HistoryBatchesService,
    CtiService,
    CtiEvents,
    VisitsService,
    CustomerImagesService,
    CustomerWithdrawalService,
    CustomerImportService,
    CustomerImportJob,
    CustomerMergeRegistry,
    CustomerMergeService,
    CustomersMergeParticipant,
    MemberNotificationsService,
    MemberMailMailbox,
    PostalCodesService,
  ],
  exports: [
    CustomersService,
    HistoryService,
    HistorySettingsService,
    CtiEvents,
    CustomerWithdrawalService,
    CustomerMergeRegistry,
    MemberNotificationsService,
    MemberMailMailbox,
  ],
})
export class CustomersModule {}
