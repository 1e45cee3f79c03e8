import { TicketsCustomerMergeParticipant } from './merge/tickets-customer-merge.participant';
import { AuthModule } from '@madoguchi/auth';
import { CustomersModule } from '@madoguchi/customers';
import { CustomerMailController } from './customer-mail/customer-mail.controller';
import { CustomerMailService } from './customer-mail/customer-mail.service';
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
import { NotificationPreference } from './notifications/notification-preference.entity';
import { NotificationPreferencesController } from './notifications/notification-preferences.controller';
import { NotificationsController } from './notifications/notifications.controller';
import { NotificationsService } from './notifications/notifications.service';
import { Upload } from './uploads/upload.entity';
import { UploadCleanupJob } from './uploads/upload-cleanup.job';
import { UploadsController } from './uploads/uploads.controller';
import { UploadsService } from './uploads/uploads.service';
import { Reply } from './workflow/reply.entity';
import { TicketWorkflowService } from './workflow/ticket-workflow.service';
import { WorkflowController } from './workflow/workflow.controller';
import { HoldReleaseJob } from './workflow/hold-release.job';
import { SavedView } from './views/saved-view.entity';
import { BulkController } from './bulk/bulk.controller';
import { BulkTicketsService } from './bulk/bulk-tickets.service';
import { SavedViewsController } from './views/saved-views.controller';
import { SavedViewsService } from './views/saved-views.service';
import { DraftsController } from './drafts/drafts.controller';
import { DraftsService } from './drafts/drafts.service';
import { ReplyDraft } from './drafts/reply-draft.entity';
import { PresenceEvents } from './presence/presence-events.service';
import { PresenceController } from './presence/presence.controller';
import { PresenceService } from './presence/presence.service';
import { TicketPresence } from './presence/ticket-presence.entity';
import { Label, TicketLabel } from './labels/label.entity';
import { LabelsController } from './labels/labels.controller';
import { LabelsService } from './labels/labels.service';
import { MergeController } from './merge/merge.controller';
import { MergeService } from './merge/merge.service';
import { NewMailController } from './new-mail/new-mail.controller';
import { NewMailService } from './new-mail/new-mail.service';
import { BlockedSender } from './spam/blocked-sender.entity';
import { BlockedSendersService } from './spam/blocked-senders.service';
import { SpamController } from './spam/spam.controller';
import { SpamService } from './spam/spam.service';
import { SearchController } from './search/search.controller';
import { SearchIndex } from './search/search-index.service';
import { SearchService } from './search/search.service';

@Module({
  imports: [TypeOrmModule.forFeature([Ticket, Article, Attachment, ThreadKey, Reply, Notification, NotificationPreference, Upload, TicketRuleLog, RoutingRule, SavedView, TicketPresence, ReplyDraft, Label, TicketLabel, BlockedSender]), AuthModule, MailboxesModule, CustomersModule, WorkflowModule],
  controllers: [NewMailController, SearchController, BulkController, TicketsController, RepliesController, RoutingRulesController, EventsController, ComposeController, WorkflowController, NotificationsController, NotificationPreferencesController, UploadsController, TicketAutomationController, RemoteImagesController, CommentsController, SavedViewsController, PresenceController, DraftsController, LabelsController, MergeController, SpamController, CustomerMailController],
  providers: [SearchIndex, SearchService, TicketsService, RoutingRulesService, RepliesService, TicketEvents, ComposeService, TicketWorkflowService, NotificationsService, InboundAutomation, TicketAutomationService, RemoteImagesService, RemoteImageFetcher, UploadsService, UploadCleanupJob, HoldReleaseJob, OutboundMessages, CommentsService, SavedViewsService, BulkTicketsService, PresenceService, PresenceEvents, DraftsService, LabelsService, MergeService, SpamService, BlockedSendersService, CustomerMailService, NewMailService, TicketsCustomerMergeParticipant],
  exports: [SearchIndex, SpamService, TicketsService, RepliesService, OutboundMessages, TicketEvents, TicketWorkflowService, UploadsService, LabelsService, NotificationsService],
})
export class TicketsModule {}
