import { AuthModule } from '@madoguchi/auth';
import { CustomersModule } from '@madoguchi/customers';
import { MailboxesModule } from '@madoguchi/mailboxes';
import { TicketsModule } from '@madoguchi/tickets';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SmsMessage } from './messages/sms-message.entity';
import { SmsMessagesService } from './messages/sms-messages.service';
import { SmsChannelAdapter } from './sending/sms-channel.adapter';
import { SmsSettings } from './settings/sms-settings.entity';
import { SmsSettingsService } from './settings/sms-settings.service';
import { SmsController } from './sms.controller';
import { SmsTemplate } from './templates/sms-template.entity';
import { SmsTemplatesService } from './templates/sms-templates.service';

/** The SMS channel: settings, providers, templates, sending through the outbox. */
@Module({
  imports: [TypeOrmModule.forFeature([SmsSettings, SmsTemplate, SmsMessage]), AuthModule, CustomersModule, MailboxesModule, TicketsModule],
  controllers: [SmsController],
  providers: [SmsSettingsService, SmsTemplatesService, SmsMessagesService, SmsChannelAdapter],
  exports: [SmsSettingsService, SmsTemplatesService, SmsMessagesService, SmsChannelAdapter],
})
export class SmsModule {}
