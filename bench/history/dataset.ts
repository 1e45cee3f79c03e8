/**
 * The response-history dataset (npm run bench:history): staff, customers with their 担当, and
 * history entries with detail lines, written straight into a migrated MariaDB database with
 * multi-row INSERTs. Deterministic: the same rows on every run.
 */
import { seedCustomers } from '../customers-search/seed-data';
import { rng } from '../support/ticket-dataset';

export interface SeedTarget {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export interface HistoryDatasetOptions {
  customers: number;
  entries: number;
  staff: number;
  /** "Now" of the dataset: 次回予定 spread around it, so some work is overdue. */
  now: Date;
  /** The search normalisation of the product (normalizeForSearch), for search_text. */
  normalize: (s: string) => string;
}

export interface SeededHistoryDataset {
  staffIds: number[];
  firstCustomerId: number;
  customers: number;
  entries: number;
  details: number;
}

const sqlDate = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
const NO_DUE_DATE = '9999-12-31 00:00:00.000';
const DAY = 86_400_000;

const TITLES = [
  '車検案内ハガキ発送', '定期点検のご案内', '見積書送付', '電話対応: 折り返し希望', '来店対応: 試乗', '修理完了のご連絡', '部品入荷連絡',
  'オイル交換予約', 'タイヤ交換の相談', '保険更新のご案内', '請求書再発行', '住所変更の受付', 'メールでの問い合わせ', 'FAX受信: 注文書',
  '納車日の調整', 'キャンセルの連絡', 'アンケート送付', '年末のご挨拶', 'リコール対象のご連絡', '支払方法の変更',
] as const;
const CONTENTS = [
  '次回の点検は来月を希望。平日の午前中なら来店可能とのこと。',
  '見積金額について再確認したいとの連絡あり。担当から折り返す。',
  'ハガキが届いていないとの問い合わせ。住所を確認して再送する。',
  '部品の取り寄せに一週間ほどかかる旨を説明した。',
  '代車の手配を希望。空き状況を確認して連絡する。',
  '支払いは分割を希望。必要書類を郵送する。',
  '試乗の予約。土曜日の午後二時に来店予定。',
  '前回の修理箇所から異音がするとのこと。点検の予約を取る。',
] as const;
const KINDS = ['note', 'call', 'call', 'visit', 'mail', 'mail', 'fax', 'form'] as const;
const STAFF_NAMES = [
  '田中 美咲', '佐藤 健', '鈴木 花子', '高橋 大輔', '伊藤 さくら', '渡辺 翔', '山本 陽菜', '中村 蓮', '小林 結衣', '加藤 悠真',
  '吉田 葵', '山田 一郎', '佐々木 直樹', '山口 由美', '松本 和也', '井上 恵', '木村 拓也', '林 美穂', '斎藤 誠', '清水 彩',
  '山崎 勇気', '森 真央', '池田 亮', '橋本 愛', '阿部 剛', '石川 舞', '山下 隆', '中島 優子', '石井 聡', '小川 千尋',
];

/** Multi-row INSERTs of up to `maxRows` rows (well under MariaDB's 16 MB max_allowed_packet). */
class BulkInsert {
  private rows: unknown[][] = [];
  inserted = 0;
  constructor(
    private readonly db: SeedTarget,
    private readonly head: string,
    private readonly maxRows = 2000,
    /** Rows this table's rows point at (foreign keys): sent before each of this table's statements. */
    private readonly after?: BulkInsert,
  ) {}

  async add(row: unknown[]): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= this.maxRows) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.rows.length) return;
    await this.after?.flush();
    const marks = `(${this.rows[0].map(() => '?').join(', ')})`;
    const sql = `${this.head} VALUES ${this.rows.map(() => marks).join(', ')}`;
    const params = this.rows.flat();
    const n = this.rows.length;
    this.rows = [];
    await this.db.query(sql, params);
    this.inserted += n;
  }
}

export async function seedHistoryDataset(db: SeedTarget, o: HistoryDatasetOptions): Promise<SeededHistoryDataset> {
  const r = rng(20261203);
  const now = sqlDate(o.now);
  const one = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => ((await db.query(sql, params)) as [T[], unknown])[0];

  const staffIds: number[] = [];
  for (let i = 0; i < o.staff; i++) {
    const name = STAFF_NAMES[i % STAFF_NAMES.length] + (i >= STAFF_NAMES.length ? ` ${i}` : '');
    // Not a usable password hash: the dataset's staff only own work, they never sign in.
    await db.query('INSERT INTO staff_user (email, name, password_hash, active, branch, created_at, updated_at) VALUES (?, ?, ?, 1, NULL, ?, ?)', [`staff${i}@staff.example.jp`, name, '!bench', now, now]);
    staffIds.push(Number((await one<{ id: number }>('SELECT id FROM staff_user WHERE email = ?', [`staff${i}@staff.example.jp`]))[0].id));
  }

  const firstCustomerId = Number((await one<{ id: number | null }>('SELECT MAX(id) AS id FROM customer'))[0].id ?? 0) + 1;
  const customers = new BulkInsert(
    db,
    'INSERT INTO customer (id, code, last_name, first_name, last_name_kana, first_name_kana, email, tel, mobile, tel_digits, mobile_digits, postal_code, address, branch, registration_state, list_flag, comment, birthday, sms_consent, created_at, updated_at)',
  );
  const assignees = new BulkInsert(db, 'INSERT INTO customer_assignee (customer_id, user_id)', 5000, customers);
  let id = firstCustomerId;
  for (const c of seedCustomers(o.customers)) {
    await customers.add([id, c.code, c.lastName, c.firstName, c.lastNameKana, c.firstNameKana, c.email, c.tel, c.mobile, c.telDigits, c.mobileDigits, c.postalCode, c.address, c.branch, 'registered', 'normal', c.comment, null, 0, now, now]);
    // Most customers have one 担当, some none, some two.
    const roll = r();
    if (roll > 0.1) {
      const first = staffIds[Math.floor(r() * staffIds.length)];
      await assignees.add([id, first]);
      if (roll > 0.92) {
        const second = staffIds[Math.floor(r() * staffIds.length)];
        if (second !== first) await assignees.add([id, second]);
      }
    }
    id++;
  }
  await customers.flush();
  await assignees.flush();

  const entries = new BulkInsert(
    db,
    'INSERT INTO history_entry (id, customer_id, created_at, title, state, kind, author_id, staff_id, requested_to_id, next_scheduled_at, ticket_id, article_id, batch_id, event_key, phone, call_json, work_open, work_due_at, search_text, updated_at)',
  );
  const details = new BulkInsert(db, 'INSERT INTO history_detail (entry_id, worked_at, scheduled_at, staff_id, state, content, created_at, updated_at)', 4000, entries);
  const normalizedTitles = new Map<string, string>();
  const normalizedContents = new Map<string, string>();
  const firstEntryId = Number((await one<{ id: number | null }>('SELECT MAX(id) AS id FROM history_entry'))[0].id ?? 0) + 1;
  const nowMs = o.now.getTime();
  for (let i = 0; i < o.entries; i++) {
    const entryId = firstEntryId + i;
    const customerId = firstCustomerId + Math.floor(r() * o.customers);
    const created = new Date(nowMs - Math.floor(r() * 730 * DAY));
    const title = TITLES[Math.floor(r() * TITLES.length)];
    const sroll = r();
    const state = sroll < 0.6 ? 'done' : sroll < 0.85 ? 'waiting' : 'in_progress';
    const open = state !== 'done';
    const staff = r() < 0.95 ? staffIds[Math.floor(r() * staffIds.length)] : null;
    const requested = r() < 0.15 ? staffIds[Math.floor(r() * staffIds.length)] : null;
    // Open work mostly has a 次回予定 (some overdue); done work sometimes kept its date.
    const dated = open ? r() < 0.7 : r() < 0.2;
    const next = dated ? new Date(nowMs + Math.floor((r() * 150 - 60) * DAY)) : null;
    const content = r() < 0.3 ? CONTENTS[Math.floor(r() * CONTENTS.length)] : null;
    let nt = normalizedTitles.get(title);
    if (nt === undefined) normalizedTitles.set(title, (nt = o.normalize(title)));
    let searchText = nt;
    if (content) {
      let nc = normalizedContents.get(content);
      if (nc === undefined) normalizedContents.set(content, (nc = o.normalize(content)));
      searchText += `\n${nc}`;
    }
    const createdAt = sqlDate(created);
    await entries.add([entryId, customerId, createdAt, title, state, KINDS[Math.floor(r() * KINDS.length)], staff, staff, requested, next ? sqlDate(next) : null, null, null, null, null, null, null, open ? 1 : 0, next ? sqlDate(next) : NO_DUE_DATE, searchText, createdAt]);
    if (content) await details.add([entryId, createdAt, null, staff, null, content, createdAt, createdAt]);
  }
  await entries.flush();
  await details.flush();
  return { staffIds, firstCustomerId, customers: o.customers, entries: entries.inserted, details: details.inserted };
}
