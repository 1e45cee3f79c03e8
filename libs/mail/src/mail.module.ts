import { MailboxesModule } from '@madoguchi/mailboxes';
import { TicketsModule } from '@madoguchi/tickets';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ImapPoller } from './intake/imap-poller.job';
import { MailIntakeState } from './intake/intake-state.entity';
import { IntakeStateService } from './intake/intake-state.service';
import { IntakeService } from './intake/intake.service';
import { MailScheduler } from './intake/mail-scheduler.job';
import { MailboxCursor, MailDedupe, RawMessage } from './intake/raw-message.entity';
import { SmtpIntakeServer } from './intake/smtp-intake.server';
import { ConnectionTester } from './connection-test.service';
import { MailController } from './mail.controller';
import { CapturedMailController } from './sending/captured-mail.controller';
import { CapturedMail } from './sending/captured-mail.entity';
import { EmailSender } from './sending/email-sender.service';
import { EmailChannelAdapter } from './sending/email-channel.adapter';
import { SentCopy } from './sending/sent-copy.entity';

/** The email channel: IMAP intake (poll + IDLE), SMTP direct delivery, parsing, sending. */
@Module({
  imports: [TypeOrmModule.forFeature([RawMessage, MailDedupe, MailboxCursor, MailIntakeState, CapturedMail, SentCopy]), MailboxesModule, TicketsModule],
  controllers: [MailController, CapturedMailController],
  providers: [IntakeService, IntakeStateService, ImapPoller, MailScheduler, SmtpIntakeServer, EmailSender, EmailChannelAdapter, ConnectionTester],
  exports: [IntakeService, IntakeStateService, ImapPoller, MailScheduler, SmtpIntakeServer, EmailChannelAdapter, EmailSender],
})
export class MailModule {}
