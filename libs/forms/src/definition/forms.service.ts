import { Principal } from '@madoguchi/auth';
import { APP_CONFIG, AppConfig, AuditService, NotFound, ValidationFailed, MissingRight, fieldError } from '@madoguchi/core';
import { MailboxesService } from '@madoguchi/mailboxes';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager, Like } from 'typeorm';
import { FORM_CHOICE_TYPES, FORM_LIMITS, formDefinitionProblems, FormDefinition, FormField, FORM_MAX_MAX_LENGTH, slugFrom, ThankYouMail } from './form-definition';
import { CreateFormDto, FormFieldDto, UpdateFormDto } from './form.dto';
import { InquiryForm } from './inquiry-form.entity';

export interface FormView {
  id: number;
  mailboxId: number;
  name: string;
  slug: string;
  description: string | null;
  fields: FormField[];
  replyEmailField: string;
  thankYou: ThankYouMail;
  active: boolean;
  /** The ticket subject's template, or null for the default. */
  subjectTemplate: string | null;
  /** Where the public page is, on this server (`/forms/<slug>`) and as customers reach it. */
  path: string;
  publicUrl: string;
  createdAt: Date;
  updatedAt: Date;
}

const NO_THANK_YOU: ThankYouMail = { enabled: false, subject: '', body: '' };

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err.code === 'ER_DUP_ENTRY' || err.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(err.message ?? '');
}

/** The DTO's fields as stored: text trimmed, options only on choice types, maxLength only where it means something. */
function fieldsFrom(dto: FormFieldDto[]): FormField[] {
  return dto.map((f) => {
    const field: FormField = { key: f.key.trim(), label: f.label.trim(), type: f.type, required: f.required };
    if (f.maxLength !== undefined && f.maxLength !== null) field.maxLength = f.maxLength;
    if (f.options !== undefined && f.options !== null) field.options = f.options.map((o) => o.trim());
    return field;
  });
}

/** After the checks passed: drop what a type does not use (an empty options list on a text field). */
function tidy(fields: FormField[]): FormField[] {
  return fields.map(({ options, maxLength, ...f }) => ({
    ...f,
    ...(maxLength !== undefined && FORM_MAX_MAX_LENGTH[f.type] ? { maxLength } : {}),
    ...(FORM_CHOICE_TYPES.includes(f.type) ? { options: options ?? [] } : {}),
  }));
}

/**
 * The form builder (問い合わせフォーム, §2): forms per mailbox. Reading needs the view right on
 * the mailbox, changing needs manage; a mailbox the user cannot view is a 404.
 */
@Injectable()
export class FormsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly mailboxes: MailboxesService,
  ) {}

  async list(mailboxId: number, p: Principal): Promise<FormView[]> {
    this.mayRead(mailboxId, p);
    if (!(await this.mailboxExists(mailboxId))) throw new NotFound('mailbox', mailboxId);
    const rows = await this.dataSource.getRepository(InquiryForm).find({ where: { mailboxId }, order: { name: 'ASC', id: 'ASC' } });
    return rows.map((r) => this.view(r));
  }

  async get(mailboxId: number, id: number, p: Principal): Promise<FormView> {
    this.mayRead(mailboxId, p);
    const row = await this.dataSource.getRepository(InquiryForm).findOneBy({ id, mailboxId });
    if (!row) throw new NotFound('form', id);
    return this.view(row);
  }

  async create(mailboxId: number, dto: CreateFormDto, p: Principal): Promise<FormView> {
    this.mayWrite(mailboxId, p);
    return this.dataSource.transaction(async (m) => {
      if (!(await this.mailboxExists(mailboxId, m))) throw new NotFound('mailbox', mailboxId);
      const given = dto.slug?.trim() || null;
      const def: FormDefinition = {
        name: dto.name.trim(),
        // A placeholder that passes the slug check until a free one is chosen below.
        slug: given ?? 'auto',
        description: dto.description?.trim() || null,
        fields: fieldsFrom(dto.fields),
        replyEmailField: dto.replyEmailField?.trim() ?? '',
        thankYou: dto.thankYou ?? NO_THANK_YOU,
        active: dto.active ?? true,
        subjectTemplate: dto.subjectTemplate?.trim() || null,
      };
      const errors = formDefinitionProblems(def);
      if (!errors.slug && given && (await this.slugTaken(m, given))) errors.slug = [fieldError('TAKEN', `slug "${given}" is already used by another form`)];
      if (Object.keys(errors).length) throw new ValidationFailed(errors);
      def.slug = given ?? (await this.freeSlug(m, def.name));
      const saved = await this.save(m, m.getRepository(InquiryForm).create({ mailboxId, ...this.columns(def) }));
      const result = this.view(saved);
      await this.audit.record(p.actor, { entity: 'inquiry_form', entityId: saved.id, action: 'create', after: result }, m);
      return result;
    });
  }

  async update(mailboxId: number, id: number, dto: UpdateFormDto, p: Principal): Promise<FormView> {
    this.mayWrite(mailboxId, p);
    return this.dataSource.transaction(async (m) => {
      const row = await m.getRepository(InquiryForm).findOneBy({ id, mailboxId });
      if (!row) throw new NotFound('form', id);
      const before = this.view(row);
      const slug = dto.slug?.trim() || row.slug;
      const def: FormDefinition = {
        name: dto.name !== undefined ? dto.name.trim() : row.name,
        slug,
        description: dto.description !== undefined ? dto.description?.trim() || null : row.description,
        fields: dto.fields ? fieldsFrom(dto.fields) : row.fieldsJson,
        replyEmailField: dto.replyEmailField !== undefined ? dto.replyEmailField.trim() : row.replyEmailField,
        thankYou: dto.thankYou ?? row.thankYouJson,
        active: dto.active ?? row.active,
        subjectTemplate: dto.subjectTemplate !== undefined ? dto.subjectTemplate?.trim() || null : row.subjectTemplate,
      };
      const errors = formDefinitionProblems(def);
      if (!errors.slug && slug !== row.slug && (await this.slugTaken(m, slug))) errors.slug = [fieldError('TAKEN', `slug "${slug}" is already used by another form`)];
      if (Object.keys(errors).length) throw new ValidationFailed(errors);
      Object.assign(row, this.columns(def));
      const after = this.view(await this.save(m, row));
      await this.audit.record(p.actor, { entity: 'inquiry_form', entityId: id, action: 'update', before, after }, m);
      return after;
    });
  }

  async remove(mailboxId: number, id: number, p: Principal): Promise<void> {
    this.mayWrite(mailboxId, p);
    await this.dataSource.transaction(async (m) => {
      const row = await m.getRepository(InquiryForm).findOneBy({ id, mailboxId });
      if (!row) throw new NotFound('form', id);
      await m.getRepository(InquiryForm).delete({ id });
      await this.audit.record(p.actor, { entity: 'inquiry_form', entityId: id, action: 'delete', before: this.view(row) }, m);
    });
  }

  /** The active form at a public address, or null (unknown and inactive forms look the same from outside). */
  async published(slug: string): Promise<InquiryForm | null> {
    if (!slug || slug.length > FORM_LIMITS.slug) return null;
    return this.dataSource.getRepository(InquiryForm).findOneBy({ slug, active: true });
  }

  view(r: InquiryForm): FormView {
    const path = `/forms/${r.slug}`;
    return {
      id: r.id,
      mailboxId: r.mailboxId,
      name: r.name,
      slug: r.slug,
      description: r.description,
      fields: r.fieldsJson,
      replyEmailField: r.replyEmailField,
      thankYou: r.thankYouJson,
      active: r.active,
      subjectTemplate: r.subjectTemplate ?? null,
      path,
      publicUrl: `${this.config.http.publicUrl.replace(/\/+$/, '')}${path}`,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    };
  }

  private columns(def: FormDefinition): Partial<InquiryForm> {
    const t = def.thankYou;
    return {
      name: def.name,
      slug: def.slug,
      description: def.description,
      fieldsJson: tidy(def.fields),
      replyEmailField: def.replyEmailField,
      thankYouJson: { enabled: t.enabled, subject: t.subject.trim(), body: t.body },
      active: def.active,
      subjectTemplate: def.subjectTemplate ?? null,
    };
  }

  /** Two saves racing for one slug: the unique index lets one win, the other gets the same message as a checked clash. */
  private async save(m: EntityManager, row: InquiryForm): Promise<InquiryForm> {
    try {
      return await m.getRepository(InquiryForm).save(row);
    } catch (e) {
      if (isUniqueViolation(e)) throw new ValidationFailed({ slug: [fieldError('TAKEN', `slug "${row.slug}" is already used by another form`)] });
      throw e;
    }
  }

  private slugTaken(m: EntityManager, slug: string): Promise<boolean> {
    return m.getRepository(InquiryForm).existsBy({ slug });
  }

  /** The name's ASCII part as a slug (`contact`, then `contact-2`, …); `form`, `form-2`, … for a name with none. */
  private async freeSlug(m: EntityManager, name: string): Promise<string> {
    const base = slugFrom(name) || 'form';
    const taken = new Set((await m.getRepository(InquiryForm).find({ select: { slug: true }, where: { slug: Like(`${base}%`) } })).map((r) => r.slug));
    if (!taken.has(base)) return base;
    for (let n = 2; n < 1000; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
    return `${base}-${randomBytes(4).toString('hex')}`;
  }

  /** Mailboxes own their table: whether this one exists is theirs to say. */
  private async mailboxExists(mailboxId: number, m?: EntityManager): Promise<boolean> {
    return (await this.mailboxes.names([mailboxId], m)).has(mailboxId);
  }

  private mayRead(mailboxId: number, p: Principal): void {
    if (!p.can(mailboxId, 'view')) throw new NotFound('mailbox', mailboxId);
  }

  private mayWrite(mailboxId: number, p: Principal): void {
    if (p.can(mailboxId, 'manage')) return;
    if (p.can(mailboxId, 'view')) throw new MissingRight('manage');
    throw new NotFound('mailbox', mailboxId);
  }
}
