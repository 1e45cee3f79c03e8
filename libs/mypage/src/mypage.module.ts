import { CustomersModule } from '@madoguchi/customers';
import { MailboxesModule } from '@madoguchi/mailboxes';
import { TicketsModule } from '@madoguchi/tickets';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PortalAccessController } from './accounts/portal-access.controller';
import { PortalAccessService } from './accounts/portal-access.service';
import { PortalAccount } from './accounts/portal-account.entity';
import { PortalAuthController } from './accounts/portal-auth.controller';
import { PortalAuthService } from './accounts/portal-auth.service';
import { PortalLoginAttempt } from './accounts/portal-login-attempt.entity';
import { PortalMail } from './accounts/portal-mail';
import { PortalSession } from './accounts/portal-session.entity';
import { PortalToken } from './accounts/portal-token.entity';
import { PortalGuard } from './accounts/portal.guard';
import { MypageSettings } from './settings/mypage-settings.entity';

/**
 * MYPAGE, the customer portal. So far its customer realm: accounts, sessions, one-time links and
 * the staff routes that invite and disable. Customers are asked of CustomersService, mails go out
 * through tickets' OutboundMessages into the outbox.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([PortalAccount, PortalSession, PortalToken, PortalLoginAttempt, MypageSettings]),
    CustomersModule,
    MailboxesModule,
    TicketsModule,
  ],
  controllers: [PortalAuthController, PortalAccessController],
  providers: [PortalAuthService, PortalAccessService, PortalMail, PortalGuard],
  exports: [PortalAuthService, PortalAccessService, PortalGuard],
})
export class MypageModule {}
