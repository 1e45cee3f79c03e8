import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GroupMailboxRight } from './groups/group-mailbox-right.entity';
import { GroupsController } from './groups/groups.controller';
import { GroupsService } from './groups/groups.service';
import { PermissionGroup } from './groups/permission-group.entity';
import { AuthGuard } from './permissions/auth.guard';
import { MailboxApprovers } from './permissions/mailbox-approvers.service';
import { PrincipalLoader } from './permissions/principal.loader';
import { AccessEvents } from './sessions/access-events.service';
import { AuthController } from './sessions/auth.controller';
import { AuthService } from './sessions/auth.service';
import { LoginAttempt } from './sessions/login-attempt.entity';
import { Session } from './sessions/session.entity';
import { ApiToken } from './tokens/api-token.entity';
import { TokensService } from './tokens/tokens.service';
import { StaffUser } from './users/staff-user.entity';
import { SignatureController, SignatureService } from './users/signature.controller';
import { StaffController, UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';

@Module({
  imports: [TypeOrmModule.forFeature([StaffUser, PermissionGroup, GroupMailboxRight, Session, LoginAttempt, ApiToken])],
  controllers: [AuthController, UsersController, StaffController, GroupsController, SignatureController],
  providers: [
    AccessEvents,
    AuthService,
    PrincipalLoader,
    MailboxApprovers,
    TokensService,
    UsersService,
    GroupsService,
    SignatureService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AccessEvents, AuthService, UsersService, GroupsService, TokensService, PrincipalLoader, MailboxApprovers],
})
export class AuthModule {}
