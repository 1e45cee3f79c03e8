import { Actor, AuditService, Conflict, NotFound, ValidationFailed, fieldError } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { Customer } from '../customer.entity';
import { CustomersService, CustomerView } from '../customers.service';
import { HistoryService } from '../history/history.service';
import { buildSearchText } from '../search/customer-search-text';
import { KANJI_VARIANT_PAIRS } from '../search/normalize';
import { CustomerSearch } from '../search/customer-search.entity';
import { CustomerMergeRegistry } from './customer-merge.registry';

/** The five ways 重複会員統合 groups customers (the original's メールアドレス・お名前・名前(漢字)・名前(カナ)・電話). */
export const DUPLICATE_KEYS = ['email', 'fullName', 'kanjiName', 'kanaName', 'phone'] as const;
export type DuplicateKey = (typeof DUPLICATE_KEYS)[number];

/** Fields whose surviving value the user picks, customer by customer (the rest follow their rows). */
export const MERGEABLE_FIELDS = [
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
  'branch',
  'birthday',
  'comment',
  'registrationState',
  'listFlag',
  'withdrawnAt',
] as const satisfies readonly (keyof Customer)[];
export type MergeableField = (typeof MERGEABLE_FIELDS)[number];

/** Contact fields: a value that does not survive in its field is written into the survivor's 備考, never dropped. */
const CONTACT_FIELDS = ['email', 'tel', 'mobile'] as const satisfies readonly MergeableField[];

/** At most this many customers merged into one at a time (a group the finder shows is far smaller). */
export const MAX_MERGED = 20;

export interface DuplicateGroup {
  key: string;
  customers: (CustomerView & { related: Record<string, number> })[];
}

export interface DuplicatePage {
  items: DuplicateGroup[];
  total: number;
  page: number;
  pageSize: number;
}

export interface MergeInput {
  survivorId: number;
  mergedIds: number[];
  /** fieldName → the id of the customer whose value survives; a field left out keeps the survivor's (or, when empty, the first merged one's). */
  fields?: Partial<Record<string, number>>;
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === '';
}

/**
 * 重複会員統合: finds customers entered more than once, and merges them into one survivor in one
 * transaction. Every lib that keeps rows for a customer moves its own (CustomerMergeRegistry);
 * the merged-away customers stay as pointers (`merged_into_id`), keep their code and name so
 * links and audit trails resolve, and lose their contact fields so no lookup finds them again.
 */
@Injectable()
export class CustomerMergeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersService,
    private readonly registry: CustomerMergeRegistry,
    private readonly history: HistoryService,
    private readonly audit: AuditService,
  ) {}

  /**
   * One page of duplicate groups for a key, largest first, each with its customers and how many
   * tickets, threads, SMS, history entries … each has. Grouped by the database in one pass
   * (window count for the total), then the page's members in a second query.
   */
  async duplicates(query: {
    key: DuplicateKey;
    birthdayOnly?: boolean;
    page?: number;
    pageSize?: number;
  }): Promise<DuplicatePage> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const sources = this.keySources(query.key, !!query.birthdayOnly);
    const grouped = (await this.dataSource.query(
      `SELECT k, COUNT(DISTINCT id) AS n, COUNT(*) OVER () AS total FROM (${sources}) s GROUP BY k HAVING COUNT(DISTINCT id) > 1 ORDER BY n DESC, k ASC LIMIT ${Number(pageSize)} OFFSET ${Number((page - 1) * pageSize)}`,
    )) as { k: string; n: number | string; total: number | string }[];
    let total = grouped.length ? Number(grouped[0].total) : 0;
    if (!grouped.length && page > 1) {
      const counted = (await this.dataSource.query(
        `SELECT COUNT(*) AS total FROM (SELECT k FROM (${sources}) s GROUP BY k HAVING COUNT(DISTINCT id) > 1) g`,
      )) as { total: number | string }[];
      total = Number(counted[0]?.total ?? 0);
    }
    if (!grouped.length) return { items: [], total, page, pageSize };
    const keys = grouped.map((g) => String(g.k));
    const marks = keys.map(() => '?').join(', ');
    const members = (await this.dataSource.query(
      `SELECT DISTINCT id, k FROM (${sources}) s WHERE k IN (${marks}) ORDER BY id`,
      keys,
    )) as { id: number | string; k: string }[];
    const ids = [...new Set(members.map((r) => Number(r.id)))];
    const views = new Map((await this.customers.views(ids)).map((v) => [v.id, v]));
    const related = await this.related(this.dataSource.manager, ids);
    return {
      items: keys.map((key) => ({
        key,
        customers: members
          .filter((r) => String(r.k) === key)
          .map((r) => ({ ...views.get(Number(r.id))!, related: related.get(Number(r.id)) ?? {} })),
      })),
      total,
      page,
      pageSize,
    };
  }

  /**
   * `SELECT id, k` for every live customer and the value it is grouped by: spaces (half- and
   * full-width) do not count, old and variant kanji of names count as their common form (髙橋 =
   * 高橋), kana are stored normalised (full-width katakana), phones as digits so 090-1234-5678,
   * 09012345678 and ０９０… meet, across TEL and MOBILE.
   */
  private keySources(key: DuplicateKey, birthdayOnly: boolean): string {
    const mysql = this.dataSource.options.type === 'mysql';
    const concat = (...parts: string[]) => (mysql ? `CONCAT(${parts.join(', ')})` : parts.join(' || '));
    const strip = (e: string) => `REPLACE(REPLACE(${e}, ' ', ''), '\u3000', '')`;
    // 髙橋 and 高橋, 渡邊 and 渡辺 are one name: the search's variant table, folded in SQL too
    // (fixed kanji from our own table, never input, so they can stand in the statement).
    const variants = (e: string) =>
      KANJI_VARIANT_PAIRS.reduce((x, [from, to]) => `REPLACE(${x}, '${from}', '${to}')`, e);
    const base = `merged_into_id IS NULL${birthdayOnly ? ' AND birthday IS NOT NULL' : ''}`;
    const one = (expr: string, where: string) =>
      `SELECT id, ${expr} AS k FROM customer WHERE ${base} AND ${where}`;
    switch (key) {
      case 'email':
        return one('email', "email IS NOT NULL AND email <> ''");
      case 'phone':
        return [
          one('tel_digits', "tel_digits IS NOT NULL AND tel_digits <> ''"),
          one('mobile_digits', "mobile_digits IS NOT NULL AND mobile_digits <> ''"),
        ].join(' UNION ALL ');
      case 'fullName': {
        // 姓名 together: 「山田太郎」 in 姓 alone meets 「山田」「太郎」.
        const name = variants(strip(concat('last_name', "COALESCE(first_name, '')")));
        return `SELECT id, k FROM (SELECT id, ${name} AS k FROM customer WHERE ${base}) n WHERE k <> ''`;
      }
      case 'kanjiName':
        // 姓 and 名 each the same (名 entered): a stricter match than fullName.
        return one(
          variants(concat(strip('last_name'), "'/'", strip('first_name'))),
          "first_name IS NOT NULL AND first_name <> '' AND last_name <> ''",
        );
      case 'kanaName': {
        const kana = strip(concat("COALESCE(last_name_kana, '')", "COALESCE(first_name_kana, '')"));
        return `SELECT id, k FROM (SELECT id, ${kana} AS k FROM customer WHERE ${base} AND (last_name_kana IS NOT NULL OR first_name_kana IS NOT NULL)) n WHERE k <> ''`;
      }
    }
  }

  /** Per customer: tickets, threads, SMS, history entries, visits … as the libs that keep them count them. */
  async related(m: EntityManager, ids: number[]): Promise<Map<number, Record<string, number>>> {
    const out = new Map<number, Record<string, number>>(ids.map((id) => [id, {}]));
    if (!ids.length) return out;
    for (const p of this.registry.all()) {
      if (!p.countByCustomer) continue;
      for (const [kind, counts] of Object.entries(await p.countByCustomer(m, ids))) {
        for (const id of ids) out.get(id)![kind] = counts.get(id) ?? 0;
      }
    }
    return out;
  }

  /** Merges `mergedIds` into `survivorId` in one transaction and returns the survivor as it is now. */
  async merge(input: MergeInput, actor: Actor): Promise<CustomerView> {
    const mergedIds = [...new Set(input.mergedIds)];
    const problems: Record<string, ReturnType<typeof fieldError>[]> = {};
    if (!mergedIds.length)
      problems.mergedIds = [fieldError('REQUIRED', 'name at least one customer to merge into the survivor')];
    if (mergedIds.length > MAX_MERGED)
      problems.mergedIds = [
        fieldError('ARRAY_MAX_SIZE', `at most ${MAX_MERGED} customers are merged at a time`, {
          max: MAX_MERGED,
        }),
      ];
    if (mergedIds.includes(input.survivorId))
      problems.mergedIds = [
        fieldError('MERGE_SURVIVOR_IN_MERGED', 'the survivor cannot also be merged away'),
      ];
    const ids = [input.survivorId, ...mergedIds];
    for (const [field, from] of Object.entries(input.fields ?? {})) {
      if (!(MERGEABLE_FIELDS as readonly string[]).includes(field))
        problems[`fields.${field}`] = [
          fieldError('MERGE_FIELD_UNKNOWN', `${field} is not a field a merge chooses`, { field }),
        ];
      else if (typeof from !== 'number' || !ids.includes(from))
        problems[`fields.${field}`] = [
          fieldError('MERGE_FIELD_SOURCE', `${field} must name the survivor or one of the merged customers`, {
            field,
          }),
        ];
    }
    if (Object.keys(problems).length) throw new ValidationFailed(problems);

    return this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(Customer);
      const mysql = this.dataSource.options.type === 'mysql';
      // Locked in id order, so two merges over the same customers wait for each other instead of deadlocking.
      const rows = await repo.find({
        where: { id: In(ids) },
        order: { id: 'ASC' },
        ...(mysql ? { lock: { mode: 'pessimistic_write' as const } } : {}),
      });
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const id of ids) if (!byId.has(id)) throw new NotFound('customer', id);
      for (const r of rows) {
        if (r.mergedIntoId)
          throw new Conflict(
            'CUSTOMER_ALREADY_MERGED',
            `Customer ${r.code} was already merged into another customer`,
            { code: r.code },
          );
      }
      const before = await this.customers.views(ids, m);
      const survivor = byId.get(input.survivorId)!;
      const merged = mergedIds.map((id) => byId.get(id)!);

      for (const field of MERGEABLE_FIELDS) {
        const from = input.fields?.[field];
        const source =
          from !== undefined
            ? byId.get(from)!
            : isEmpty(survivor[field])
              ? merged.find((c) => !isEmpty(c[field]))
              : undefined;
        if (!source || source === survivor) continue;
        (survivor as unknown as Record<string, unknown>)[field] = source[field];
        if (field === 'tel' || field === 'mobile') survivor[`${field}Digits`] = source[`${field}Digits`];
      }
      // A merged customer's mail address or phone that did not survive in a field stays findable in 備考.
      const kept = new Set(CONTACT_FIELDS.map((f) => survivor[f]).filter((v): v is string => !isEmpty(v)));
      const leftovers: string[] = [];
      for (const v of before) {
        for (const f of CONTACT_FIELDS) {
          const value = v[f];
          if (isEmpty(value) || kept.has(value!)) continue;
          kept.add(value!);
          leftovers.push(`${v.code} ${value}`);
        }
      }
      if (leftovers.length)
        survivor.comment = [survivor.comment, `【統合前の連絡先】${leftovers.join(' / ')}`]
          .filter((v) => !isEmpty(v))
          .join('\n');
      await repo.save(survivor);

      const moved: Record<string, number> = {};
      for (const p of this.registry.all()) {
        for (const [kind, n] of Object.entries(
          await p.moveCustomers(m, { fromIds: mergedIds, toId: survivor.id }),
        ))
          moved[kind] = (moved[kind] ?? 0) + n;
      }

      // Earlier merges into a customer merged now point straight at the survivor.
      await repo.update({ mergedIntoId: In(mergedIds) }, { mergedIntoId: survivor.id });
      await repo.update(
        { id: In(mergedIds) },
        {
          mergedIntoId: survivor.id,
          email: null,
          tel: null,
          mobile: null,
          telDigits: null,
          mobileDigits: null,
        },
      );
      await m.getRepository(CustomerSearch).delete({ customerId: In(mergedIds) });
      await m
        .getRepository(CustomerSearch)
        .save({ customerId: survivor.id, text: buildSearchText(survivor) });

      const codes = merged.map((c) => c.code).join(', ');
      await this.history.recordAuto(m, 'customers_merged', {
        customerId: survivor.id,
        eventKey: `customer:${survivor.id}:${mergedIds.join(',')}`,
        authorId: actor.userId,
        staffId: actor.userId,
        values: { codes },
      });
      const after = (await this.customers.views([survivor.id], m))[0];
      await this.audit.record(
        actor,
        {
          entity: 'customer',
          entityId: survivor.id,
          action: 'merge',
          before: { customers: before },
          after: { survivor: after, mergedIds, fields: input.fields ?? {}, moved },
        },
        m,
      );
      for (const c of merged) {
        await this.audit.record(
          actor,
          {
            entity: 'customer',
            entityId: c.id,
            action: 'merged_into',
            before: before.find((v) => v.id === c.id),
            after: { mergedInto: { id: survivor.id, code: survivor.code } },
          },
          m,
        );
      }
      return after;
    });
  }
}
