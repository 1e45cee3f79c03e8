import { AuthModule } from '@madoguchi/auth';
import { CustomersModule } from '@madoguchi/customers';
import { MailboxesModule } from '@madoguchi/mailboxes';
import { WorkflowModule } from '@madoguchi/workflow';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Article } from './article.entity';
import { Attachment } from './attachment.entity';
import { InboundAutomation } from './automation/inbound-automation.service';
import { TicketAutomationController } from './automation/ticket-automation.controller';
import { TicketAutomationService } from './automation/ticket-automation.service';
import { TicketRuleLog } from './routing/rule-log.entity';
import { RoutingRule } from './routing/routing-rule.entity';
import { RoutingRulesController } from './routing/routing-rules.controller';
import { RoutingRulesService } from './routing/routing-rules.service';
import { CommentsController } from './comments/comments.controller';
import { CommentsService } from './comments/comments.service';
import { ComposeController } from './compose/compose.controller';
import { ComposeService } from './compose/compose.service';
import { EventsController } from './events.controller';
import { RemoteImageFetcher } from './remote-images/remote-image.fetcher';
import { RemoteImagesController, RemoteImagesService } from './remote-images/remote-images.controller';
import { OutboundMessages } from './outbound/outbound-messages.service';
import { RepliesController } from './replies/replies.controller';
import { RepliesService } from './replies/replies.service';
import { ThreadKey } from './thread-key.entity';
import { TicketEvents } from './ticket-events.service';
import { Ticket } from './ticket.entity';
import { TicketsController } from './tickets.controller';
import { TicketsService } from './tickets.service';
import { Notification } from './notifications/notification.entity';
import { NotificationsController } from './notifications/notifications.controller';
import { NotificationsService } from './notifications/notifications.service';
import { Upload } from './uploads/upload.entity';
import { UploadCleanupJob } from './uploads/upload-cleanup.job';
import { UploadsController } from './uploads/uploads.controller';
import { UploadsService } from './uploads/uploads.service';
import { Reply } from './workflow/reply.entity';
import { TicketWorkflowService } from './workflow/ticket-workflow.service';
import { WorkflowController } from './workflow/workflow.controller';
import { SavedView } from './views/saved-view.entity';
import { BulkController } from './bulk/bulk.controller';
import { BulkTicketsService } from './bulk/bulk-tickets.service';
import { SavedViewsController } from './views/saved-views.controller';
import { SavedViewsService } from './views/saved-views.service';

@Module({
  imports: [TypeOrmModule.forFeature([Ticket, Article, Attachment, ThreadKey, Reply, Notification, Upload, TicketRuleLog, RoutingRule, SavedView]), AuthModule, MailboxesModule, CustomersModule, WorkflowModule],
  controllers: [BulkController, TicketsController, RepliesController, RoutingRulesController, EventsController, ComposeController, WorkflowController, NotificationsController, UploadsController, TicketAutomationController, RemoteImagesController, CommentsController, SavedViewsController],
  providers: [TicketsService, RoutingRulesService, RepliesService, TicketEvents, ComposeService, TicketWorkflowService, NotificationsService, InboundAutomation, TicketAutomationService, RemoteImagesService, RemoteImageFetcher, UploadsService, UploadCleanupJob, OutboundMessages, CommentsService, SavedViewsService, BulkTicketsService],
  exports: [TicketsService, RepliesService, OutboundMessages, TicketEvents, TicketWorkflowService, UploadsService],
})
export class TicketsModule {}
