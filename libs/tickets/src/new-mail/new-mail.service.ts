import { Principal } from '@madoguchi/auth';
import { CustomersService } from '@madoguchi/customers';
import { AuditService, Clock, fieldError, MissingRight, NotFound, SequenceService, ValidationFailed } from '@madoguchi/core';
import { MailboxesService } from '@madoguchi/mailboxes';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { RepliesService, ReplyView } from '../replies/replies.service';
import { CreateReplyDto } from '../replies/reply.dto';
import { formatTicketCode, newMailSubject } from '../ticket-code';
import { TicketEvents } from '../ticket-events.service';
import { Ticket } from '../ticket.entity';
import { CreateNewMailDto } from './new-mail.dto';

export interface NewMailCreated {
  ticketId: number;
  code: string;
  replyId: number;
  reply: ReplyView;
}

/**
 * 新規メール作成 (§3): a ticket born outbound. The ticket gets its code from the usual counter,
 * its customer from `customerId` or, as intake links a sender, the one customer whose email is
 * the first To address; its first article is a reply written through `RepliesService.submitIn`,
 * so approval policy, undo window, send later, the outbox and the thread key (the customer's
 * answer lands here) are exactly a reply's. One transaction: a refused mail leaves no ticket.
 */
@Injectable()
export class NewMailService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly replies: RepliesService,
    private readonly sequences: SequenceService,
    private readonly customers: CustomersService,
    private readonly mailboxes: MailboxesService,
    private readonly events: TicketEvents,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(dto: CreateNewMailDto, p: Principal): Promise<NewMailCreated> {
    if (!p.can(dto.mailboxId, 'view') || !(await this.mailboxes.names([dto.mailboxId])).has(dto.mailboxId)) throw new NotFound('mailbox', dto.mailboxId);
    if (!p.can(dto.mailboxId, 'reply')) throw new MissingRight('reply', 'mailbox', 'to write new mail');
    const text = dto.text ?? dto.body;
    if (!text?.trim()) throw new ValidationFailed({ text: [fieldError('REQUIRED', 'text is required')] });
    const to = dto.to.map((a) => a.trim().toLowerCase());

    const { ticket, replyId } = await this.dataSource.transaction(async (m) => {
      const customer = await this.customerFor(m, dto.customerId, to[0], p);
      const now = this.clock.now();
      const code = formatTicketCode(await this.sequences.nextBlock(m, 'ticket_code', 1));
      const ticket = await m.save(
        m.create(Ticket, {
          code,
          mailboxId: dto.mailboxId,
          folderId: null,
          state: 'unhandled',
          stateVersion: 1,
          stateContext: null,
          stateChangedAt: now,
          version: 1,
          subject: dto.subject.slice(0, 998),
          channel: 'email',
          customerId: customer?.id ?? null,
          assigneeId: null,
          assigneeGroupId: null,
          contactAddress: to[0].slice(0, 254),
          contactName: customer ? `${customer.lastName} ${customer.firstName ?? ''}`.trim().slice(0, 255) : null,
          // The writer knows what it says; nobody else has to open it to see it is new.
          unread: false,
          spam: false,
          mentionsTicketId: null,
          mergedIntoId: null,
          createdAt: now,
          lastActivityAt: now,
        }),
      );
      const reply: CreateReplyDto = {
        to: dto.to,
        cc: dto.cc,
        bcc: dto.bcc,
        subject: dto.subject,
        text: text,
        attachments: dto.attachments,
        sendAt: dto.sendAt,
        afterSend: dto.afterSend,
        holdUntil: dto.holdUntil,
        senderTemplateId: dto.senderTemplateId,
        signatureTemplateId: dto.signatureTemplateId,
      };
      const written = await this.replies.submitIn(m, ticket, reply, p, newMailSubject(dto.subject, code));
      await this.audit.record(p.actor, { entity: 'ticket', entityId: ticket.id, action: 'create_outbound', after: { code, mailboxId: ticket.mailboxId, customerId: ticket.customerId, to, replyId: written.id } }, m);
      return { ticket, replyId: written.id };
    });
    this.events.changed(ticket.id, ticket.mailboxId);
    return { ticketId: ticket.id, code: ticket.code, replyId, reply: await this.replies.get(replyId, p) };
  }

  /**
   * The customer given (it must exist; linking one takes customers.read, as on the ticket), or the
   * one customer whose email is the address — none when several share it, as intake decides.
   */
  private async customerFor(m: EntityManager, customerId: number | undefined, address: string, p: Principal) {
    if (customerId !== undefined) {
      if (!p.has('customers.read')) throw new MissingRight('customers.read', 'global', 'to link a customer');
      const found = await this.customers.nameAndCode(customerId, m);
      if (!found) throw new ValidationFailed({ customerId: [fieldError('CUSTOMER_NOT_FOUND', `customer ${customerId} does not exist`, { id: customerId })] });
      return found;
    }
    const id = (await this.customers.idsByEmail([address], m)).get(address) ?? null;
    return id === null ? null : this.customers.nameAndCode(id, m);
  }
}
