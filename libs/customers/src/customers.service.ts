import { UsersService } from '@madoguchi/auth';
import {
  Actor,
  APP_CONFIG,
  AppConfig,
  AuditService,
  Conflict,
  escapeLike,
  hasControlCharacter,
  NotFound,
  SequenceService,
  ValidationFailed,
} from '@madoguchi/core';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  Brackets,
  DataSource,
  EntityManager,
  In,
  IsNull,
  Not,
  ObjectLiteral,
  SelectQueryBuilder,
} from 'typeorm';
import { CustomerAssignee } from './customer-assignee.entity';
import { CreateCustomerDto, CustomerFieldsDto, CustomerQueryDto, UpdateCustomerDto } from './customer.dto';
import { Customer, ListFlag, RegistrationState } from './customer.entity';
import { buildSearchText } from './search/customer-search-text';
import { boundOf } from './history/history-dates';
import { HistoryService } from './history/history.service';
import { CustomerSearch } from './search/customer-search.entity';
import { normalizeForSearch, normalizeKana, parsePhone, phoneDigits } from './search/normalize';
import { MemberNotificationsService } from './notifications/member-notifications.service';

export interface CustomerView {
  id: number;
  code: string;
  lastName: string;
  firstName: string | null;
  lastNameKana: string | null;
  firstNameKana: string | null;
  companyName: string | null;
  department: string | null;
  email: string | null;
  tel: string | null;
  mobile: string | null;
  postalCode: string | null;
  address: string | null;
  branch: string | null;
  assigneeIds: number[];
  registrationState: RegistrationState;
  listFlag: ListFlag;
  comment: string | null;
  birthday: string | null;
  smsConsent: boolean;
  /** 退会済み since then; null while a member. */
  withdrawnAt: Date | null;
  /** Set when this customer was merged into another (重複会員統合): the karte links there. */
  mergedInto: { id: number; code: string } | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CustomerPage {
  items: CustomerView[];
  total: number;
  page: number;
  pageSize: number;
}

const CODE_SEQUENCE = 'customer_code';
const FIRST_CODE = 100001;
const DEFAULT_PAGE_SIZE = 50;
/** How many matches the one-pass free-text search collects before it falls back to counting. */
const QUICK_LIMIT = 5000;

function toView(
  c: Customer,
  assigneeIds: number[],
  mergedInto: { id: number; code: string } | null = null,
): CustomerView {
  return {
    id: c.id,
    code: c.code,
    lastName: c.lastName,
    firstName: c.firstName,
    lastNameKana: c.lastNameKana,
    firstNameKana: c.firstNameKana,
    companyName: c.companyName ?? null,
    department: c.department ?? null,
    email: c.email,
    tel: c.tel,
    mobile: c.mobile,
    postalCode: c.postalCode,
    address: c.address,
    branch: c.branch,
    assigneeIds: [...assigneeIds].sort((a, b) => a - b),
    registrationState: c.registrationState,
    listFlag: c.listFlag,
    comment: c.comment,
    birthday: c.birthday,
    smsConsent: !!c.smsConsent,
    withdrawnAt: c.withdrawnAt ?? null,
    mergedInto,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** A search word no stored search text contains (search text never keeps control characters). */
const NEVER_MATCHES = '\u0000';

@Injectable()
export class CustomersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sequences: SequenceService,
    private readonly audit: AuditService,
    private readonly users: UsersService,
    private readonly history: HistoryService,
    // Optional so the search benchmark can build the service by hand.
    @Optional() private readonly memberNotifications?: MemberNotificationsService,
    // The company's time zone turns the date filters' days into instants (Asia/Tokyo without it).
    @Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig,
  ) {}

  /**
   * One page of matches plus their total, in one pass in the usual case: the ids of the first
   * QUICK_LIMIT matches in page order; fewer than that means we have them all and the count
   * comes free, more means a broad query whose full count is one more (index-friendly) scan.
   * Free text in the default order reads only the narrow search table.
   */
  async search(query: CustomerQueryDto): Promise<CustomerPage> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    const offset = (page - 1) * pageSize;
    const ids = this.idsInOrder(query);
    let total: number;
    let pageIds: number[];
    if (offset + pageSize <= QUICK_LIMIT) {
      const first = (await ids.clone().limit(QUICK_LIMIT).getRawMany<{ id: number }>()).map((r) =>
        Number(r.id),
      );
      total = first.length < QUICK_LIMIT ? first.length : await ids.clone().orderBy().getCount();
      pageIds = first.slice(offset, offset + pageSize);
    } else {
      total = await ids.clone().orderBy().getCount();
      pageIds = (await ids.clone().offset(offset).limit(pageSize).getRawMany<{ id: number }>()).map((r) =>
        Number(r.id),
      );
    }
    const rows = pageIds.length
      ? await this.dataSource.getRepository(Customer).findBy({ id: In(pageIds) })
      : [];
    const position = new Map(pageIds.map((id, i) => [id, i]));
    rows.sort((a, b) => position.get(a.id)! - position.get(b.id)!);
    return { items: await this.withAssignees(this.dataSource.manager, rows), total, page, pageSize };
  }

  /** The matching ids in page order: from the search table alone when only free text is asked for. */
  private idsInOrder(query: CustomerQueryDto): SelectQueryBuilder<ObjectLiteral> {
    const { q, page: _p, pageSize: _s, order, ...rest } = query;
    const words = this.queryWords(q);
    if (words.length && !query.sort && Object.values(rest).every((v) => v === undefined)) {
      const sq = this.dataSource
        .getRepository(CustomerSearch)
        .createQueryBuilder('cs')
        .select('cs.customer_id', 'id');
      this.whereWords(sq, 'cs.text', words);
      return sq.orderBy('cs.customer_id', order === 'asc' ? 'ASC' : 'DESC');
    }
    const qb = this.filtered(query).select('c.id', 'id');
    this.sorted(qb, query);
    return qb;
  }

  /** Words of a free-text query, normalised like the stored search text. */
  private queryWords(q: string | undefined): string[] {
    return (
      (q ?? '')
        .split(/[\s\u3000]+/)
        // A control character is searched for as itself: stored text never holds one, so it matches nothing (not everything).
        .map((word) => (hasControlCharacter(word) ? NEVER_MATCHES : normalizeForSearch(word)))
        .filter(Boolean)
    );
  }

  /** Every word must appear somewhere in the search text. */
  private whereWords<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    column: string,
    words: string[],
  ): void {
    // SQLite ends a bound string at NUL, so a word of control characters is answered here, not by LIKE.
    words.forEach((w, i) =>
      w === NEVER_MATCHES
        ? qb.andWhere('1 = 0')
        : qb.andWhere(`${column} LIKE :qw${i} ESCAPE '!'`, { [`qw${i}`]: `%${escapeLike(w)}%` }),
    );
  }

  /** Every customer matching the query, in batches, for the CSV export. */
  async *iterate(query: CustomerQueryDto, batchSize = 1000): AsyncGenerator<CustomerView[]> {
    let afterId = 0;
    for (;;) {
      const rows = await this.filtered(query)
        .andWhere('c.id > :afterId', { afterId })
        .orderBy('c.id', 'ASC')
        .take(batchSize)
        .getMany();
      if (!rows.length) return;
      yield this.withAssignees(this.dataSource.manager, rows);
      afterId = rows[rows.length - 1].id;
    }
  }

  /**
   * The customers named (those that exist) or matching the search, in id order and in batches,
   * each with its first 担当 by user id (null when it has none): what 一括登録 writes for.
   */
  async *idsWithFirstAssignee(
    source: { ids: number[] } | { query: Omit<CustomerQueryDto, 'page' | 'pageSize'> },
    batchSize = 2000,
  ): AsyncGenerator<{ id: number; assigneeId: number | null }[]> {
    const ids = 'ids' in source ? [...new Set(source.ids)].sort((a, b) => a - b) : null;
    let afterId = 0;
    for (let start = 0; ; start += batchSize) {
      let found: number[];
      if (ids) {
        const chunk = ids.slice(start, start + batchSize);
        if (!chunk.length) return;
        found = (
          await this.dataSource.getRepository(Customer).find({
            select: { id: true },
            where: { id: In(chunk), mergedIntoId: IsNull() },
            order: { id: 'ASC' },
          })
        ).map((c) => c.id);
      } else {
        const qb = this.filtered('query' in source ? source.query : {})
          .select('c.id', 'id')
          .andWhere('c.id > :afterId', { afterId })
          .orderBy('c.id', 'ASC')
          .limit(batchSize);
        found = (await qb.getRawMany<{ id: number | string }>()).map((r) => Number(r.id));
        if (!found.length) return;
        afterId = found[found.length - 1];
      }
      if (!found.length) continue;
      const firsts = await this.dataSource
        .getRepository(CustomerAssignee)
        .createQueryBuilder('ca')
        .select('ca.customer_id', 'customerId')
        .addSelect('MIN(ca.user_id)', 'userId')
        .where('ca.customer_id IN (:...found)', { found })
        .groupBy('ca.customer_id')
        .getRawMany<{ customerId: number | string; userId: number | string }>();
      const first = new Map(firsts.map((r) => [Number(r.customerId), Number(r.userId)]));
      yield found.map((id) => ({ id, assigneeId: first.get(id) ?? null }));
    }
  }

  /** The views of these customers (merged-away ones included), in id order; ids that name nobody are left out. */
  async views(ids: number[], m: EntityManager = this.dataSource.manager): Promise<CustomerView[]> {
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    return this.withAssignees(
      m,
      await m.getRepository(Customer).find({ where: { id: In(unique) }, order: { id: 'ASC' } }),
    );
  }

  async get(id: number): Promise<CustomerView> {
    const c = await this.dataSource.getRepository(Customer).findOneBy({ id });
    if (!c) throw new NotFound('customer', id);
    return (await this.withAssignees(this.dataSource.manager, [c]))[0];
  }

  async create(dto: CreateCustomerDto, actor: Actor): Promise<CustomerView> {
    return this.dataSource.transaction(async (m) => {
      const c = m.getRepository(Customer).create({
        registrationState: 'registered',
        listFlag: 'normal',
        smsConsent: false,
      });
      c.lastName = dto.lastName;
      this.applyFields(c, dto);
      if (c.code) {
        await this.assertCodeFree(m, c.code);
      } else {
        c.code = await this.nextFreeCode(m);
      }
      const saved = await m.getRepository(Customer).save(c);
      await m.getRepository(CustomerSearch).insert({ customerId: saved.id, text: buildSearchText(saved) });
      await this.replaceAssignees(m, saved.id, dto.assigneeIds ?? []);
      const view = (await this.withAssignees(m, [saved]))[0];
      await this.audit.record(
        actor,
        { entity: 'customer', entityId: saved.id, action: 'create', after: view },
        m,
      );
      await this.history.recordAuto(m, 'customer_registered', {
        customerId: saved.id,
        eventKey: `customer:${saved.id}`,
        authorId: actor.userId,
        staffId: actor.userId,
        values: { name: saved.lastName },
      });
      // 登録通知メールを送る: the 通知メール of a registration, when staff ticked it.
      if (dto.notify) await this.memberNotifications?.registered(m, saved.id);
      return view;
    });
  }

  async update(id: number, dto: UpdateCustomerDto, actor: Actor): Promise<CustomerView> {
    return this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(Customer);
      const c = await repo.findOneBy({ id });
      if (!c) throw new NotFound('customer', id);
      if (c.mergedIntoId)
        throw new Conflict(
          'CUSTOMER_MERGED',
          `Customer ${c.code} was merged into another customer; edit that one`,
          { code: c.code },
        );
      const before = (await this.withAssignees(m, [c]))[0];
      if (dto.lastName !== undefined) c.lastName = dto.lastName;
      const oldCode = c.code;
      this.applyFields(c, dto);
      if (dto.code === null) c.code = oldCode;
      if (c.code !== oldCode) await this.assertCodeFree(m, c.code);
      await repo.save(c);
      await m.getRepository(CustomerSearch).update({ customerId: id }, { text: buildSearchText(c) });
      if (dto.assigneeIds !== undefined) await this.replaceAssignees(m, id, dto.assigneeIds);
      const after = (await this.withAssignees(m, [c]))[0];
      await this.audit.record(
        actor,
        { entity: 'customer', entityId: id, action: 'update', before, after },
        m,
      );
      return after;
    });
  }

  async remove(id: number, actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const c = await m.getRepository(Customer).findOneBy({ id });
      if (!c) throw new NotFound('customer', id);
      const before = (await this.withAssignees(m, [c]))[0];
      await m.getRepository(Customer).delete({ id });
      await this.audit.record(actor, { entity: 'customer', entityId: id, action: 'delete', before }, m);
    });
  }

  /**
   * データベース自動連携: the customer an inquiry comes from, in the caller's transaction. Found
   * by email or by phone (digits, whatever the hyphens); created as 仮登録 when none matches.
   * Mapped values fill the customer's empty fields only (what staff entered is never
   * overwritten); a value that is not valid for its field (a bad phone number) is skipped.
   */
  async linkInquiry(
    m: EntityManager,
    link: {
      matchBy: 'email' | 'phone';
      email: string | null;
      phone: string | null;
      values: Partial<Record<LinkableField, string>>;
      notify?: boolean;
    },
    actor: Actor,
  ): Promise<{ customerId: number; created: boolean } | null> {
    const repo = m.getRepository(Customer);
    const email = link.email?.trim().toLowerCase() || null;
    const digits = link.phone ? (parsePhone(link.phone)?.digits ?? null) : null;
    let c: Customer | null = null;
    if (link.matchBy === 'phone' && digits) {
      c = await repo
        .createQueryBuilder('c')
        .where('c.tel_digits = :d OR c.mobile_digits = :d', { d: digits })
        .orderBy('c.id', 'ASC')
        .getOne();
    }
    if (!c && email) c = await repo.findOne({ where: { email }, order: { id: 'ASC' } });
    if (!c && !email && !digits) return null;
    const created = !c;
    const before = c ? { ...c } : null;
    if (!c) {
      c = repo.create({ registrationState: 'provisional', listFlag: 'normal', smsConsent: false });
      c.code = await this.nextFreeCode(m);
      c.lastName = '';
      c.email = email;
    }
    const values: Partial<Record<LinkableField, string>> = { ...link.values };
    if (digits && link.phone && !values.tel && !values.mobile)
      values[/^0[789]0/.test(digits) ? 'mobile' : 'tel'] = link.phone;
    const fill: CustomerFieldsDto & { lastName?: string } = {};
    for (const [field, raw] of Object.entries(values) as [LinkableField, string][]) {
      const value = raw?.trim();
      if (!value || !LINKABLE_FIELDS.includes(field)) continue;
      const current = (c as unknown as Record<string, unknown>)[field];
      if (current !== null && current !== undefined && current !== '') continue;
      if ((field === 'tel' || field === 'mobile') && !parsePhone(value)) continue;
      (fill as Record<string, string>)[field] = value.slice(0, field === 'comment' ? 2000 : 255);
    }
    if (fill.lastName === undefined && !c.lastName)
      fill.lastName = (email ?? link.phone ?? '').split('@')[0] || '(不明)';
    if (fill.lastName !== undefined) c.lastName = fill.lastName;
    this.applyFields(c, fill);
    const saved = await repo.save(c);
    if (created)
      await m.getRepository(CustomerSearch).insert({ customerId: saved.id, text: buildSearchText(saved) });
    else
      await m
        .getRepository(CustomerSearch)
        .update({ customerId: saved.id }, { text: buildSearchText(saved) });
    if (created)
      await this.history.recordAuto(m, 'customer_registered', {
        customerId: saved.id,
        eventKey: `customer:${saved.id}`,
        values: { name: saved.lastName },
      });
    // A form submission that created the customer: the 通知メール of a registration.
    if (created && link.notify) await this.memberNotifications?.registered(m, saved.id);
    if (created || Object.keys(fill).length) {
      await this.audit.record(
        actor,
        {
          entity: 'customer',
          entityId: saved.id,
          action: created ? 'create_from_inquiry' : 'update_from_inquiry',
          before,
          after: fill,
        },
        m,
      );
    }
    return { customerId: saved.id, created };
  }

  /**
   * A 仮登録 customer for a verified address (a MYPAGE sign-up that matched no customer, or an
   * address several customers share), in the caller's transaction: the name given, else the
   * address's local part.
   */
  async createProvisional(
    m: EntityManager,
    input: { email: string; name?: string | null },
    actor: Actor,
  ): Promise<{ customerId: number }> {
    const repo = m.getRepository(Customer);
    const email = input.email.trim().toLowerCase();
    const c = repo.create({ registrationState: 'provisional', listFlag: 'normal', smsConsent: false });
    c.code = await this.nextFreeCode(m);
    c.lastName = (input.name?.trim() || email.split('@')[0] || '(不明)').slice(0, 50);
    c.email = email;
    const saved = await repo.save(c);
    await m.getRepository(CustomerSearch).insert({ customerId: saved.id, text: buildSearchText(saved) });
    await this.history.recordAuto(m, 'customer_registered', {
      customerId: saved.id,
      eventKey: `customer:${saved.id}`,
      values: { name: saved.lastName },
    });
    await this.audit.record(
      actor,
      {
        entity: 'customer',
        entityId: saved.id,
        action: 'create_from_portal',
        after: { code: saved.code, lastName: saved.lastName, email },
      },
      m,
    );
    return { customerId: saved.id };
  }

  /**
   * Customers by email address, for a group of inbound messages in one query: an address one
   * customer has maps to that customer, one several customers share maps to null.
   */
  async idsByEmail(
    addresses: string[],
    m: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, number | null>> {
    const wanted = [...new Set(addresses.map((a) => a.toLowerCase()))];
    const found = wanted.length
      ? await m.find(Customer, { select: { id: true, email: true }, where: { email: In(wanted) } })
      : [];
    const byAddress = new Map<string, number | null>();
    for (const c of found) {
      const address = c.email!.toLowerCase();
      byAddress.set(address, byAddress.has(address) ? null : c.id);
    }
    return byAddress;
  }

  /**
   * The one customer with this mobile number, whatever its form (`+819012345678`,
   * `090-1234-5678`), e.g. for an inbound SMS: matched on the MOBILE field's digits, else on
   * TEL's; null when no customer has it or several share it (an agent picks, nothing is guessed).
   */
  async findByMobile(number: string, m: EntityManager = this.dataSource.manager): Promise<number | null> {
    const digits = parsePhone(number)?.digits;
    if (!digits) return null;
    for (const column of ['mobile_digits', 'tel_digits']) {
      const rows = await m
        .getRepository(Customer)
        .createQueryBuilder('c')
        .select(['c.id'])
        .where(`c.${column} = :d`, { d: digits })
        .orderBy('c.id', 'ASC')
        .take(2)
        .getMany();
      if (rows.length) return rows.length === 1 ? rows[0].id : null;
    }
    return null;
  }

  /** Code and name of one customer, e.g. for a reply template's placeholders; null when there is none. */
  async nameAndCode(
    id: number,
    m: EntityManager = this.dataSource.manager,
  ): Promise<{ id: number; code: string; lastName: string; firstName: string | null } | null> {
    const c = await m.findOne(Customer, {
      select: { id: true, code: true, lastName: true, firstName: true },
      where: { id },
    });
    return c ? { id: c.id, code: c.code, lastName: c.lastName, firstName: c.firstName } : null;
  }

  /**
   * The karte's SMS-consent flag, kept equal to the newest consent record: the SMS lib records
   * consent (who, when, how) and sets the flag in the same transaction.
   */
  async setSmsConsent(m: EntityManager, id: number, optIn: boolean): Promise<void> {
    await m.getRepository(Customer).update({ id }, { smsConsent: optIn });
  }

  /**
   * Code, display name (姓 名) and list flag of several customers at once, for staff lists; the
   * ones that are gone are left out. The list flag is internal: never put it in a portal response.
   */
  async namesAndCodes(
    ids: number[],
    m: EntityManager = this.dataSource.manager,
  ): Promise<Map<number, { code: string; name: string; listFlag: ListFlag }>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const rows = await m.find(Customer, {
      select: { id: true, code: true, lastName: true, firstName: true, listFlag: true },
      where: { id: In(unique) },
    });
    return new Map(
      rows.map((c) => [
        c.id,
        { code: c.code, name: `${c.lastName} ${c.firstName ?? ''}`.trim(), listFlag: c.listFlag },
      ]),
    );
  }

  /**
   * 退会済み: true when the customer is marked withdrawn (POST /api/customers/:id/withdraw), false
   * for a member and for an id that names no customer. The portal refuses sign-in on true.
   */
  async isWithdrawn(id: number, m: EntityManager = this.dataSource.manager): Promise<boolean> {
    const c = await m.findOne(Customer, { select: { id: true, withdrawnAt: true }, where: { id } });
    return !!c?.withdrawnAt;
  }

  /** Which of these customers are withdrawn, in one query: what a bulk send leaves out. */
  async withdrawnIds(ids: number[], m: EntityManager = this.dataSource.manager): Promise<Set<number>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Set();
    const rows = await m.find(Customer, {
      select: { id: true },
      where: { id: In(unique), withdrawnAt: Not(IsNull()) },
    });
    return new Set(rows.map((c) => c.id));
  }

  /** Staff names by id, for the CSV's 担当 column. */
  async staffNames(): Promise<Map<number, string>> {
    return this.users.allNames();
  }

  /** The form's fields onto a customer, normalised (kana, email, phones, postal code); also what the CSV import writes with. */
  applyFields(c: Customer, dto: CustomerFieldsDto): void {
    const problems: Record<string, string[]> = {};
    if (dto.code !== undefined && dto.code !== null) c.code = dto.code;
    if (dto.firstName !== undefined) c.firstName = dto.firstName;
    if (dto.lastNameKana !== undefined)
      c.lastNameKana = dto.lastNameKana === null ? null : normalizeKana(dto.lastNameKana);
    if (dto.firstNameKana !== undefined)
      c.firstNameKana = dto.firstNameKana === null ? null : normalizeKana(dto.firstNameKana);
    if (dto.email !== undefined) c.email = dto.email === null ? null : dto.email.toLowerCase();
    for (const field of ['tel', 'mobile'] as const) {
      const value = dto[field];
      if (value === undefined) continue;
      if (value === null) {
        c[field] = null;
        c[`${field}Digits`] = null;
        continue;
      }
      const phone = parsePhone(value);
      if (!phone) {
        problems[field] = [`${field} is not a valid phone number (e.g. 090-1234-5678)`];
        continue;
      }
      c[field] = phone.display;
      c[`${field}Digits`] = phone.digits;
    }
    if (dto.postalCode !== undefined) {
      const digits = dto.postalCode?.normalize('NFKC').replace(/\D/g, '');
      c.postalCode = digits ? `${digits.slice(0, 3)}-${digits.slice(3)}` : null;
    }
    if (dto.companyName !== undefined) c.companyName = dto.companyName;
    if (dto.department !== undefined) c.department = dto.department;
    if (dto.address !== undefined) c.address = dto.address;
    if (dto.branch !== undefined) c.branch = dto.branch;
    if (dto.registrationState !== undefined) c.registrationState = dto.registrationState;
    if (dto.listFlag !== undefined) c.listFlag = dto.listFlag;
    if (dto.comment !== undefined) c.comment = dto.comment;
    if (dto.birthday !== undefined) c.birthday = dto.birthday;
    if (dto.smsConsent !== undefined) c.smsConsent = dto.smsConsent;
    if (Object.keys(problems).length) throw new ValidationFailed(problems);
  }

  private filtered(query: CustomerQueryDto): SelectQueryBuilder<Customer> {
    // A merged-away customer (重複会員統合) is only reached by its id or code, never listed.
    const qb = this.dataSource
      .getRepository(Customer)
      .createQueryBuilder('c')
      .where('c.merged_into_id IS NULL');
    const mysql = this.dataSource.options.type === 'mysql';
    const concat = (...cols: string[]) => (mysql ? `CONCAT(${cols.join(', ')})` : cols.join(' || '));
    const like = (s: string) => `%${escapeLike(s)}%`;
    let n = 0;
    const param = (v: unknown) => {
      const name = `p${n++}`;
      qb.setParameter(name, v);
      return `:${name}`;
    };

    const words = this.queryWords(query.q);
    if (words.length) {
      qb.innerJoin(CustomerSearch, 'cs', 'cs.customer_id = c.id');
      this.whereWords(qb, 'cs.text', words);
    }
    // No stored field holds a control character; SQLite would end a bound pattern at a NUL and match everything.
    if (Object.values(query).some((v) => typeof v === 'string' && hasControlCharacter(v)))
      qb.andWhere('1 = 0');
    const text = (v: string | undefined) => v?.trim() || undefined;
    const code = text(query.code);
    if (code) qb.andWhere(`c.code LIKE ${param(like(code.normalize('NFKC')))} ESCAPE '!'`);
    const name = text(query.name);
    if (name) {
      qb.andWhere(
        `${concat('c.last_name', "COALESCE(c.first_name, '')")} LIKE ${param(like(name.replace(/[\s\u3000]+/g, '')))} ESCAPE '!'`,
      );
    }
    const kana = text(query.kana);
    if (kana) {
      qb.andWhere(
        `${concat("COALESCE(c.last_name_kana, '')", "COALESCE(c.first_name_kana, '')")} LIKE ${param(like(normalizeKana(kana).replace(/\s+/g, '')))} ESCAPE '!'`,
      );
    }
    for (const [value, kanji, kanaCol] of [
      [text(query.lastName), 'c.last_name', 'c.last_name_kana'],
      [text(query.firstName), 'c.first_name', 'c.first_name_kana'],
    ] as const) {
      if (!value) continue;
      const plain = value.replace(/[\s\u3000]+/g, '');
      const p = param(like(plain));
      const k = param(like(normalizeKana(plain)));
      qb.andWhere(
        new Brackets((w) =>
          w.where(`${kanji} LIKE ${p} ESCAPE '!'`).orWhere(`${kanaCol} LIKE ${k} ESCAPE '!'`),
        ),
      );
    }
    const email = text(query.email);
    if (email) qb.andWhere(`c.email LIKE ${param(like(email.toLowerCase()))} ESCAPE '!'`);
    const tel = text(query.tel);
    if (tel) {
      const p = param(like(phoneDigits(tel)));
      qb.andWhere(
        new Brackets((w) =>
          w.where(`c.tel_digits LIKE ${p} ESCAPE '!'`).orWhere(`c.mobile_digits LIKE ${p} ESCAPE '!'`),
        ),
      );
    }
    const mobile = text(query.mobile);
    if (mobile) {
      // No digit in it (「_」, a name typed in the wrong box) matches no number, rather than every one.
      const digits = phoneDigits(mobile);
      if (digits) qb.andWhere(`c.mobile_digits LIKE ${param(like(digits))} ESCAPE '!'`);
      else qb.andWhere('1 = 0');
    }
    const postal = text(query.postalCode);
    if (postal)
      qb.andWhere(
        `REPLACE(c.postal_code, '-', '') LIKE ${param(like(postal.normalize('NFKC').replace(/\D/g, '')))} ESCAPE '!'`,
      );
    const address = text(query.address);
    if (address) qb.andWhere(`c.address LIKE ${param(like(address))} ESCAPE '!'`);
    const branch = text(query.branch);
    if (branch) qb.andWhere(`c.branch LIKE ${param(like(branch))} ESCAPE '!'`);
    if (query.registrationState) qb.andWhere(`c.registration_state = ${param(query.registrationState)}`);
    if (query.listFlag) qb.andWhere(`c.list_flag = ${param(query.listFlag)}`);
    if (query.assigneeId !== undefined) {
      qb.andWhere(
        `EXISTS (SELECT 1 FROM customer_assignee ca WHERE ca.customer_id = c.id AND ca.user_id = ${param(query.assigneeId)})`,
      );
    }
    const company = text(query.company);
    if (company) {
      const p = param(like(company));
      qb.andWhere(
        new Brackets((w) =>
          w.where(`c.company_name LIKE ${p} ESCAPE '!'`).orWhere(`c.department LIKE ${p} ESCAPE '!'`),
        ),
      );
    }
    const tz = this.config?.company.timeZone ?? 'Asia/Tokyo';
    if (query.registeredFrom)
      qb.andWhere(`c.created_at >= ${param(boundOf(query.registeredFrom, tz, false))}`);
    if (query.registeredTo) qb.andWhere(`c.created_at < ${param(boundOf(query.registeredTo, tz, true))}`);
    if (query.updatedFrom) qb.andWhere(`c.updated_at >= ${param(boundOf(query.updatedFrom, tz, false))}`);
    if (query.updatedTo) qb.andWhere(`c.updated_at < ${param(boundOf(query.updatedTo, tz, true))}`);
    if (query.birthdayMonth !== undefined) {
      const month = mysql ? 'MONTH(c.birthday)' : "CAST(strftime('%m', c.birthday) AS INTEGER)";
      qb.andWhere(`${month} = ${param(query.birthdayMonth)}`);
    }
    if (query.smsConsent !== undefined) qb.andWhere(`c.sms_consent = ${param(query.smsConsent ? 1 : 0)}`);
    if (query.hasMobile === true) qb.andWhere('c.mobile_digits IS NOT NULL');
    if (query.hasMobile === false) qb.andWhere('c.mobile_digits IS NULL');
    return qb;
  }

  private sorted(qb: SelectQueryBuilder<Customer>, query: CustomerQueryDto): void {
    const dir = (query.order ?? (query.sort ? 'asc' : 'desc')).toUpperCase() as 'ASC' | 'DESC';
    switch (query.sort) {
      case 'code':
        qb.orderBy('LENGTH(c.code)', dir).addOrderBy('c.code', dir);
        break;
      case 'name':
        qb.orderBy('c.last_name', dir).addOrderBy('c.first_name', dir);
        break;
      case 'kana':
        qb.orderBy('c.last_name_kana', dir).addOrderBy('c.first_name_kana', dir);
        break;
      case 'createdAt':
        qb.orderBy('c.created_at', dir);
        break;
      case 'updatedAt':
        qb.orderBy('c.updated_at', dir);
        break;
      default:
        qb.orderBy('c.id', dir);
        return;
    }
    qb.addOrderBy('c.id', dir);
  }

  private async withAssignees(m: EntityManager, rows: Customer[]): Promise<CustomerView[]> {
    if (!rows.length) return [];
    const links = await m.getRepository(CustomerAssignee).findBy({ customerId: In(rows.map((r) => r.id)) });
    const byCustomer = new Map<number, number[]>();
    for (const l of links) byCustomer.set(l.customerId, [...(byCustomer.get(l.customerId) ?? []), l.userId]);
    const targetIds = [...new Set(rows.flatMap((r) => (r.mergedIntoId ? [r.mergedIntoId] : [])))];
    const targets = targetIds.length
      ? await m.find(Customer, { select: { id: true, code: true }, where: { id: In(targetIds) } })
      : [];
    const codeOf = new Map(targets.map((t) => [t.id, t.code]));
    return rows.map((r) =>
      toView(
        r,
        byCustomer.get(r.id) ?? [],
        r.mergedIntoId && codeOf.has(r.mergedIntoId)
          ? { id: r.mergedIntoId, code: codeOf.get(r.mergedIntoId)! }
          : null,
      ),
    );
  }

  private async replaceAssignees(m: EntityManager, customerId: number, userIds: number[]): Promise<void> {
    const ids = [...new Set(userIds)];
    if (ids.length) {
      const missing = await this.users.unknownIds(ids, m);
      if (missing.length)
        throw new ValidationFailed({ assigneeIds: [`unknown staff user id(s): ${missing.join(', ')}`] });
    }
    await m.getRepository(CustomerAssignee).delete({ customerId });
    if (ids.length)
      await m.getRepository(CustomerAssignee).insert(ids.map((userId) => ({ customerId, userId })));
  }

  private async assertCodeFree(m: EntityManager, code: string): Promise<void> {
    if (await m.getRepository(Customer).existsBy({ code })) {
      throw new Conflict('CUSTOMER_CODE_TAKEN', `The customer code ${code} is already in use`, { code });
    }
  }

  /** Sequential codes from 100001, skipping any taken by hand-entered or imported codes. */
  async nextFreeCode(m: EntityManager): Promise<string> {
    for (;;) {
      const code = String(await this.sequences.next(m, CODE_SEQUENCE, FIRST_CODE));
      if (!(await m.getRepository(Customer).existsBy({ code }))) return code;
    }
  }
}

/** Customer fields an inquiry may fill (§2 データベース自動連携). */
export const LINKABLE_FIELDS = [
  'lastName',
  'firstName',
  'lastNameKana',
  'firstNameKana',
  'companyName',
  'department',
  'email',
  'tel',
  'mobile',
  'postalCode',
  'address',
  'comment',
] as const;
export type LinkableField = (typeof LINKABLE_FIELDS)[number];
