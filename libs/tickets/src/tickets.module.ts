import { MailboxesModule } from '@madoguchi/mailboxes';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Article } from './article.entity';
import { Attachment } from './attachment.entity';
import { EventsController } from './events.controller';
import { RepliesService } from './replies.service';
import { ThreadKey } from './thread-key.entity';
import { TicketEvents } from './ticket-events';
import { Ticket } from './ticket.entity';
import { TicketsController } from './tickets.controller';
import { TicketsService } from './tickets.service';

@Module({
  imports: [TypeOrmModule.forFeature([Ticket, Article, Attachment, ThreadKey]), MailboxesModule],
  controllers: [TicketsController, EventsController],
  providers: [TicketsService, RepliesService, TicketEvents],
  exports: [TicketsService, RepliesService, TicketEvents],
})
export class TicketsModule {}
