import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Mailbox } from './mailbox.entity';
import { MailboxesController } from './mailboxes.controller';
import { MailboxesService } from './mailboxes.service';
import { Template } from './templates/template.entity';
import { TemplatesController } from './templates/templates.controller';
import { TemplatesService } from './templates/templates.service';

@Module({
  imports: [TypeOrmModule.forFeature([Mailbox, Template])],
  controllers: [MailboxesController, TemplatesController],
  providers: [MailboxesService, TemplatesService],
  exports: [MailboxesService, TemplatesService],
})
export class MailboxesModule {}
