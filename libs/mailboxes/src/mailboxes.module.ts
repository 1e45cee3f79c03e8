import { AuthModule } from '@madoguchi/auth';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AutomationController } from './automation/automation.controller';
import { AutomationService } from './automation/automation.service';
import { Folder } from './automation/folder.entity';
import { RoutingRule } from './automation/routing-rule.entity';
import { FormSubmissionHit } from './forms/form-submission-hit.entity';
import { FormsController } from './forms/forms.controller';
import { FormsService } from './forms/forms.service';
import { InquiryForm } from './forms/inquiry-form.entity';
import { Mailbox } from './mailbox.entity';
import { MailboxesController } from './mailboxes.controller';
import { MailboxesService } from './mailboxes.service';
import { Template } from './templates/template.entity';
import { TemplatesController } from './templates/templates.controller';
import { TemplatesService } from './templates/templates.service';

@Module({
  imports: [TypeOrmModule.forFeature([Mailbox, Template, Folder, RoutingRule, InquiryForm, FormSubmissionHit]), AuthModule],
  controllers: [MailboxesController, TemplatesController, AutomationController, FormsController],
  providers: [MailboxesService, TemplatesService, AutomationService, FormsService],
  exports: [MailboxesService, TemplatesService, AutomationService, FormsService],
})
export class MailboxesModule {}
