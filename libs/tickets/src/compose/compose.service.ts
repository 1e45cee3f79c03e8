import { Principal } from '@madoguchi/auth';
import { APP_CONFIG, AppConfig, fieldError, MissingRight, NotFound, ValidationFailed } from '@madoguchi/core';
import { CustomersService } from '@madoguchi/customers';
import { MailboxesService, renderTemplate, TemplatesService, TemplateVars } from '@madoguchi/mailboxes';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Ticket } from '../ticket.entity';
import { TicketsService } from '../tickets.service';

/** A template rendered for one ticket. Sender fields are null where the template sets none (and always for body/signature templates). */
export interface RenderedTemplate {
  text: string;
  fromName: string | null;
  fromAddress: string | null;
  replyTo: string | null;
}

/** Fills reply templates with a ticket's customer, code and subject, the agent, the mailbox and the company. */
@Injectable()
export class ComposeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tickets: TicketsService,
    private readonly templates: TemplatesService,
    private readonly customers: CustomersService,
    private readonly mailboxes: MailboxesService,
  ) {}

  /**
   * Renders the template against the ticket. The user must be able to view both; a template of
   * another mailbox than the ticket's is refused (a shared one fits every ticket).
   */
  async render(templateId: number, ticketId: number, p: Principal): Promise<RenderedTemplate> {
    const template = await this.templates.visible(templateId, p);
    const m = this.dataSource.manager;
    const ticket = await this.tickets.visibleTicket(ticketId, p, m);
    if (template.mailboxId !== null && template.mailboxId !== ticket.mailboxId) {
      throw new ValidationFailed({ ticketId: [`ticket ${ticket.code} belongs to another mailbox than this template`] });
    }
    const vars = await this.varsFor(ticket, p, m);
    const render = (text: string | null) => (text === null ? null : renderTemplate(text, vars));
    return {
      text: render(template.body) ?? '',
      fromName: render(template.fromName),
      fromAddress: template.fromAddress,
      replyTo: template.replyTo,
    };
  }

  /** An unsaved template's text filled in for a ticket the user can view (the templates screen's preview). */
  async preview(input: { ticketId: number; mailboxId?: number | null; body?: string | null; fromName?: string | null }, p: Principal): Promise<RenderedTemplate> {
    const m = this.dataSource.manager;
    const ticket = await this.tickets.visibleTicket(input.ticketId, p, m);
    if (input.mailboxId != null && input.mailboxId !== ticket.mailboxId) {
      throw new ValidationFailed({ ticketId: [`ticket ${ticket.code} belongs to another mailbox than this template`] });
    }
    const vars = await this.varsFor(ticket, p, m);
    return {
      text: input.body ? renderTemplate(input.body, vars) : '',
      fromName: input.fromName ? renderTemplate(input.fromName, vars) : null,
      fromAddress: null,
      replyTo: null,
    };
  }

  /**
   * Renders the template for a 新規メール作成: the mailbox it goes out from (the user must be able
   * to reply there; hidden → 404), the customer if one is chosen (customers.read), the subject
   * typed so far; the ticket has no code yet, so `{{ticket.code}}` is empty.
   */
  async renderForNewMail(templateId: number, input: { mailboxId: number; customerId?: number; subject?: string }, p: Principal): Promise<RenderedTemplate> {
    const template = await this.templates.visible(templateId, p);
    if (!p.can(input.mailboxId, 'view')) throw new NotFound('mailbox', input.mailboxId);
    if (!p.can(input.mailboxId, 'reply')) throw new MissingRight('reply');
    if (template.mailboxId !== null && template.mailboxId !== input.mailboxId) {
      throw new ValidationFailed({ mailboxId: ['this template belongs to another mailbox'] });
    }
    const m = this.dataSource.manager;
    let customer: { name: string; code: string } = { name: '', code: '' };
    if (input.customerId !== undefined) {
      if (!p.has('customers.read')) throw new MissingRight('customers.read', 'global', 'to fill in a customer');
      const found = await this.customers.nameAndCode(input.customerId, m);
      if (!found) throw new ValidationFailed({ customerId: [fieldError('CUSTOMER_NOT_FOUND', `customer ${input.customerId} does not exist`, { id: input.customerId })] });
      customer = { name: `${found.lastName} ${found.firstName ?? ''}`.trim(), code: found.code };
    }
    const mailboxNames = await this.mailboxes.names([input.mailboxId], m);
    const vars: TemplateVars = {
      customer,
      ticket: { code: '', subject: input.subject ?? '' },
      agent: { name: p.name },
      mailbox: { name: mailboxNames.get(input.mailboxId) ?? '' },
      company: { name: this.config.company.name },
    };
    const render = (text: string | null) => (text === null ? null : renderTemplate(text, vars));
    return { text: render(template.body) ?? '', fromName: render(template.fromName), fromAddress: template.fromAddress, replyTo: template.replyTo };
  }

  /** What the placeholders stand for on this ticket, for this agent. */
  async varsFor(ticket: Ticket, p: Principal, m: EntityManager = this.dataSource.manager): Promise<TemplateVars> {
    const [customer, mailboxNames] = await Promise.all([
      ticket.customerId === null ? null : this.customers.nameAndCode(ticket.customerId, m),
      this.mailboxes.names([ticket.mailboxId], m),
    ]);
    return {
      // Japanese order, family name first: 山田 花子.
      customer: customer
        ? { name: `${customer.lastName} ${customer.firstName ?? ''}`.trim(), code: customer.code }
        : { name: ticket.contactName?.trim() ?? '', code: '' },
      ticket: { code: ticket.code, subject: ticket.subject },
      agent: { name: p.name },
      mailbox: { name: mailboxNames.get(ticket.mailboxId) ?? '' },
      company: { name: this.config.company.name },
    };
  }
}
