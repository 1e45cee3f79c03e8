import { Principal } from '@madoguchi/auth';
import { AuditService, ErrorParams, fieldError, FieldProblem, Forbidden, NotFound, ValidationFailed, MissingRight } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, Repository } from 'typeorm';
import { Mailbox } from '../mailbox.entity';
import { describePlaceholderProblem, findUnknownPlaceholders } from './placeholders';
import { CreateTemplateDto, TemplateQueryDto, UpdateTemplateDto } from './template.dto';
import { Template, TemplateKind } from './template.entity';

export interface TemplateView {
  id: number;
  /** null: shared by every mailbox. */
  mailboxId: number | null;
  kind: TemplateKind;
  name: string;
  body: string | null;
  fromName: string | null;
  fromAddress: string | null;
  replyTo: string | null;
  createdAt: Date;
  updatedAt: Date;
}

type Content = Pick<Template, 'kind' | 'name' | 'body' | 'fromName' | 'fromAddress' | 'replyTo'>;
type ContentInput = Partial<Record<keyof Content, string | null | undefined>>;

const SENDER_FIELDS = ['fromName', 'fromAddress', 'replyTo'] as const;

function view(t: Template): TemplateView {
  return {
    id: t.id,
    mailboxId: t.mailboxId,
    kind: t.kind,
    name: t.name,
    body: t.body,
    fromName: t.fromName,
    fromAddress: t.fromAddress,
    replyTo: t.replyTo,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

const blankToNull = (v: string | null | undefined) => (v === undefined || v === null || v.trim() === '' ? null : v);

/**
 * Checks one template's content as a whole (after an update is merged in) and returns it
 * normalised: the fields of the other kind dropped, placeholders checked, names trimmed.
 * `given` holds what the request itself sent, so only fields it sent can be wrong for the kind.
 */
function checkContent(merged: ContentInput, given: ContentInput): Content {
  const errors: Record<string, FieldProblem[]> = {};
  const fail = (field: string, message: string, code = 'INVALID', params?: ErrorParams) => (errors[field] ??= []).push(fieldError(code, message, params));
  const placeholders = (field: string, text: string | null) => {
    for (const problem of text ? findUnknownPlaceholders(text) : [])
      fail(field, describePlaceholderProblem(problem), problem.kind === 'unknown' ? 'UNKNOWN_PLACEHOLDER' : 'UNCLOSED_PLACEHOLDER', { token: problem.token });
  };

  const kind = merged.kind as TemplateKind;
  const name = merged.name?.trim() ?? '';
  if (!name) fail('name', 'name is required', 'REQUIRED');
  let content: Content;
  if (kind === 'sender') {
    if (blankToNull(given.body) !== null) fail('body', 'body is only for body and signature templates', 'NOT_FOR_KIND');
    const fromName = blankToNull(merged.fromName)?.trim() ?? null;
    const fromAddress = blankToNull(merged.fromAddress)?.trim().toLowerCase() ?? null;
    const replyTo = blankToNull(merged.replyTo)?.trim().toLowerCase() ?? null;
    if (!fromName && !fromAddress && !replyTo) fail('fromName', 'a sender template needs a From name, a From address or a Reply-To', 'SENDER_REQUIRED');
    placeholders('fromName', fromName);
    content = { kind, name, body: null, fromName, fromAddress, replyTo };
  } else {
    for (const field of SENDER_FIELDS) if (blankToNull(given[field]) !== null) fail(field, `${field} is only for sender templates`, 'NOT_FOR_KIND');
    const body = blankToNull(merged.body);
    if (!body) fail('body', 'body is required', 'REQUIRED');
    placeholders('body', body);
    content = { kind, name, body, fromName: null, fromAddress: null, replyTo: null };
  }
  if (Object.keys(errors).length) throw new ValidationFailed(errors);
  return content;
}

/**
 * Reply templates (§2). Reading needs the view right on the template's mailbox (shared ones:
 * any signed-in user); writing needs manage on it (shared ones: admin).
 */
@Injectable()
export class TemplatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** One template, whoever asks: for other services that checked the caller themselves. */
  async get(id: number): Promise<TemplateView> {
    const row = await this.dataSource.getRepository(Template).findOneBy({ id });
    if (!row) throw new NotFound('template', id);
    return view(row);
  }

  /** The mailbox's own templates and the shared ones (only the shared ones for null), by name. */
  async listFor(mailboxId: number | null, kind?: TemplateKind): Promise<TemplateView[]> {
    const qb = this.dataSource.getRepository(Template).createQueryBuilder('t');
    qb.where(
      new Brackets((w) => {
        w.where('t.mailbox_id IS NULL');
        if (mailboxId !== null) w.orWhere('t.mailbox_id = :mailboxId', { mailboxId });
      }),
    );
    if (kind) qb.andWhere('t.kind = :kind', { kind });
    const rows = await qb.orderBy('t.name', 'ASC').addOrderBy('t.id', 'ASC').getMany();
    return rows.map(view);
  }

  async list(query: TemplateQueryDto, p: Principal): Promise<TemplateView[]> {
    if (query.mailboxId !== undefined && !p.can(query.mailboxId, 'view')) throw new NotFound('mailbox', query.mailboxId);
    return this.listFor(query.mailboxId ?? null, query.kind);
  }

  /** A template the user may read; 404 when it does not exist or its mailbox is hidden from them. */
  async visible(id: number, p: Principal): Promise<TemplateView> {
    const t = await this.dataSource.getRepository(Template).findOneBy({ id });
    if (!t || (t.mailboxId !== null && !p.can(t.mailboxId, 'view'))) throw new NotFound('template', id);
    return view(t);
  }

  async create(dto: CreateTemplateDto, p: Principal): Promise<TemplateView> {
    const mailboxId = dto.mailboxId ?? null;
    this.mayWrite(mailboxId, p, () => new NotFound('mailbox', mailboxId!));
    const content = checkContent(dto, dto);
    return this.dataSource.transaction(async (m) => {
      if (mailboxId !== null && !(await m.getRepository(Mailbox).existsBy({ id: mailboxId }))) throw new NotFound('mailbox', mailboxId);
      const saved = await m.getRepository(Template).save(m.getRepository(Template).create({ mailboxId, ...content }));
      const result = view(saved);
      await this.audit.record(p.actor, { entity: 'template', entityId: saved.id, action: 'create', after: result }, m);
      return result;
    });
  }

  async update(id: number, dto: UpdateTemplateDto, p: Principal): Promise<TemplateView> {
    if (dto.kind === null || dto.name === null) {
      throw new ValidationFailed({ [dto.kind === null ? 'kind' : 'name']: [`${dto.kind === null ? 'kind' : 'name'} cannot be null`] });
    }
    return this.dataSource.transaction(async (m) => {
      const row = await this.writable(id, p, m.getRepository(Template));
      const before = view(row);
      const given: ContentInput = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined));
      const content = checkContent({ ...before, ...given }, given);
      Object.assign(row, content);
      const after = view(await m.getRepository(Template).save(row));
      await this.audit.record(p.actor, { entity: 'template', entityId: id, action: 'update', before, after }, m);
      return after;
    });
  }

  async remove(id: number, p: Principal): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const row = await this.writable(id, p, m.getRepository(Template));
      await m.getRepository(Template).delete({ id });
      await this.audit.record(p.actor, { entity: 'template', entityId: id, action: 'delete', before: view(row) }, m);
    });
  }

  private async writable(id: number, p: Principal, repo: Repository<Template>): Promise<Template> {
    const row = await repo.findOneBy({ id });
    if (!row) throw new NotFound('template', id);
    this.mayWrite(row.mailboxId, p, () => new NotFound('template', id));
    return row;
  }

  /** Manage on the mailbox, admin for shared templates; a mailbox the user cannot even view is a 404. */
  private mayWrite(mailboxId: number | null, p: Principal, hidden: () => NotFound): void {
    if (mailboxId === null) {
      if (!p.isAdmin) throw new Forbidden('Shared templates can be changed by administrators only', 'SHARED_TEMPLATE_ADMIN_ONLY');
      return;
    }
    if (p.can(mailboxId, 'manage')) return;
    if (p.can(mailboxId, 'view')) throw new MissingRight('manage');
    throw hidden();
  }
}
