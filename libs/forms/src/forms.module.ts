import { MailboxesModule } from '@madoguchi/mailboxes';
import { TicketsModule } from '@madoguchi/tickets';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FormsController } from './definition/forms.controller';
import { FormsService } from './definition/forms.service';
import { InquiryForm } from './definition/inquiry-form.entity';
import { FormSubmissionHit } from './submissions/form-submission-hit.entity';
import { FormSubmissionsService } from './submissions/form-submissions.service';
import { FormPageController, PublicFormsController } from './submissions/public-forms.controller';

/**
 * Inquiry forms (問い合わせフォーム) in one home: the definition and its admin routes, the public
 * page, submissions with their rate limit, and the thank-you mail. Forms use mailboxes and
 * tickets, never the other way round: a submission is filed through `TicketsService.receive`
 * and the thank-you mail goes out through tickets' `OutboundMessages`.
 */
@Module({
  imports: [TypeOrmModule.forFeature([InquiryForm, FormSubmissionHit]), MailboxesModule, TicketsModule],
  controllers: [FormsController, FormPageController, PublicFormsController],
  providers: [FormsService, FormSubmissionsService],
  exports: [FormsService, FormSubmissionsService],
})
export class FormsModule {}
