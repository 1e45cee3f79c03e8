/**
 * A deterministic inbox of realistic Japanese mail for the benchmarks (issue #13's ticket list,
 * issue #14's search): N tickets of three trades (a home builder, a car dealer, a salon), each
 * with about `articlesPerTicket` articles (the customer's mail, our replies, their answers),
 * states, assignees over ~20 users, folders, labels, some spam and a few merged pointers, last
 * activity spread over a year. The same seed gives the same rows on every run.
 *
 * `generateTickets()` only yields rows (no database); `seedTicketDataset()` writes them straight
 * into the product's tables (`mailbox`, `folder`, `staff_user`, `label`, `ticket`, `article`,
 * `ticket_label`) with multi-row INSERTs of thousands of rows each, kept under the server's
 * max_allowed_packet. It expects a migrated database without these mailboxes and users; written
 * for MariaDB through mysql2, its SQL also runs on SQLite (a DataSource with `maxParams`).
 */
import { formatTicketCode } from '../../libs/tickets/src/ticket-code';

/** A small linear congruential generator: the same inbox on every run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SURNAMES = [
  ['佐藤', 'sato'],
  ['鈴木', 'suzuki'],
  ['高橋', 'takahashi'],
  ['田中', 'tanaka'],
  ['伊藤', 'ito'],
  ['渡辺', 'watanabe'],
  ['山本', 'yamamoto'],
  ['中村', 'nakamura'],
  ['小林', 'kobayashi'],
  ['加藤', 'kato'],
  ['吉田', 'yoshida'],
  ['山田', 'yamada'],
  ['佐々木', 'sasaki'],
  ['山口', 'yamaguchi'],
  ['松本', 'matsumoto'],
  ['井上', 'inoue'],
  ['木村', 'kimura'],
  ['林', 'hayashi'],
  ['斎藤', 'saito'],
  ['清水', 'shimizu'],
  ['山崎', 'yamazaki'],
  ['森', 'mori'],
  ['池田', 'ikeda'],
  ['橋本', 'hashimoto'],
  ['阿部', 'abe'],
  ['石川', 'ishikawa'],
  ['前田', 'maeda'],
  ['岡田', 'okada'],
  ['長谷川', 'hasegawa'],
  ['藤田', 'fujita'],
] as const;
const GIVEN = [
  ['太郎', 'taro'],
  ['花子', 'hanako'],
  ['健', 'ken'],
  ['美咲', 'misaki'],
  ['大輔', 'daisuke'],
  ['さくら', 'sakura'],
  ['翔', 'sho'],
  ['陽菜', 'hina'],
  ['蓮', 'ren'],
  ['結衣', 'yui'],
  ['悠真', 'yuma'],
  ['葵', 'aoi'],
  ['一郎', 'ichiro'],
  ['直樹', 'naoki'],
  ['由美', 'yumi'],
  ['和也', 'kazuya'],
  ['恵', 'megumi'],
  ['拓也', 'takuya'],
] as const;
const DOMAINS = ['example.jp', 'example.co.jp', 'example.ne.jp', 'mail.example.com', 'example.or.jp'];

interface Trade {
  mailbox: string;
  address: string;
  /** Share of all tickets. */
  share: number;
  folders: string[];
  labels: string[];
  subjects: string[];
  openings: string[];
  details: string[];
  replies: string[];
  answers: string[];
}

const TRADES: Trade[] = [
  {
    mailbox: 'お問い合わせ（住まい）',
    address: 'info@home.example.jp',
    share: 0.5,
    folders: ['見積', '工事中', 'アフター', '資料請求'],
    labels: [
      '至急',
      '見積',
      '外壁塗装',
      '屋根',
      'リフォーム',
      '新築',
      'アフター点検',
      'クレーム',
      '紹介',
      '資料送付済',
      '現地調査',
      'VIP',
    ],
    subjects: [
      '外壁塗装の見積依頼',
      '屋根の雨漏りについて',
      'キッチンリフォームのご相談',
      '資料請求（注文住宅）',
      '定期点検の日程について',
      '見積書の内容確認',
      '工事の納期について',
      '現地調査の予約',
      '浴室リフォームの費用',
      '追加工事のお願い',
      '保証書の再発行',
      'モデルハウス見学の予約',
    ],
    openings: [
      'いつもお世話になっております。',
      '突然のご連絡失礼いたします。',
      'ホームページを拝見してご連絡しました。',
      '先日はありがとうございました。',
    ],
    details: [
      '築二十年の木造二階建てで、外壁のひび割れが気になっております。',
      '先週の大雨のあと、二階の天井に雨染みができてしまいました。',
      '見積書の塗料のグレードについて、もう少し詳しく教えていただけますでしょうか。',
      '工事はいつ頃から始められますか。納期の目安を教えてください。',
      '現地調査は土曜日の午前中でお願いできると助かります。',
      '予算は二百万円程度を考えておりますが、可能でしょうか。',
      '近所で施工された家を見て、ぜひお願いしたいと思いました。',
      '足場の設置で隣家にご迷惑がかからないか心配です。',
    ],
    replies: [
      'お問い合わせいただきありがとうございます。担当の者より改めてご連絡いたします。',
      '現地調査の日程ですが、来週土曜日の十時はいかがでしょうか。',
      'お見積書を添付いたしました。ご不明な点がございましたらお気軽にお問い合わせください。',
      '工事の開始は来月中旬を予定しております。詳細な工程表をお送りいたします。',
    ],
    answers: [
      'ご連絡ありがとうございます。その日程で問題ありません。',
      '見積書を確認しました。家族と相談してまたご連絡します。',
      '承知しました。よろしくお願いいたします。',
      '一点だけ確認させてください。駐車場は使えますか。',
    ],
  },
  {
    mailbox: '販売・整備（カーライフ）',
    address: 'support@car.example.jp',
    share: 0.3,
    folders: ['商談', '車検・点検', '保険', '部品'],
    labels: ['至急', '車検', '点検', '新車', '中古車', '下取り', '保険', 'リコール', 'タイヤ交換', '試乗'],
    subjects: [
      '車検の予約をお願いします',
      '12ヶ月点検のご案内について',
      '新車の見積をお願いしたい',
      '下取り査定の依頼',
      '納車日の確認',
      'タイヤ交換の予約',
      'リコールのお知らせについて',
      '試乗の予約',
      'オイル交換について',
      '自動車保険の更新',
    ],
    openings: ['お世話になっております。', 'いつもありがとうございます。', 'はじめてご連絡いたします。'],
    details: [
      '来月で車検が切れるので、代車付きで予約をお願いできますか。',
      '走行中に異音がするので、点検をお願いしたいです。',
      '現在の車の下取り価格を知りたいです。年式は二〇一八年です。',
      '納車はいつ頃になりますでしょうか。',
      '冬用タイヤへの交換を今週末にお願いしたいです。',
      'ハイブリッド車の見積をいただけますか。',
    ],
    replies: [
      'ご予約を承りました。当日は車検証をお持ちください。',
      '点検の空き状況ですが、水曜日と金曜日の午後にご案内できます。',
      'お見積書を送付いたします。ご検討のほどよろしくお願いいたします。',
      '納車日は今月末を予定しております。',
    ],
    answers: [
      'ありがとうございます。金曜日でお願いします。',
      '承知しました。当日よろしくお願いします。',
      '見積の件、もう少し値引きは可能でしょうか。',
    ],
  },
  {
    mailbox: 'ご予約（サロン）',
    address: 'reserve@salon.example.jp',
    share: 0.2,
    folders: ['予約', '変更・キャンセル', '物販'],
    labels: ['至急', '新規', 'リピーター', 'カット', 'カラー', 'パーマ', 'キャンセル', '物販'],
    subjects: [
      '予約の変更をお願いします',
      'カットとカラーの予約',
      '初めての予約について',
      'キャンセルのご連絡',
      '商品の在庫について',
      '来店日時の確認',
    ],
    openings: ['こんにちは。', 'いつもお世話になっております。', '初めて連絡します。'],
    details: [
      '今週土曜日の十四時に予約したいです。',
      '予約の日時を来週に変更していただけますか。',
      '体調不良のため、明日の予約をキャンセルさせてください。',
      '前回使っていただいたトリートメントは店頭で購入できますか。',
      'カラーの色味について相談したいです。',
    ],
    replies: [
      'ご予約ありがとうございます。当日お待ちしております。',
      '日時の変更を承りました。',
      'ご連絡ありがとうございます。またのご来店をお待ちしております。',
      '在庫がございますので、お取り置きいたします。',
    ],
    answers: ['ありがとうございます。よろしくお願いします。', '助かります。また連絡します。'],
  },
];

const STAFF = [
  ['田中 美咲', 'tanaka.misaki'],
  ['佐藤 健', 'sato.ken'],
  ['鈴木 一郎', 'suzuki.ichiro'],
  ['高橋 由美', 'takahashi.yumi'],
  ['伊藤 直樹', 'ito.naoki'],
  ['渡辺 恵', 'watanabe.megumi'],
  ['山本 拓也', 'yamamoto.takuya'],
  ['中村 葵', 'nakamura.aoi'],
  ['小林 大輔', 'kobayashi.daisuke'],
  ['加藤 さくら', 'kato.sakura'],
  ['吉田 翔', 'yoshida.sho'],
  ['山田 陽菜', 'yamada.hina'],
  ['佐々木 蓮', 'sasaki.ren'],
  ['山口 結衣', 'yamaguchi.yui'],
  ['松本 悠真', 'matsumoto.yuma'],
  ['井上 和也', 'inoue.kazuya'],
  ['木村 花子', 'kimura.hanako'],
  ['林 太郎', 'hayashi.taro'],
  ['斎藤 健', 'saito.ken'],
  ['清水 美咲', 'shimizu.misaki'],
] as const;

export interface TicketDatasetOptions {
  /** How many tickets. */
  tickets: number;
  /** Average articles per ticket (each ticket has between this −2 and +2, at least 1). */
  articlesPerTicket?: number;
  seed?: number;
  /** Staff users the tickets are assigned to (at most 20). */
  users?: number;
  /** The newest activity; the rest goes back a year from it. */
  now?: Date;
}

export interface GeneratedArticle {
  direction: 'inbound' | 'outbound';
  sender: 'customer' | 'agent';
  messageId: string;
  inReplyTo: string | null;
  references: string | null;
  fromAddress: string;
  fromName: string;
  to: { address: string; name: string }[];
  subject: string;
  bodyText: string;
  /** Index into the dataset's users (0-based) for an agent's reply. */
  authorIndex: number | null;
  createdAt: Date;
}

export interface GeneratedTicket {
  /** 1-based position: the ticket's code is formatTicketCode(n). */
  n: number;
  code: string;
  /** Index into TRADES / the dataset's mailboxes. */
  mailboxIndex: number;
  /** Index into the mailbox's folders, or null (the top level). */
  folderIndex: number | null;
  state: 'unhandled' | 'awaiting_approval' | 'rejected' | 'handled';
  subject: string;
  contactAddress: string;
  contactName: string;
  /** Index into the dataset's users, or null (unassigned). */
  assigneeIndex: number | null;
  unread: boolean;
  spam: boolean;
  /** n of the ticket this one was merged into (always an older one), or null. */
  mergedInto: number | null;
  createdAt: Date;
  lastActivityAt: Date;
  /** Indices into the mailbox's labels. */
  labelIndices: number[];
  articles: GeneratedArticle[];
}

const DAY = 86_400_000;

/** The tickets, oldest first (by creation); deterministic for a seed. */
export function* generateTickets(options: TicketDatasetOptions): Generator<GeneratedTicket> {
  const r = rng(options.seed ?? 20261203);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const users = Math.min(options.users ?? 20, STAFF.length);
  const per = options.articlesPerTicket ?? 3;
  const spread = Math.max(0, Math.min(per - 1, 2));
  const now = (options.now ?? new Date('2026-12-01T09:00:00Z')).getTime();
  const N = options.tickets;
  for (let i = 0; i < N; i++) {
    const n = i + 1;
    const x = r();
    const mailboxIndex = x < TRADES[0].share ? 0 : x < TRADES[0].share + TRADES[1].share ? 1 : 2;
    const trade = TRADES[mailboxIndex];
    // Creation climbs steadily over the year (a little jitter); activity follows within days.
    const createdAt = now - 365 * DAY + ((i + r()) / N) * 365 * DAY - DAY;
    const age = (now - createdAt) / DAY;
    const lastActivityAt = Math.min(now, createdAt + r() * Math.min(age, 20) * DAY);
    const recent = now - lastActivityAt < 30 * DAY;
    const s = r();
    // Recent tickets are mostly still open; old ones mostly handled.
    const state = recent
      ? s < 0.55
        ? 'unhandled'
        : s < 0.62
          ? 'awaiting_approval'
          : s < 0.65
            ? 'rejected'
            : 'handled'
      : s < 0.08
        ? 'unhandled'
        : s < 0.1
          ? 'awaiting_approval'
          : s < 0.12
            ? 'rejected'
            : 'handled';
    const spam = r() < 0.02;
    const [ln, lr] = pick(SURNAMES);
    const [gn, gr] = pick(GIVEN);
    const contactName = `${ln} ${gn}`;
    const contactAddress = `${lr}.${gr}${r() < 0.5 ? '' : Math.floor(r() * 100)}@${pick(DOMAINS)}`;
    const subject = spam
      ? pick([
          '【重要】お客様のアカウント確認',
          '未払い料金のお知らせ',
          '限定オファーのご案内',
          'Re: お支払い情報の更新',
        ])
      : pick(trade.subjects);
    const assigneeIndex = spam || r() < 0.15 ? null : Math.floor(r() * users);
    const folderIndex = r() < 0.3 ? Math.floor(r() * trade.folders.length) : null;
    const labelIndices: number[] = [];
    if (!spam) {
      // 「至急」 (index 0) on about one ticket in ten; then up to two of the trade's labels.
      if (r() < 0.1) labelIndices.push(0);
      const more = r() < 0.35 ? 1 : r() < 0.15 ? 2 : 0;
      for (let k = 0; k < more; k++) {
        const l = 1 + Math.floor(r() * (trade.labels.length - 1));
        if (!labelIndices.includes(l)) labelIndices.push(l);
      }
    }
    const mergedInto = !spam && n > 100 && r() < 0.003 ? n - 1 - Math.floor(r() * 50) : null;

    const count = Math.max(1, per - spread + (i % (2 * spread + 1)));
    const articles: GeneratedArticle[] = [];
    const ids: string[] = [];
    const domain = trade.address.split('@')[1];
    for (let a = 0; a < count; a++) {
      const inbound = a % 2 === 0;
      const at = count === 1 ? lastActivityAt : createdAt + ((lastActivityAt - createdAt) * a) / (count - 1);
      const messageId = `<${formatTicketCode(n).toLowerCase()}.${a}.${Math.floor(r() * 1e9).toString(36)}@${inbound ? contactAddress.split('@')[1] : domain}>`;
      const author = inbound ? null : (assigneeIndex ?? Math.floor(r() * users));
      const body = inbound
        ? spam
          ? 'お客様のアカウントに異常が検出されました。下記のリンクから至急ご確認ください。\nhttp://example.invalid/verify\n'
          : `${trade.mailbox.replace(/（.*）/, '')} ご担当者様\n\n${pick(trade.openings)}${contactName}と申します。\n\n${a === 0 ? pick(trade.details) + '\n' + pick(trade.details) : pick(trade.answers)}\n\nお忙しいところ恐れ入りますが、よろしくお願いいたします。\n\n${contactName}\n${contactAddress}\n`
        : `${contactName} 様\n\nいつもお世話になっております。${trade.mailbox.replace(/（.*）/, '')}の${STAFF[author!][0]}でございます。\n\n${pick(trade.replies)}\n${pick(trade.replies)}\n\n引き続きよろしくお願いいたします。\n\n${STAFF[author!][0]}\n${trade.address}\n`;
      articles.push({
        direction: inbound ? 'inbound' : 'outbound',
        sender: inbound ? 'customer' : 'agent',
        messageId,
        inReplyTo: ids.length ? ids[ids.length - 1] : null,
        references: ids.length ? ids.join(' ') : null,
        fromAddress: inbound ? contactAddress : trade.address,
        fromName: inbound ? contactName : trade.mailbox,
        to: inbound
          ? [{ address: trade.address, name: trade.mailbox }]
          : [{ address: contactAddress, name: contactName }],
        subject:
          a === 0
            ? subject
            : inbound
              ? `Re: Re: [#${formatTicketCode(n)}] ${subject}`
              : `Re: [#${formatTicketCode(n)}] ${subject}`,
        bodyText: body,
        authorIndex: author,
        createdAt: new Date(at),
      });
      ids.push(messageId);
    }
    yield {
      n,
      code: formatTicketCode(n),
      mailboxIndex,
      folderIndex,
      state,
      subject,
      contactAddress,
      contactName,
      assigneeIndex,
      unread: recent && state === 'unhandled' && r() < 0.6,
      spam,
      mergedInto,
      createdAt: new Date(createdAt),
      lastActivityAt: new Date(lastActivityAt),
      labelIndices,
      articles,
    };
  }
}

/** Where the seeder writes: a mysql2 connection, or anything with the same `query(sql, params)`. */
export interface SeedTarget {
  query(sql: string, params?: unknown[]): Promise<unknown>;
  /**
   * Most bound values one statement may carry: none for mysql2 (it inlines them; the statement's
   * size is what counts), 32,766 for SQLite through a TypeORM DataSource.
   */
  maxParams?: number;
}

export interface SeededTicketDataset {
  mailboxIds: number[];
  /** Folder ids per mailbox (same order as the trade's folders). */
  folderIds: number[][];
  /** Staff user ids, in the order tickets' assigneeIndex refers to. */
  userIds: number[];
  /** Label ids per mailbox (same order as the trade's labels); [m][0] is 「至急」. */
  labelIds: number[][];
  labelNames: string[][];
  /** Ticket id of ticket n is firstTicketId + n − 1. */
  firstTicketId: number;
  tickets: number;
  articles: number;
  ticketLabels: number;
}

/** MariaDB's datetime(3) literal (UTC, as the product writes it). */
const sqlDate = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

/**
 * Multi-row INSERTs: rows are collected and sent as one statement once they reach `maxRows` or
 * about `maxBytes` of values (well under MariaDB's default 16 MB max_allowed_packet).
 */
class BulkInsert {
  private rows: unknown[][] = [];
  private bytes = 0;
  inserted = 0;
  constructor(
    private readonly db: SeedTarget,
    private readonly head: string,
    private readonly maxRows = 5000,
    private readonly maxBytes = 4 << 20,
    /** Rows this table's rows point at (foreign keys): sent before each of this table's statements. */
    private readonly after?: BulkInsert,
  ) {}

  async add(row: unknown[]): Promise<void> {
    this.rows.push(row);
    for (const v of row) this.bytes += typeof v === 'string' ? Buffer.byteLength(v) + 4 : 12;
    const full = (this.rows.length + 1) * row.length > (this.db.maxParams ?? Infinity);
    if (full || this.rows.length >= this.maxRows || this.bytes >= this.maxBytes) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.rows.length) return;
    await this.after?.flush();
    const marks = `(${this.rows[0].map(() => '?').join(', ')})`;
    const sql = `${this.head} VALUES ${this.rows.map(() => marks).join(', ')}`;
    const params = this.rows.flat();
    const n = this.rows.length;
    this.rows = [];
    this.bytes = 0;
    await this.db.query(sql, params);
    this.inserted += n;
  }
}

/**
 * Writes the dataset into a migrated, empty MariaDB database: three mailboxes with their
 * folders and label catalogues, the staff users, then the tickets, their articles and labels.
 * Moves the `ticket_code` sequence past the codes used, so the product numbers new tickets on.
 */
export async function seedTicketDataset(
  db: SeedTarget,
  options: TicketDatasetOptions,
): Promise<SeededTicketDataset> {
  const now = sqlDate(options.now ?? new Date('2026-12-01T09:00:00Z'));
  // mysql2 answers [rows, fields]; a TypeORM DataSource the rows.
  const one = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const res = (await db.query(sql, params)) as unknown[];
    return (Array.isArray(res[0]) ? res[0] : res) as T[];
  };
  const idOf = async (sql: string, params: unknown[]) =>
    Number((await one<{ id: number }>(sql, params))[0].id);

  const mailboxIds: number[] = [];
  const folderIds: number[][] = [];
  const labelIds: number[][] = [];
  for (const t of TRADES) {
    await db.query('INSERT INTO mailbox (name, address, created_at, updated_at) VALUES (?, ?, ?, ?)', [
      t.mailbox,
      t.address,
      now,
      now,
    ]);
    const mailboxId = await idOf('SELECT id FROM mailbox WHERE address = ?', [t.address]);
    mailboxIds.push(mailboxId);
    const folders: number[] = [];
    for (const [i, name] of t.folders.entries()) {
      await db.query(
        'INSERT INTO folder (mailbox_id, parent_id, name, position, created_at, updated_at) VALUES (?, NULL, ?, ?, ?, ?)',
        [mailboxId, name, i, now, now],
      );
      folders.push(await idOf('SELECT id FROM folder WHERE mailbox_id = ? AND name = ?', [mailboxId, name]));
    }
    folderIds.push(folders);
    const labels: number[] = [];
    for (const [i, name] of t.labels.entries()) {
      const key = name.normalize('NFKC').trim().toLowerCase();
      await db.query(
        'INSERT INTO label (mailbox_id, name, name_key, color, created_at) VALUES (?, ?, ?, ?, ?)',
        [
          mailboxId,
          name,
          key,
          ['#e53935', '#fb8c00', '#43a047', '#1e88e5', '#8e24aa', '#757575'][i % 6],
          now,
        ],
      );
      labels.push(await idOf('SELECT id FROM label WHERE mailbox_id = ? AND name_key = ?', [mailboxId, key]));
    }
    labelIds.push(labels);
  }
  const userIds: number[] = [];
  for (const [name, local] of STAFF.slice(0, Math.min(options.users ?? 20, STAFF.length))) {
    // Not a usable password hash: the dataset's users only own tickets, they never sign in.
    await db.query(
      'INSERT INTO staff_user (email, name, password_hash, active, branch, created_at, updated_at) VALUES (?, ?, ?, 1, NULL, ?, ?)',
      [`${local}@staff.example.jp`, name, '!bench', now, now],
    );
    userIds.push(await idOf('SELECT id FROM staff_user WHERE email = ?', [`${local}@staff.example.jp`]));
  }

  const max = await one<{ id: number | null }>('SELECT MAX(id) AS id FROM ticket');
  const firstTicketId = Number(max[0].id ?? 0) + 1;
  const tickets = new BulkInsert(
    db,
    'INSERT INTO ticket (id, code, mailbox_id, folder_id, state, state_version, state_context, state_changed_at, version, subject, channel, customer_id, assignee_id, assignee_group_id, contact_address, contact_name, unread, spam, mentions_ticket_id, merged_into_id, created_at, last_activity_at)',
  );
  const articles = new BulkInsert(
    db,
    'INSERT INTO article (ticket_id, kind, direction, sender, message_id, in_reply_to, `references`, from_address, from_name, to_json, cc_json, bcc_json, subject, body_text, body_html, status, author_id, raw_message_id, classification, created_at)',
    3000,
    4 << 20,
    tickets,
  );
  const ticketLabels = new BulkInsert(
    db,
    'INSERT INTO ticket_label (ticket_id, label_id)',
    10_000,
    4 << 20,
    tickets,
  );
  let last = 0;
  for (const t of generateTickets(options)) {
    const id = firstTicketId + t.n - 1;
    last = t.n;
    await tickets.add([
      id,
      t.code,
      mailboxIds[t.mailboxIndex],
      t.folderIndex === null ? null : folderIds[t.mailboxIndex][t.folderIndex],
      t.state,
      1,
      null,
      sqlDate(t.lastActivityAt),
      1,
      t.subject,
      'email',
      null,
      t.assigneeIndex === null ? null : userIds[t.assigneeIndex],
      null,
      t.contactAddress,
      t.contactName,
      t.unread ? 1 : 0,
      t.spam ? 1 : 0,
      null,
      t.mergedInto === null ? null : firstTicketId + t.mergedInto - 1,
      sqlDate(t.createdAt),
      sqlDate(t.lastActivityAt),
    ]);
    // Articles and labels point at tickets: each of their statements first sends the tickets' pending one.
    for (const a of t.articles) {
      await articles.add([
        id,
        'email',
        a.direction,
        a.sender,
        a.messageId,
        a.inReplyTo,
        a.references,
        a.fromAddress,
        a.fromName,
        JSON.stringify(a.to),
        null,
        null,
        a.subject,
        a.bodyText,
        null,
        a.direction === 'outbound' ? 'sent' : null,
        a.authorIndex === null ? null : userIds[a.authorIndex],
        null,
        a.direction === 'inbound' ? 'normal' : null,
        sqlDate(a.createdAt),
      ]);
    }
    for (const l of t.labelIndices) await ticketLabels.add([id, labelIds[t.mailboxIndex][l]]);
  }
  await tickets.flush();
  await articles.flush();
  await ticketLabels.flush();
  await db.query('UPDATE sequence SET value = ? WHERE name = ? AND value < ?', [last, 'ticket_code', last]);
  return {
    mailboxIds,
    folderIds,
    userIds,
    labelIds,
    labelNames: TRADES.map((t) => t.labels),
    firstTicketId,
    tickets: tickets.inserted,
    articles: articles.inserted,
    ticketLabels: ticketLabels.inserted,
  };
}
