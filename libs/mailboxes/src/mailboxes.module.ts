import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AutomationController } from './automation/automation.controller';
import { AutomationService } from './automation/automation.service';
import { Folder } from './automation/folder.entity';
import { Mailbox } from './mailbox.entity';
import { MailboxesController } from './mailboxes.controller';
import { MailboxesService } from './mailboxes.service';
import { Template } from './templates/template.entity';
import { TemplatesController } from './templates/templates.controller';
import { TemplatesService } from './templates/templates.service';

@Module({
  imports: [TypeOrmModule.forFeature([Mailbox, Template, Folder])],
  controllers: [MailboxesController, TemplatesController, AutomationController],
  providers: [MailboxesService, TemplatesService, AutomationService],
  exports: [MailboxesService, TemplatesService, AutomationService],
})
export class MailboxesModule {}
