import { SmsCustomerMergeParticipant } from './consent/sms-customer-merge.participant';
import { AuthModule } from '@madoguchi/auth';
import { CustomersModule } from '@madoguchi/customers';
import { MailboxesModule } from '@madoguchi/mailboxes';
import { TicketsModule } from '@madoguchi/tickets';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SmsBulkController } from './bulk/sms-bulk.controller';
import { SmsBulk, SmsBulkItem } from './bulk/sms-bulk.entity';
import { SmsBulkService } from './bulk/sms-bulk.service';
import { SmsConsentController } from './consent/sms-consent.controller';
import { SmsConsent } from './consent/sms-consent.entity';
import { SmsConsentService } from './consent/sms-consent.service';
import { ShortLinkController } from './links/short-link.controller';
import { SmsLink, SmsLinkClick } from './links/sms-link.entity';
import { SmsLinksService } from './links/sms-links.service';
import { SmsDeliveryReports } from './delivery/sms-delivery-reports.service';
import { SmsEarlyReport } from './delivery/sms-early-report.entity';
import { SmsMessage } from './messages/sms-message.entity';
import { SmsMessagesService } from './messages/sms-messages.service';
import { SmsChannelAdapter } from './sending/sms-channel.adapter';
import { SmsSettings } from './settings/sms-settings.entity';
import { SmsSettingsService } from './settings/sms-settings.service';
import { SmsController } from './sms.controller';
import { SmsTemplate } from './templates/sms-template.entity';
import { SmsTemplatesService } from './templates/sms-templates.service';
import { SmsWebhooksController } from './webhooks/sms-webhooks.controller';
import { SmsWebhooksService } from './webhooks/sms-webhooks.service';

/** The SMS channel: settings, providers, templates, sending through the outbox. */
@Module({
  imports: [TypeOrmModule.forFeature([SmsSettings, SmsTemplate, SmsMessage, SmsConsent, SmsLink, SmsLinkClick, SmsBulk, SmsBulkItem, SmsEarlyReport]), AuthModule, CustomersModule, MailboxesModule, TicketsModule],
  controllers: [SmsController, SmsConsentController, SmsBulkController, ShortLinkController, SmsWebhooksController],
  providers: [SmsConsentService, SmsLinksService, SmsBulkService, SmsSettingsService, SmsTemplatesService, SmsMessagesService, SmsChannelAdapter, SmsWebhooksService, SmsDeliveryReports, SmsCustomerMergeParticipant],
  exports: [SmsConsentService, SmsLinksService, SmsBulkService, SmsSettingsService, SmsTemplatesService, SmsMessagesService, SmsChannelAdapter],
})
export class SmsModule {}
