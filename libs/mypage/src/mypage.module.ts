import { AuthModule } from '@madoguchi/auth';
import { CustomersModule } from '@madoguchi/customers';
import { MailboxesModule } from '@madoguchi/mailboxes';
import { TicketsModule } from '@madoguchi/tickets';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MemberMailMailboxRegistration } from './accounts/member-mail-mailbox.registration';
import { MypageCustomerMergeParticipant } from './accounts/mypage-customer-merge.participant';
import { PortalAccessController } from './accounts/portal-access.controller';
import { PortalAccessService } from './accounts/portal-access.service';
import { PortalAccountController } from './accounts/portal-account.controller';
import { PortalAccount } from './accounts/portal-account.entity';
import { PortalAuthController } from './accounts/portal-auth.controller';
import { PortalAuthService } from './accounts/portal-auth.service';
import { PortalLoginAttempt } from './accounts/portal-login-attempt.entity';
import { PortalMail } from './accounts/portal-mail';
import { PortalSession } from './accounts/portal-session.entity';
import { PortalToken } from './accounts/portal-token.entity';
import { PortalGuard } from './accounts/portal.guard';
import { MypageSettingsController } from './settings/mypage-settings.controller';
import { MypageSettings } from './settings/mypage-settings.entity';
import { MypageSettingsService } from './settings/mypage-settings.service';
import { MypageChannelAdapter } from './threads/mypage-channel.adapter';
import { MypagePost } from './threads/mypage-post.entity';
import { MypageThread } from './threads/mypage-thread.entity';
import { PortalThreadsController } from './threads/portal-threads.controller';
import { ThreadEvents } from './threads/thread-events.service';
import { ThreadMail } from './threads/thread-mail';
import { CustomerThreadsController, ThreadsController } from './threads/threads.controller';
import { ThreadsService } from './threads/threads.service';

/**
 * MYPAGE, the customer portal: its customer realm (accounts, sessions, one-time links, the staff
 * routes that invite and disable), its settings, and its threads — a ticket channel: customer
 * posts are filed through TicketsService.receive, staff posts are replies that MypageChannelAdapter
 * publishes after approval. Customers are asked of CustomersService, mails go out through
 * tickets' OutboundMessages into the outbox.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      PortalAccount,
      PortalSession,
      PortalToken,
      PortalLoginAttempt,
      MypageSettings,
      MypageThread,
      MypagePost,
    ]),
    AuthModule,
    CustomersModule,
    MailboxesModule,
    TicketsModule,
  ],
  controllers: [
    PortalAuthController,
    PortalAccountController,
    PortalAccessController,
    MypageSettingsController,
    ThreadsController,
    CustomerThreadsController,
    PortalThreadsController,
  ],
  providers: [
    PortalAuthService,
    PortalAccessService,
    PortalMail,
    PortalGuard,
    MypageSettingsService,
    ThreadsService,
    ThreadEvents,
    ThreadMail,
    MypageChannelAdapter,
    MypageCustomerMergeParticipant,
    MemberMailMailboxRegistration,
  ],
  exports: [PortalAuthService, PortalAccessService, PortalGuard, ThreadsService, ThreadEvents],
})
export class MypageModule {}
