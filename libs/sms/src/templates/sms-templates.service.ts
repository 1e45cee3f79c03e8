import { Actor, AuditService, fieldError, FieldProblem, NotFound, ValidationFailed } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { checkPlaceholders, MEETING_PLACEHOLDERS, placeholderProblem, SMS_PLACEHOLDERS } from '../placeholders';
import { SMS_MAX_LENGTH, smsLength } from '../segments';
import { CreateSmsTemplateDto, UpdateSmsTemplateDto } from './sms-template.dto';
import { SmsTemplate } from './sms-template.entity';

export interface SmsTemplateView {
  id: number;
  name: string;
  subject: string;
  body: string;
  usedForOnlineMeeting: boolean;
  /** The placeholders it uses; the send dialog asks for the meeting fields when these include them. */
  placeholders: string[];
  needsMeeting: boolean;
  createdAt: Date;
  updatedAt: Date;
}

function view(t: SmsTemplate): SmsTemplateView {
  const used = [...new Set([...checkPlaceholders(t.subject).used, ...checkPlaceholders(t.body).used])];
  return {
    id: t.id,
    name: t.name,
    subject: t.subject,
    body: t.body,
    usedForOnlineMeeting: t.usedForOnlineMeeting,
    placeholders: used,
    needsMeeting: used.some((u) => MEETING_PLACEHOLDERS.includes(u)),
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

/** The problems of a template's text fields: unknown or unclosed placeholders, a body over 660 characters. */
export function templateProblems(fields: { subject?: string; body?: string }): Record<string, FieldProblem[]> {
  const problems: Record<string, FieldProblem[]> = {};
  for (const [field, text] of Object.entries(fields) as [string, string | undefined][]) {
    if (text === undefined) continue;
    const c = checkPlaceholders(text);
    const message = placeholderProblem(text);
    if (c.unknown.length) (problems[field] ??= []).push(fieldError('UNKNOWN_PLACEHOLDER', message!, { token: c.unknown.map((n) => `[[%${n}%]]`).join(', '), known: SMS_PLACEHOLDERS.join(', ') }));
    else if (c.unclosed) (problems[field] ??= []).push(fieldError('UNCLOSED_PLACEHOLDER', message!, { token: '[[%' }));
  }
  if (fields.body !== undefined && smsLength(fields.body) > SMS_MAX_LENGTH) (problems.body ??= []).push(fieldError('MAX_LENGTH', `body must be at most ${SMS_MAX_LENGTH} characters`, { max: SMS_MAX_LENGTH }));
  return problems;
}

/** SMS雛形: shared by every agent; written by those with the SMS-settings right. */
@Injectable()
export class SmsTemplatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<SmsTemplateView[]> {
    const rows = await this.dataSource.getRepository(SmsTemplate).find({ order: { name: 'ASC', id: 'ASC' }, take: 1000 });
    return rows.map(view);
  }

  async row(id: number): Promise<SmsTemplate> {
    const t = await this.dataSource.getRepository(SmsTemplate).findOneBy({ id });
    if (!t) throw new NotFound('sms template', id);
    return t;
  }

  async get(id: number): Promise<SmsTemplateView> {
    return view(await this.row(id));
  }

  async create(dto: CreateSmsTemplateDto, actor: Actor): Promise<SmsTemplateView> {
    const problems = templateProblems({ subject: dto.subject ?? '', body: dto.body });
    if (Object.keys(problems).length) throw new ValidationFailed(problems);
    return this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(SmsTemplate);
      const t = await repo.save(repo.create({ name: dto.name.trim() || dto.name, subject: dto.subject ?? '', body: dto.body, usedForOnlineMeeting: dto.usedForOnlineMeeting ?? false, createdBy: actor.userId }));
      await this.audit.record(actor, { entity: 'sms_template', entityId: t.id, action: 'create', after: view(t) }, m);
      return view(t);
    });
  }

  async update(id: number, dto: UpdateSmsTemplateDto, actor: Actor): Promise<SmsTemplateView> {
    const problems = templateProblems({ subject: dto.subject ?? undefined, body: dto.body ?? undefined });
    if (Object.keys(problems).length) throw new ValidationFailed(problems);
    // A field sent as null is taken as left out: none of them can be cleared.
    return this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(SmsTemplate);
      const t = await repo.findOneBy({ id });
      if (!t) throw new NotFound('sms template', id);
      const before = view(t);
      if (dto.name != null) t.name = dto.name.trim() || dto.name;
      if (dto.subject != null) t.subject = dto.subject;
      if (dto.body != null) t.body = dto.body;
      if (dto.usedForOnlineMeeting != null) t.usedForOnlineMeeting = dto.usedForOnlineMeeting;
      await repo.save(t);
      await this.audit.record(actor, { entity: 'sms_template', entityId: id, action: 'update', before, after: view(t) }, m);
      return view(t);
    });
  }

  async remove(id: number, actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const t = await m.getRepository(SmsTemplate).findOneBy({ id });
      if (!t) throw new NotFound('sms template', id);
      await m.delete(SmsTemplate, { id });
      await this.audit.record(actor, { entity: 'sms_template', entityId: id, action: 'delete', before: view(t) }, m);
    });
  }
}
