import { IntakeService } from '@madoguchi/mail';
import { SearchIndex, TicketsService } from '@madoguchi/tickets';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { startBareMariadb } from '@test/support/bare-mariadb';
import { createTestDatabase, DB_KINDS, DbKind } from '@test/support/databases';
import { rawMail } from '@test/support/mail-builder';
import { startSmtpSink, SmtpSink } from '@test/support/smtp-sink';
import { Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(180_000);

interface Hit {
  ticket: { id: number; code: string; state: string; mailboxId: number; lastActivityAt: string };
  snippet: string;
  marks: [number, number][];
  articleId: number | null;
}
interface Answer {
  items: Hit[];
  total: number;
  counts: Record<string, number>;
  direct: { ticketId: number } | null;
}

/** Mroonga must be there where MariaDB is tested with the default engine: .ci/run installs it. */
function expectEngine(t: TestApp, kind: DbKind, forced?: 'scan') {
  const engine = t.app.get(SearchIndex).engine.kind;
  const want = forced ?? (kind === 'mariadb' ? 'mroonga' : 'fts5');
  if (engine !== want) {
    throw new Error(
      `ticket search runs on "${engine}", expected "${want}"` +
        (want === 'mroonga' ? ': install the MariaDB Mroonga plugin (apt-get install mariadb-plugin-mroonga; INSTALL SONAME \'ha_mroonga\'; .ci/run does both)' : ''),
    );
  }
  // With Mroonga the counts and pages come from Groonga's own select (mroonga_command, declared at start).
  if (want === 'mroonga' && !t.app.get(SearchIndex).answersFromIndex) throw new Error('ticket search on Mroonga does not answer from the index: mroonga_command() could not be declared (see docs/search.md)');
}

async function seed(t: TestApp, kind: string, mailboxId: number, address: string, o: { from?: string; fromName?: string; subject: string; body: string; messageId: string; attachment?: string; inReplyTo?: string }) {
  const r = await t.app.get(IntakeService).ingest(
    { id: mailboxId, address },
    rawMail({
      from: o.from ?? `someone-${kind}@example.jp`,
      ...(o.fromName ? { fromName: o.fromName } : {}),
      to: address,
      subject: o.subject,
      body: o.body,
      messageId: `${o.messageId}-${kind}@example.jp`,
      ...(o.inReplyTo ? { inReplyTo: `${o.inReplyTo}-${kind}@example.jp`, references: [`${o.inReplyTo}-${kind}@example.jp`] } : {}),
      ...(o.attachment ? { attachment: { filename: o.attachment, contentType: 'application/pdf', content: Buffer.from('%PDF-1.4 見積') } } : {}),
    }),
    { kind: 'smtp' },
  );
  return r.ticketId!;
}

/** Ticket search (issue 14): every query kind, normalisation, rights, counts, paging, the index kept in step, hostile input. */
describe.each(DB_KINDS)('ticket search on %s', (kind) => {
  let t: TestApp;
  let sink: SmtpSink;
  let admin: Session;
  let agent: Session;
  let mailboxId: number;
  let hiddenId: number;
  const address = `search-${kind}@example.jp`;
  const hiddenAddress = `search-hidden-${kind}@example.jp`;
  const tk: Record<string, number> = {};

  const search = async (s: Session, q: string, extra: Record<string, string | number> = {}) => (await s.get('/api/search').query({ q, ...extra }).expect(200)).body as Answer;
  const found = async (q: string, s: Session = agent, extra: Record<string, string | number> = {}) => (await search(s, q, extra)).items.map((h) => h.ticket.id).sort((a, b) => a - b);

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind);
    expectEngine(t, kind);
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '検索', address, smtp: { host: sink.host, port: sink.port, secure: false } }).expect(201)).body.id;
    hiddenId = (await admin.post('/api/mailboxes', { name: '秘密', address: hiddenAddress }).expect(201)).body.id;
    const group = (await admin.post('/api/groups', { name: `検索担当-${kind}`, rights: ['customers.read'], mailboxRights: [{ mailboxId, view: true, reply: true, approve: false, manage: false }] }).expect(201)).body.id;
    await admin.post('/api/users', { email: `search-agent-${kind}@test.local`, name: '検索 担当', password: 'search-pass-123', groupIds: [group] }).expect(201);
    agent = await t.login(`search-agent-${kind}@test.local`, 'search-pass-123');

    tk.invoice = await seed(t, kind, mailboxId, address, {
      from: `tanaka-${kind}@example.jp`,
      fromName: '田中 太郎',
      subject: '請求書の再発行',
      body: '先月の請求書を再発行してください。\n連絡先は 090-1234-5678 です。',
      messageId: 'invoice',
      attachment: '見積書2026.pdf',
    });
    tk.width = await seed(t, kind, mailboxId, address, { subject: 'Delivery question', body: 'ＡＢＣ商事の髙橋です。ｶﾀｶﾅの件で連絡しました。', messageId: 'width' });
    tk.saki = await seed(t, kind, mailboxId, address, { subject: '店舗の場所', body: '宮﨑県の長崎店について', messageId: 'saki' });
    tk.hidden = await seed(t, kind, hiddenId, hiddenAddress, { subject: '請求書（秘密）', body: '請求書の秘密の話。高橋より', messageId: 'hidden' });
    tk.common = await seed(t, kind, mailboxId, address, { subject: '配送について', body: '配送の状況を教えてください。', messageId: 'common' });
    // A customer linked by address: the ticket is found by the customer's name.
    await admin.post('/api/customers', { lastName: '髙橋', firstName: '一郎', email: `ichiro-${kind}@example.jp` }).expect(201);
    tk.customer = await seed(t, kind, mailboxId, address, { from: `ichiro-${kind}@example.jp`, subject: 'ご相談', body: 'よろしくお願いします', messageId: 'customer' });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('goes straight to the ticket of a code, with or without # and brackets, and of a Message-ID', async () => {
    const code = (await admin.get(`/api/tickets/${tk.invoice}`).expect(200)).body.code as string;
    for (const q of [code, `#${code}`, `[#${code}]`, code.toLowerCase(), `［＃${code}］`]) {
      const a = await search(agent, q);
      expect(a.direct).toEqual({ ticketId: tk.invoice });
      expect(a.items.map((h) => h.ticket.id)).toContain(tk.invoice);
    }
    expect((await search(agent, `<invoice-${kind}@example.jp>`)).direct).toEqual({ ticketId: tk.invoice });
    expect((await search(agent, `invoice-${kind}@example.jp`)).direct).toEqual({ ticketId: tk.invoice });
    const hiddenCode = (await admin.get(`/api/tickets/${tk.hidden}`).expect(200)).body.code as string;
    expect(await search(agent, hiddenCode)).toMatchObject({ direct: null, total: 0, items: [] });
    expect((await search(agent, `hidden-${kind}@example.jp`)).direct).toBeNull();
    expect((await search(admin, hiddenCode)).direct).toEqual({ ticketId: tk.hidden });
  });

  it('finds an exact address, a sender name, one kanji, two words, any Japanese substring, an attachment name and a customer', async () => {
    expect(await found(`tanaka-${kind}@example.jp`)).toEqual([tk.invoice]);
    expect(await found('田中太郎')).toEqual([tk.invoice]);
    expect(await found('田中 太郎')).toEqual([tk.invoice]);
    expect(await found('求')).toEqual([tk.invoice]);
    expect(await found('請求書 再発行')).toEqual([tk.invoice]);
    expect(await found('請求書 存在しない言葉')).toEqual([]);
    expect(await found('書を再発')).toEqual([tk.invoice]);
    expect(await found('見積書2026')).toEqual([tk.invoice]);
    expect(await found('見積書2026.pdf')).toEqual([tk.invoice]);
    expect(await found('高橋一郎')).toEqual([tk.customer]);
    expect(await found('配送')).toEqual([tk.common]);
    expect(await found('まったく無い語彙')).toEqual([]);
  });

  it('normalises as customer search does: width, case, kana, variant kanji and phone digits', async () => {
    expect(await found('abc商事')).toEqual([tk.width]);
    expect(await found('ＡＢＣ')).toEqual([tk.width]);
    expect(await found('かたかな')).toEqual([tk.width]);
    expect(await found('カタカナ')).toEqual([tk.width]);
    expect(await found('高橋です')).toEqual([tk.width]);
    expect(await found('髙橋です')).toEqual([tk.width]);
    expect(await found('高橋')).toEqual([tk.width, tk.customer].sort((a, b) => a - b));
    expect(await found('宮崎')).toEqual([tk.saki]);
    expect(await found('﨑')).toEqual([tk.saki]);
    expect(await found('長﨑')).toEqual([tk.saki]);
    expect(await found('09012345678')).toEqual([tk.invoice]);
    expect(await found('090-1234-5678')).toEqual([tk.invoice]);
    expect(await found('０９０（１２３４）５６７８')).toEqual([tk.invoice]);
    expect(await found('12345678')).toEqual([tk.invoice]);
  });

  it('shows a plain snippet around the hit with the hits marked by offsets, and the article it is from', async () => {
    const [hit] = (await search(agent, '再発行')).items;
    expect(hit.snippet.length).toBeLessThanOrEqual(160);
    expect(hit.articleId).toEqual(expect.any(Number));
    expect(hit.marks.length).toBeGreaterThan(0);
    for (const [s, e] of hit.marks) expect(hit.snippet.slice(s, e)).toBe('再発行');
    const [phone] = (await search(agent, '09012345678')).items;
    expect(phone.marks.map(([s, e]) => phone.snippet.slice(s, e))).toEqual(['090-1234-5678']);
    const [width] = (await search(agent, 'abc')).items;
    expect(width.marks.map(([s, e]) => width.snippet.slice(s, e))).toEqual(['ＡＢＣ']);
    const [variant] = (await search(agent, '高橋')).items.filter((h) => h.ticket.id === tk.width);
    expect(variant.marks.map(([s, e]) => variant.snippet.slice(s, e))).toEqual(['髙橋']);
  });

  it('never answers a hidden mailbox, not even in the counts', async () => {
    expect(await found('秘密')).toEqual([]);
    const a = await search(agent, '請求書');
    expect(a.items.map((h) => h.ticket.id)).toEqual([tk.invoice]);
    expect(a.total).toBe(1);
    expect(Object.values(a.counts).reduce((x, y) => x + y, 0)).toBe(1);
    expect(await found('請求書', agent, { mailboxId: hiddenId })).toEqual([]);
    expect((await search(agent, '請求書', { mailboxId: hiddenId })).counts).toMatchObject({ unhandled: 0, handled: 0 });
    expect(await found('請求書', admin)).toEqual([tk.invoice, tk.hidden].sort((x, y) => x - y));
    expect(await found('請求書', admin, { mailboxId: hiddenId })).toEqual([tk.hidden]);
  });

  it('counts every state for the query and narrows by state; GET /api/tickets?q= searches the same way with its filters', async () => {
    await agent.post(`/api/tickets/${tk.invoice}/mark-handled`, {}).expect(200);
    const all = await search(agent, '請求書');
    expect(all.counts).toMatchObject({ unhandled: 0, handled: 1 });
    expect(Object.keys(all.counts).sort()).toEqual(['awaiting_approval', 'handled', 'on_hold', 'rejected', 'unhandled']);
    const unhandled = await search(agent, '請求書', { state: 'unhandled' });
    expect(unhandled).toMatchObject({ total: 0, items: [] });
    expect(unhandled.counts.handled).toBe(1);
    expect((await search(agent, '請求書', { state: 'handled' })).items.map((h) => h.ticket.id)).toEqual([tk.invoice]);
    const list = (await agent.get('/api/tickets').query({ q: '請求書' }).expect(200)).body;
    expect(list.items.map((x: { id: number }) => x.id)).toEqual([tk.invoice]);
    expect((await agent.get('/api/tickets').query({ q: '請求書', state: 'unhandled' }).expect(200)).body.total).toBe(0);
    expect((await agent.get('/api/tickets').query({ q: 'かたかな', mailboxId }).expect(200)).body.items.map((x: { id: number }) => x.id)).toEqual([tk.width]);
  });

  if (kind === 'mariadb') {
    it('answers through SQL while Groonga\'s select fails, and from the index again a while later', async () => {
      const index = t.app.get(SearchIndex);
      const db = t.app.get(DataSource);
      const before = await search(agent, '請求書');
      index.retryIndexAfterMs = 300;
      // The one edge faked: Groonga's select fails once (as when the function is dropped meanwhile).
      const real = db.query.bind(db);
      let failed = 0;
      const spy = jest.spyOn(db, 'query').mockImplementation(((sql: string, params?: unknown[]) => {
        if (failed === 0 && sql.startsWith('SELECT mroonga_command(?)')) {
          failed++;
          return Promise.reject(new Error('function mroonga_command does not exist'));
        }
        return real(sql, params);
      }) as typeof db.query);
      try {
        expect(await search(agent, '請求書')).toEqual(before);
        expect(failed).toBe(1);
        expect(index.answersFromIndex).toBe(false);
        // Within the pause SQL answers without asking Groonga.
        expect(await search(agent, '請求書')).toEqual(before);
        expect(index.answersFromIndex).toBe(false);
        await new Promise((r) => setTimeout(r, 400));
        expect(await search(agent, '請求書')).toEqual(before);
        expect(index.answersFromIndex).toBe(true);
      } finally {
        spy.mockRestore();
        index.retryIndexAfterMs = 60_000;
      }
    });
  }

  it('sorts by relevance or by activity and pages with the total', async () => {
    const byActivity = (await search(agent, 'の', { sort: 'activity' })).items;
    const times = byActivity.map((h) => new Date(h.ticket.lastActivityAt).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const relevance = await search(agent, 'の');
    expect(relevance.items.map((h) => h.ticket.id).sort()).toEqual(byActivity.map((h) => h.ticket.id).sort());
    const total = relevance.total;
    expect(total).toBeGreaterThanOrEqual(3);
    const pages: number[] = [];
    for (let page = 1; page <= total; page++) {
      const p = await search(agent, 'の', { sort: 'activity', page, pageSize: 1 });
      expect(p.total).toBe(total);
      pages.push(...p.items.map((h) => h.ticket.id));
    }
    expect(pages).toEqual(byActivity.map((h) => h.ticket.id));
    expect((await search(agent, 'の', { page: total + 1, pageSize: 1 })).items).toEqual([]);
  });

  it('keeps the index in step with a new message, a reply, a history note, merge, split and spam', async () => {
    const a = await seed(t, kind, mailboxId, address, { subject: '統合元', body: 'ぶどう畑の件', messageId: 'merge-a' });
    const b = await seed(t, kind, mailboxId, address, { subject: '統合先', body: 'りんご園の件', messageId: 'merge-b' });
    expect(await found('ぶどう畑')).toEqual([a]);
    await admin.post('/api/tickets/merge', { targetId: b, sourceIds: [a] }).expect(200);
    expect(await found('ぶどう畑')).toEqual([b]);

    await agent.post(`/api/tickets/${b}/replies`, { to: [`someone-${kind}@example.jp`], text: '返信のキウイ果樹園について' }).expect(201);
    expect(await found('キウイ果樹園')).toEqual([b]);
    await agent.post(`/api/tickets/${b}/history-notes`, { kind: 'phone', text: '電話でメロン農場の話' }).expect(201);
    expect(await found('メロン農場')).toEqual([b]);

    await seed(t, kind, mailboxId, address, { subject: 'Re: 統合先', body: 'みかん山の追加質問', messageId: 'merge-c', inReplyTo: 'merge-b' });
    expect(await found('みかん山')).toEqual([b]);
    const article = ((await admin.get(`/api/tickets/${b}`).expect(200)).body.articles as { id: number; text: string | null }[]).find((x) => x.text?.includes('みかん山'))!;
    const split = (await agent.post(`/api/articles/${article.id}/split`).expect(201)).body.id as number;
    expect(await found('みかん山')).toEqual([split]);
    expect(await found('りんご園')).toEqual([b]);

    await agent.post(`/api/tickets/${split}/spam`, {}).expect(200);
    expect(await found('みかん山')).toEqual([]);
    await agent.post(`/api/tickets/${split}/not-spam`, {}).expect(200);
    expect(await found('みかん山')).toEqual([split]);
  });

  it('finds a ticket by its customer\'s new name once the customer is renamed, and no longer by the old one', async () => {
    const email = `rename-${kind}@example.jp`;
    const customer = (await admin.post('/api/customers', { lastName: '旧姓', firstName: '花子', email }).expect(201)).body.id as number;
    const id = await seed(t, kind, mailboxId, address, { from: email, subject: '改姓の件', body: '本文', messageId: 'rename' });
    expect(await found('旧姓花子')).toEqual([id]);
    await admin.patch(`/api/customers/${customer}`, { lastName: '新姓' }).expect(200);
    expect(await found('新姓花子')).toEqual([id]);
    expect(await found('旧姓花子')).toEqual([]);
  });

  it('answers hostile queries without a 500: engine syntax is only text, control characters and length are 400', async () => {
    for (const q of ['"', '""', 'a" OR "b', '*', '請求*', '-請求書', '+請求書', 'NEAR(請求 書)', 'body:請求', '\\', '\\"', '(', ')', "'", "' OR 1=1 --", '%', '_', '%_%', '!', 'AND', 'OR', 'NOT 請求', '^', '{}', '[]', '@', '<>', '<@>', '#', 'IQ', 'ＩＱ９９９９９９']) {
      const res = await agent.get('/api/search').query({ q });
      expect([200, 400]).toContain(res.status);
      if (res.status === 200) {
        expect(Array.isArray(res.body.items)).toBe(true);
        expect(res.body.items.map((h: Hit) => h.ticket.mailboxId).every((id: number) => id === mailboxId)).toBe(true);
      }
      expect((await agent.get('/api/tickets').query({ q })).status).toBe(200);
    }
    expect(await found('請求*')).toEqual([]);
    expect(await found('"請求書"')).toEqual([]);
    const bad = async (q: string) => (await agent.get('/api/search').query({ q }).expect(400)).body;
    expect((await bad('請求\u0000書')).fieldCodes).toMatchObject({ q: [{ code: 'SEARCH_QUERY_INVALID' }] });
    expect((await bad('a'.repeat(10_000))).error).toBe('VALIDATION_FAILED');
    expect((await bad('a'.repeat(201))).error).toBe('VALIDATION_FAILED');
    expect((await bad('   ')).fieldCodes).toMatchObject({ q: [{ code: 'SEARCH_QUERY_EMPTY' }] });
    expect((await bad(Array.from({ length: 11 }, (_, i) => `w${i}`).join(' '))).fieldCodes).toMatchObject({ q: [{ code: 'SEARCH_TOO_MANY_WORDS' }] });
    await agent.get('/api/search').expect(400);
    await agent.get('/api/search').query({ q: '請求', sort: 'nope' }).expect(400);
    await agent.get('/api/search').query({ q: '請求', pageSize: 1000 }).expect(400);
    await agent.get('/api/search').query({ q: '請求', from: 'yesterday' }).expect(400);
    expect((await agent.get('/api/tickets').query({ q: 'a'.repeat(10_000) })).status).toBe(400);
    await t.http.get('/api/search').query({ q: '請求' }).expect(401);
  });

  it('filters by creation date', async () => {
    expect(await found('請求書', agent, { from: '2000-01-01', to: '2100-01-01' })).toEqual([tk.invoice]);
    expect(await found('請求書', agent, { to: '2000-01-01' })).toEqual([]);
  });

  it('keeps article and queue in one transaction: a rollback leaves neither, a commit is searchable though never indexed yet', async () => {
    const ds = t.app.get(DataSource);
    const tickets = t.app.get(TicketsService);
    const queued = async () => Number((await ds.query('SELECT COUNT(*) AS n FROM ticket_search_pending'))[0].n);
    await t.app.get(SearchIndex).flush();
    expect(await queued()).toBe(0);
    await expect(
      ds.transaction(async (m) => {
        await tickets.addSystemNote(m, tk.common, 'ロールバックされる桃の記事');
        expect(await m.query('SELECT COUNT(*) AS n FROM ticket_search_pending').then((r: { n: number }[]) => Number(r[0].n))).toBeGreaterThan(0);
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    expect(await queued()).toBe(0);
    expect(await found('ロールバックされる桃')).toEqual([]);

    await ds.transaction((m) => tickets.addSystemNote(m, tk.common, 'コミットされた梨の記事'));
    // The process could stop here: the queue row is committed with the article, the document is not written.
    expect(await queued()).toBeGreaterThan(0);
    const idCol = kind === 'sqlite' ? 'rowid' : 'ticket_id';
    const doc = (await ds.query(`SELECT body FROM ticket_search_doc WHERE ${idCol} = ?`, [tk.common]))[0]?.body as string;
    expect(doc).not.toContain('梨の記事');
    expect(await found('梨の記事')).toEqual([tk.common]);
    expect(await queued()).toBe(0);
  });

  it('rebuilds the whole index with progress and finds the same', async () => {
    const lines: string[] = [];
    const r = await t.app.get(SearchIndex).rebuild((l) => lines.push(l));
    expect(r.engine).toBe(kind === 'mariadb' ? 'mroonga' : 'fts5');
    expect(lines[0]).toMatch(/^Rebuilding the ticket search index/);
    expect(lines[lines.length - 1]).toMatch(/^Done in/);
    expect(await found('請求書 再発行')).toEqual([tk.invoice]);
    expect(await found('﨑')).toEqual([tk.saki]);
  });
});

/** Without a full-text engine (MariaDB without Mroonga; forced here by SEARCH_ENGINE=scan) the server starts and scans the documents. */
describe.each(DB_KINDS)('ticket search without a full-text engine on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  let mailboxId: number;
  const address = `scan-${kind}@example.jp`;
  const tk: Record<string, number> = {};

  beforeAll(async () => {
    t = await startTestApp(kind, { SEARCH_ENGINE: 'scan' });
    expectEngine(t, kind, 'scan');
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '走査', address }).expect(201)).body.id;
    tk.a = await seed(t, kind, mailboxId, address, { subject: '請求書の件', body: '髙橋です。090-1234-5678', messageId: 'scan-a', attachment: '明細.pdf' });
    tk.b = await seed(t, kind, mailboxId, address, { subject: '別件', body: 'ｶﾀｶﾅ', messageId: 'scan-b' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('finds the same things by scanning, hostile text included', async () => {
    const found = async (q: string) => ((await admin.get('/api/search').query({ q }).expect(200)).body as Answer).items.map((h) => h.ticket.id);
    expect(await found('求')).toEqual([tk.a]);
    expect(await found('高橋 09012345678')).toEqual([tk.a]);
    expect(await found('かたかな')).toEqual([tk.b]);
    expect(await found('明細.pdf')).toEqual([tk.a]);
    expect(await found('%')).toEqual([]);
    expect(await found('"')).toEqual([]);
    const lines: string[] = [];
    expect((await t.app.get(SearchIndex).rebuild((l) => lines.push(l))).engine).toBe('scan');
    expect(await found('請求書')).toEqual([tk.a]);
  });
});

/**
 * A real MariaDB without the plugin (a private server from a fresh data directory, no option
 * files, so nothing loads Mroonga): the server starts, says so once in the log, and scans.
 */
describe('ticket search on a MariaDB server without Mroonga', () => {
  let bare: Awaited<ReturnType<typeof startBareMariadb>>;
  let t: TestApp;
  const warnings: string[] = [];

  beforeAll(async () => {
    bare = await startBareMariadb();
    const spy = jest.spyOn(Logger.prototype, 'warn').mockImplementation(function (this: Logger, message: unknown) {
      warnings.push(String(message));
    });
    try {
      t = await startTestApp('mariadb', {}, await bare.database());
    } finally {
      spy.mockRestore();
    }
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await bare?.stop();
  });

  it('starts, says once that it scans, and finds the same things', async () => {
    const ds = t.app.get(DataSource);
    const engines = (await ds.query('SHOW ENGINES')) as { Engine: string }[];
    expect(engines.map((e) => e.Engine.toLowerCase())).not.toContain('mroonga');
    expect(t.app.get(SearchIndex).engine.kind).toBe('scan');
    expect(warnings.filter((w) => w.includes('Ticket search scans every document'))).toEqual([expect.stringContaining('the Mroonga plugin is not installed')]);
    const admin = await t.login();
    const address = 'bare@example.jp';
    const mailboxId = (await admin.post('/api/mailboxes', { name: '素のMariaDB', address }).expect(201)).body.id;
    const a = await seed(t, 'mariadb', mailboxId, address, { subject: '請求書の件', body: '髙橋です。090-1234-5678', messageId: 'bare-a', attachment: '明細.pdf' });
    const b = await seed(t, 'mariadb', mailboxId, address, { subject: '別件', body: 'ｶﾀｶﾅ', messageId: 'bare-b' });
    const found = async (q: string) => ((await admin.get('/api/search').query({ q }).expect(200)).body as Answer).items.map((h) => h.ticket.id);
    expect(await found('求')).toEqual([a]);
    expect(await found('高橋 09012345678')).toEqual([a]);
    expect(await found('かたかな')).toEqual([b]);
    expect(await found('明細.pdf')).toEqual([a]);
    expect(await found('%')).toEqual([]);
    const answer = (await admin.get('/api/search').query({ q: '請求書' }).expect(200)).body as Answer;
    expect(answer).toMatchObject({ total: 1, counts: { unhandled: 1 } });
    // The rebuild keeps to InnoDB and scanning while the plugin is missing.
    expect((await t.app.get(SearchIndex).rebuild()).engine).toBe('scan');
    expect(await found('別件')).toEqual([b]);
  });
});

/** Migration 0028 on a database that already holds tickets: every existing article becomes searchable. */
describe.each(DB_KINDS)('ticket search migration on %s', (kind) => {
  it('queues every existing ticket and the index fills from their articles', async () => {
    const address = `mig-${kind}@example.jp`;
    const db = await createTestDatabase(kind);
    let t = await startTestApp(kind, {}, db);
    let admin = await t.login();
    const mailboxId = (await admin.post('/api/mailboxes', { name: '移行', address }).expect(201)).body.id;
    const id = await seed(t, kind, mailboxId, address, { subject: '移行前の問い合わせ', body: 'いちじくの在庫', messageId: 'mig', attachment: '古い資料.pdf' });
    const ds = t.app.get(DataSource);
    // Back to before 0028 (and 0033, which gives MariaDB's documents their attributes), then up again.
    const applied = async (name: string) => ((await ds.query(`SELECT name FROM schema_migrations WHERE name = '${name}'`)) as unknown[]).length > 0;
    for (let i = 0; i < 20 && (await applied('TicketSearch1763900000028')); i++) await ds.undoLastMigration();
    expect(await applied('TicketSearch1763900000028')).toBe(false);
    expect(await applied('SearchAttributes1763900000033')).toBe(false);
    await ds.runMigrations();
    expect(await applied('SearchAttributes1763900000033')).toBe(true);
    const pending = Number((await ds.query('SELECT COUNT(*) AS n FROM ticket_search_pending'))[0].n);
    expect(pending).toBeGreaterThanOrEqual(1);
    const filled = await t.app.get(SearchIndex).fill();
    expect(filled).toBeGreaterThanOrEqual(1);
    const idCol = kind === 'sqlite' ? 'rowid' : 'ticket_id';
    expect((await ds.query(`SELECT body FROM ticket_search_doc WHERE ${idCol} = ?`, [id]))[0].body).toContain('イチジクノ在庫');
    if (kind === 'mariadb') {
      // The document carries the ticket's attributes, copied when it was written.
      const [doc] = (await ds.query('SELECT mailbox_id AS mailboxId, state, spam FROM ticket_search_doc WHERE ticket_id = ?', [id])) as { mailboxId: number; state: string; spam: number }[];
      expect(doc).toEqual({ mailboxId, state: 'unhandled', spam: 0 });
    }
    await t.close();
    t = await startTestApp(kind, {}, db);
    admin = await t.login();
    expect(((await admin.get('/api/search').query({ q: '古い資料' }).expect(200)).body as Answer).items.map((h) => h.ticket.id)).toEqual([id]);
    await t.close();
    await db.drop();
  });
});

/** `npm run search:rebuild` is the built server's subcommand: it rebuilds with progress lines and the server finds the same. */
describe.each(DB_KINDS)('npm run search:rebuild on %s', (kind) => {
  it('rebuilds every document from the command line, with progress', async () => {
    const main = resolve(__dirname, '../../dist/apps/server/main.js');
    if (!existsSync(main)) throw new Error('The server is not built: run npm run build:server (npm test does it)');
    const address = `cli-${kind}@example.jp`;
    const t = await startTestApp(kind);
    try {
      const admin = await t.login();
      const mailboxId = (await admin.post('/api/mailboxes', { name: 'CLI', address }).expect(201)).body.id;
      const id = await seed(t, kind, mailboxId, address, { subject: 'コマンド', body: 'ざくろの入荷', messageId: 'cli' });
      const ds = t.app.get(DataSource);
      await t.app.get(SearchIndex).flush();
      await ds.query('DELETE FROM ticket_search_doc');
      const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
        execFile(
          process.execPath,
          [main, 'search:rebuild'],
          { cwd: resolve(__dirname, '../..'), env: { PATH: process.env.PATH, NODE_ENV: 'test', DATABASE_URL: t.db.url, SECRET_KEY: t.config.secretKey.toString('hex'), STORAGE_DIR: t.config.storage.dir, DEMO_DATA: 'false', MAIL_INTAKE_SMTP_PORT: '0' } },
          (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
      expect(out.stderr).not.toMatch(/Error/);
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(new RegExp(`^Rebuilding the ticket search index \\(${kind === 'mariadb' ? 'mroonga' : 'fts5'}\\): \\d+ tickets\\.`, 'm'));
      expect(out.stdout).toMatch(/^Done in [\d.]+ s/m);
      expect(((await admin.get('/api/search').query({ q: 'ざくろ' }).expect(200)).body as Answer).items.map((h) => h.ticket.id)).toEqual([id]);
    } finally {
      await t.close();
    }
  });
});
