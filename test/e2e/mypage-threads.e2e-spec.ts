import { OutboxDispatcher } from '@madoguchi/core';
import { DB_KINDS } from '@test/support/databases';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { cookieOf, listen, openStream } from '@test/support/sse';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { simpleParser } from 'mailparser';
import { get, IncomingMessage } from 'node:http';
import request from 'supertest';
import { DataSource } from 'typeorm';

jest.setTimeout(240_000);

interface PortalAgent {
  agent: ReturnType<typeof request.agent>;
  csrf: string;
  cookie: string;
  get(url: string): request.Test;
  post(url: string, body?: object): request.Test;
  upload(
    url: string,
    content: Buffer,
    filename: string,
    contentType: string,
    fields?: Record<string, string>,
  ): request.Test;
}

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const HTML = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
const PASSWORD = 'kaki-no-tane-2026';

/**
 * MYPAGE threads (issue #15 points 2–8, 11 and the thread routes of 12): staff and portal sides
 * of a thread tied to a `mypage` ticket, realms kept apart, the approval gate on staff posts and
 * the one notification mail after it, content-sniffed uploads, the shared NEW badge, the
 * notification mails and bell, history entries, list search and paging, CSV export, bulk delete,
 * the portal's account routes and its live events, and hostile input.
 */
describe.each(DB_KINDS)('MYPAGE threads on %s', (kind) => {
  let sink: SmtpSink;
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let approver: Session;
  let outsider: Session;
  let agentId: number;
  let approverGroup: number;
  let db: DataSource;
  let mailboxId: number;
  let tanaka: { id: number; code: string };
  let sato: { id: number; code: string };
  let customerA: PortalAgent;
  let customerB: PortalAgent;
  let port: number;
  const tanakaEmail = `tanaka-${kind}@example.jp`;
  const satoEmail = `sato-${kind}@example.jp`;

  const dispatchAll = async () => {
    while ((await t.app.get(OutboxDispatcher).dispatchDue()) > 0);
  };
  const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));
  /** Runs the outbox and answers exactly the mails that reached the sink, parsed. */
  const mails = async (count: number) => {
    await dispatchAll();
    const got = count ? await sink.waitFor(count) : [];
    await settle();
    await dispatchAll();
    await settle();
    expect(sink.messages()).toHaveLength(count);
    return Promise.all(got.map(async (m) => ({ to: m.envelope.rcptTo, parsed: await simpleParser(m.raw) })));
  };
  const portalLogin = async (email: string): Promise<PortalAgent> => {
    const a = request.agent(t.app.getHttpServer());
    const res = await a.post('/api/portal/auth/login').send({ email, password: PASSWORD });
    if (res.status !== 200)
      throw new Error(`portal login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const csrf = cookies.map((c) => /^PORTAL-XSRF-TOKEN=([^;]+)/.exec(c)?.[1]).find(Boolean) ?? '';
    return {
      agent: a,
      csrf,
      cookie: cookies.map((c) => c.split(';')[0]).join('; '),
      get: (url) => a.get(url),
      post: (url, body) =>
        a
          .post(url)
          .set('X-XSRF-TOKEN', csrf)
          .send(body ?? {}),
      upload: (url, content, filename, contentType, fields = {}) => {
        let r = a.post(url).set('X-XSRF-TOKEN', csrf);
        for (const [k, v] of Object.entries(fields)) r = r.field(k, v);
        return r.attach('file', content, { filename, contentType });
      },
    };
  };
  const activate = async (c: { id: number }) => {
    await admin.post(`/api/customers/${c.id}/portal-invitation`).expect(201);
    const [mail] = await mails(1);
    sink.clear();
    const token = decodeURIComponent(
      /set-password\?token=([A-Za-z0-9_%-]+)/.exec(mail.parsed.text ?? '')![1],
    );
    await t.http.post('/api/portal/auth/set-password').send({ token, password: PASSWORD }).expect(200);
  };
  const newThread = async (
    title: string,
    text = `${title} の最初の投稿`,
    extra: object = {},
    as: Session = agent,
    customerId = tanaka.id,
  ) => {
    const res = await as.post('/api/mypage/threads', { customerId, title, post: { text }, ...extra });
    if (res.status !== 201) throw new Error(`new thread: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: number; code: string };
  };
  const setPolicy = (mode: 'off' | 'all') =>
    admin
      .put(`/api/mailboxes/${mailboxId}/approval-policy`, {
        mode,
        groupIds: [],
        steps: mode === 'off' ? [] : [{ approverGroupIds: [approverGroup] }],
        notifyByMail: false,
      })
      .expect(200);
  /** A portal SSE stream: its events and whether it has ended. */
  const portalStream = (cookie: string) =>
    new Promise<{ events: { type: string; threadId: number }[]; ended: () => boolean; stop(): void }>(
      (resolve, reject) => {
        let done = false;
        const events: { type: string; threadId: number }[] = [];
        const req = get(
          {
            host: '127.0.0.1',
            port,
            path: '/api/portal/events',
            headers: { Cookie: cookie, Accept: 'text/event-stream' },
          },
          (res: IncomingMessage) => {
            if (res.statusCode !== 200) return reject(new Error(`portal stream answered ${res.statusCode}`));
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              for (const line of chunk.split('\n'))
                if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)));
              if (chunk.includes(': connected'))
                resolve({ events, ended: () => done, stop: () => req.destroy() });
            });
            res.on('end', () => (done = true));
          },
        );
        req.on('error', () => undefined);
      },
    );
  const waitUntil = async (check: () => boolean, ms = 8000) => {
    const end = Date.now() + ms;
    while (!check() && Date.now() < end) await settle(100);
    return check();
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind, { TRUSTED_PROXIES: 'loopback' });
    db = t.app.get(DataSource);
    port = await listen(t);
    admin = await t.login();
    mailboxId = (
      await admin
        .post('/api/mailboxes', {
          name: 'マイページ窓口',
          address: `mypage-threads-${kind}@example.jp`,
          smtp: { host: sink.host, port: sink.port, secure: false },
        })
        .expect(201)
    ).body.id;
    const group = async (name: string, rights: string[], approve: boolean) =>
      (
        await admin
          .post('/api/groups', {
            name,
            rights,
            mailboxRights: [{ mailboxId, view: true, reply: true, approve, manage: false }],
          })
          .expect(201)
      ).body.id as number;
    const agents = await group('マイページ担当', ['mypage'], false);
    approverGroup = await group('マイページ承認', ['mypage'], true);
    const noMypage = await group('マイページなし', [], false);
    const user = async (email: string, name: string, groupIds: number[]) => {
      const id = (
        await admin.post('/api/users', { email, name, password: 'mypage-pass-12345', groupIds }).expect(201)
      ).body.id as number;
      return { id, session: await t.login(email, 'mypage-pass-12345') };
    };
    const a = await user(`agent-${kind}@test.local`, '佐々木 担当', [agents]);
    agentId = a.id;
    agent = a.session;
    approver = (await user(`approver-${kind}@test.local`, '鈴木 承認', [approverGroup])).session;
    outsider = (await user(`outsider-${kind}@test.local`, '外部 太郎', [noMypage])).session;
    await admin
      .put('/api/mypage/settings', { mailboxId, customersMayStartThreads: false, fallbackRecipients: [] })
      .expect(200);
    tanaka = (
      await admin
        .post('/api/customers', {
          lastName: '田中',
          firstName: '一郎',
          email: tanakaEmail,
          branch: '港区支店',
          tel: '03-1234-5678',
          postalCode: '105-0001',
          assigneeIds: [agentId],
        })
        .expect(201)
    ).body;
    sato = (
      await admin
        .post('/api/customers', {
          lastName: '佐藤',
          firstName: '花子',
          email: satoEmail,
          branch: '新宿支店',
          tel: '090-8765-4321',
          postalCode: '160-0022',
        })
        .expect(201)
    ).body;
    await activate(tanaka);
    await activate(sato);
    customerA = await portalLogin(tanakaEmail);
    customerB = await portalLogin(satoEmail);
  });
  beforeEach(async () => {
    // What an earlier test left in the outbox goes out now, not into this test's count.
    await dispatchAll();
    await settle();
    sink.clear();
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('answers 401 to anonymous callers, to a staff cookie on portal routes and to a portal cookie on staff routes', async () => {
    const staffRoutes: [string, string][] = [
      ['get', '/api/mypage/threads'],
      ['post', '/api/mypage/threads'],
      ['get', '/api/mypage/threads/1'],
      ['post', '/api/mypage/threads/1/posts'],
      ['post', '/api/mypage/threads/delete'],
      ['get', '/api/mypage/threads/export.csv'],
      ['get', '/api/mypage/threads/1/posts/1/file'],
      ['get', '/api/mypage/settings'],
      ['put', '/api/mypage/settings'],
      ['get', `/api/customers/${tanaka.id}/mypage-threads`],
    ];
    const portalRoutes: [string, string][] = [
      ['get', '/api/portal/threads'],
      ['post', '/api/portal/threads'],
      ['get', '/api/portal/threads/1'],
      ['post', '/api/portal/threads/1/posts'],
      ['get', '/api/portal/threads/1/posts/1/file'],
      ['get', '/api/portal/events'],
      ['post', '/api/portal/account/password'],
      ['post', '/api/portal/account/withdrawal'],
    ];
    const call = (
      r: ReturnType<typeof request.agent> | ReturnType<typeof request>,
      method: string,
      url: string,
    ) => (r as unknown as Record<string, (u: string) => request.Test>)[method](url);
    for (const [method, url] of [...staffRoutes, ...portalRoutes])
      expect([url, (await call(t.http, method, url)).status]).toEqual([url, 401]);
    // The customer's cookie signs no one in on the staff side (with its CSRF token sent too).
    for (const [method, url] of staffRoutes)
      expect([
        url,
        (await call(customerA.agent, method, url).set('X-XSRF-TOKEN', customerA.csrf)).status,
      ]).toEqual([url, 401]);
    // A staff session's cookie signs no one in on the portal.
    const staffAgent = request.agent(t.app.getHttpServer());
    const login = await staffAgent
      .post('/api/auth/login')
      .send({ email: 'admin@test.local', password: 'admin-password-123' })
      .expect(200);
    const staffCsrf = ([] as string[])
      .concat(login.headers['set-cookie'])
      .map((c) => /^XSRF-TOKEN=([^;]+)/.exec(c)?.[1])
      .find(Boolean)!;
    for (const [method, url] of portalRoutes)
      expect([url, (await call(staffAgent, method, url).set('X-XSRF-TOKEN', staffCsrf)).status]).toEqual([
        url,
        401,
      ]);
    // And the staff side needs the mypage right (checked where it is used).
    expect((await outsider.get('/api/mypage/threads').expect(403)).body.error).toBeDefined();
    await outsider
      .post('/api/mypage/threads', { customerId: tanaka.id, title: 'x', post: { text: 'x' } })
      .expect(403);
  });

  it('a staff thread: code MS+6 digits, its mypage ticket, the post on the portal only after the outbox sent it, one mail with subject and link, nothing staff-only on the portal', async () => {
    const thread = await newThread('お見積りの件', 'お見積りをお送りします。', {
      label: '見積',
      memo: '社内メモ：値引きは5%まで',
    });
    expect(thread.code).toMatch(/^MS\d{6}$/);
    const staffView = (await agent.get(`/api/mypage/threads/${thread.id}`).expect(200)).body;
    expect(staffView).toMatchObject({
      code: thread.code,
      title: 'お見積りの件',
      label: '見積',
      memo: '社内メモ：値引きは5%まで',
      customer: { id: tanaka.id, code: tanaka.code, name: '田中 一郎' },
      createdBy: { id: agentId },
    });
    expect(staffView.posts).toHaveLength(1);
    expect(staffView.posts[0]).toMatchObject({
      author: 'staff',
      kind: 'text',
      text: 'お見積りをお送りします。',
      state: 'pending',
    });
    const ticket = (await admin.get(`/api/tickets/${staffView.ticketId}`).expect(200)).body;
    expect(ticket).toMatchObject({ channel: 'mypage', mailboxId, customerId: tanaka.id });

    // Before the outbox ran: the thread is listed, without the post.
    const before = (await customerA.get(`/api/portal/threads/${thread.id}`).expect(200)).body;
    expect(before.posts).toEqual([]);

    const [mail] = await mails(1);
    expect(mail.to).toEqual([tanakaEmail]);
    expect(mail.parsed.subject).toBe('[お客様マイページ]メッセージが届きました。');
    const base = t.config.http.publicUrl.replace(/\/+$/, '');
    expect(mail.parsed.text).toContain(`${base}/mypage/threads/${thread.id}`);
    expect(mail.parsed.text).toContain('お見積りの件');
    expect(mail.parsed.text).toContain('お見積りをお送りします。');
    expect(mail.parsed.text).toContain(t.config.company.name);
    expect(mail.parsed.text).not.toContain('社内メモ');
    expect(mail.parsed.text).not.toContain('見積\n');

    const list = (await customerA.get('/api/portal/threads').expect(200)).body;
    const item = list.items.find((x: { id: number }) => x.id === thread.id);
    expect(item).toMatchObject({ code: thread.code, title: 'お見積りの件', hasNewStaffPosts: true });
    const after = (await customerA.get(`/api/portal/threads/${thread.id}`).expect(200)).body;
    expect(after.posts).toHaveLength(1);
    expect(after.posts[0]).toMatchObject({
      author: 'staff',
      authorName: '佐々木 担当',
      kind: 'text',
      text: 'お見積りをお送りします。',
    });
    // Opening it clears the portal's NEW.
    expect(
      (await customerA.get('/api/portal/threads').expect(200)).body.items.find(
        (x: { id: number }) => x.id === thread.id,
      ).hasNewStaffPosts,
    ).toBe(false);
    for (const body of [list, before, after]) {
      const json = JSON.stringify(body);
      expect(json).not.toContain('社内メモ');
      expect(json).not.toContain('"label"');
      expect(json).not.toContain('"memo"');
      expect(json).not.toContain('ticketId');
      expect(json).not.toContain('mailboxId');
      // リスト区分 is for staff: the badge in メッセージ管理, never on the customer's own page.
      expect(json).not.toContain('listFlag');
    }
    expect((await agent.get(`/api/mypage/threads/${thread.id}`).expect(200)).body.customer.listFlag).toBe(
      'normal',
    );
    expect((await agent.get(`/api/mypage/threads/${thread.id}`).expect(200)).body.posts[0].state).toBe(
      'visible',
    );
    // 自動履歴: one entry for the staff post.
    const history = await db.query(
      'SELECT event_key FROM history_entry WHERE customer_id = ? AND event_key LIKE ?',
      [tanaka.id, 'mypage_staff_post:%'],
    );
    expect(history.length).toBeGreaterThanOrEqual(1);
    // Another run of the outbox sends nothing more.
    sink.clear();
    await mails(0);
  });

  it("keeps customers apart: another customer's thread, post and file are 404", async () => {
    const thread = await newThread('田中様だけのスレッド');
    await mails(1);
    await customerB.get(`/api/portal/threads/${thread.id}`).expect(404);
    expect(
      (await customerB.post(`/api/portal/threads/${thread.id}/posts`, { text: 'のぞき見' }).expect(404)).body
        .error,
    ).toBe('MYPAGE_THREAD_NOT_FOUND');
    const own = (
      await customerA
        .upload(`/api/portal/threads/${thread.id}/posts`, PNG, 'photo.png', 'image/png')
        .expect(201)
    ).body;
    await customerB.get(`/api/portal/threads/${thread.id}/posts/${own.id}/file`).expect(404);
    expect(
      (await customerB.get('/api/portal/threads').expect(200)).body.items.map((x: { id: number }) => x.id),
    ).not.toContain(thread.id);
    await customerA.get('/api/portal/threads/999999').expect(404);
  });

  it('a customer post files an inbound article on the ticket, reopens it, makes the thread NEW for all staff until one opens it, rings the bell and mails the 担当 once', async () => {
    const thread = await newThread('工事日程について');
    await mails(1);
    const ticketId = (await agent.get(`/api/mypage/threads/${thread.id}`).expect(200)).body.ticketId;
    // The staff reply went out with 送信して対応済: the ticket is handled.
    expect((await admin.get(`/api/tickets/${ticketId}`).expect(200)).body.state).toBe('handled');
    sink.clear();
    const posted = (
      await customerA
        .post(`/api/portal/threads/${thread.id}/posts`, { text: '来週の火曜日でお願いします。' })
        .expect(201)
    ).body;
    expect(posted).toMatchObject({ author: 'customer', kind: 'text', text: '来週の火曜日でお願いします。' });
    const ticket = (await admin.get(`/api/tickets/${ticketId}`).expect(200)).body;
    expect(ticket.state).toBe('unhandled');
    const inbound = ticket.articles.filter((a: { direction: string }) => a.direction === 'inbound');
    expect(inbound.at(-1)).toMatchObject({
      kind: 'mypage',
      sender: 'customer',
      text: '来週の火曜日でお願いします。',
    });

    const isNew = async (s: Session) =>
      (await s.get(`/api/mypage/threads?code=${thread.code}`).expect(200)).body.items[0].isNew;
    expect(await isNew(admin)).toBe(true);
    expect(await isNew(agent)).toBe(true);
    // The bell of the customer's 担当.
    const bell = (await agent.get('/api/notifications').expect(200)).body.items;
    expect(
      bell.some(
        (n: { kind: string; ticketId: number }) => n.kind === 'mypage_post' && n.ticketId === ticketId,
      ),
    ).toBe(true);
    // One mail to the 担当 with an excerpt and the console's link.
    const [mail] = await mails(1);
    expect(mail.to).toEqual([`agent-${kind}@test.local`]);
    expect(mail.parsed.subject).toContain('[MYPAGE]');
    const base = t.config.http.publicUrl.replace(/\/+$/, '');
    expect(mail.parsed.text).toContain(`${base}/messages/${thread.id}`);
    expect(mail.parsed.text).toContain('来週の火曜日でお願いします。');
    // One staff member opens it: NEW is gone for everyone, and open consoles hear of it live (the ticket events stream).
    const console = await openStream<{ type: string; ticketId?: number }>(
      port,
      await cookieOf(t, 'admin@test.local', 'admin-password-123'),
    );
    try {
      await approver.get(`/api/mypage/threads/${thread.id}`).expect(200);
      expect(
        await waitUntil(() => console.events.some((e) => e.type === 'ticket' && e.ticketId === ticketId)),
      ).toBe(true);
    } finally {
      console.stop();
    }
    expect(await isNew(admin)).toBe(false);
    expect(await isNew(agent)).toBe(false);
    // Opening it again tells nobody: nothing changed.
    await agent.get(`/api/mypage/threads/${thread.id}`).expect(200);
    const history = await db.query(
      'SELECT event_key FROM history_entry WHERE customer_id = ? AND event_key = ?',
      [tanaka.id, `mypage_customer_post:post:${posted.id}`],
    );
    expect(history).toHaveLength(1);
    // The karte lists the customer's threads.
    const karte = (await agent.get(`/api/customers/${tanaka.id}/mypage-threads`).expect(200)).body;
    expect(karte.items.map((x: { id: number }) => x.id)).toContain(thread.id);
  });

  it('mails the fallback recipients when the customer has no 担当', async () => {
    const approverId = (await approver.get('/api/auth/me').expect(200)).body.id as number;
    await admin
      .put('/api/mypage/settings', {
        mailboxId,
        customersMayStartThreads: false,
        fallbackRecipients: [approverId],
      })
      .expect(200);
    expect((await admin.get('/api/mypage/settings').expect(200)).body).toEqual({
      mailboxId,
      customersMayStartThreads: false,
      fallbackRecipients: [approverId],
    });
    const thread = await newThread('佐藤様への連絡', '書類をご確認ください。', {}, agent, sato.id);
    await mails(1);
    sink.clear();
    await customerB.post(`/api/portal/threads/${thread.id}/posts`, { text: '確認しました。' }).expect(201);
    const [mail] = await mails(1);
    expect(mail.to).toEqual([`approver-${kind}@test.local`]);
    await admin
      .put('/api/mypage/settings', { mailboxId, customersMayStartThreads: false, fallbackRecipients: [] })
      .expect(200);
  });

  it('the approval gate: a staff post shows nothing before the final approval, a rejected one never, and one mail after approval', async () => {
    const thread = await newThread('承認テスト', '最初の投稿（承認なし）');
    await mails(1);
    await setPolicy('all');
    try {
      sink.clear();
      const pending = (
        await agent.post(`/api/mypage/threads/${thread.id}/posts`, { text: '却下される投稿' }).expect(201)
      ).body;
      expect(pending).toMatchObject({ state: 'pending', replyStatus: 'awaiting_approval' });
      await mails(0);
      expect(
        (await customerA.get(`/api/portal/threads/${thread.id}`).expect(200)).body.posts.map(
          (p: { text: string }) => p.text,
        ),
      ).toEqual(['最初の投稿（承認なし）']);
      await approver
        .post(`/api/replies/${pending.replyId}/reject`, { reason: '表現を直してください', step: 1 })
        .expect(200);
      await mails(0);
      expect(
        JSON.stringify((await customerA.get(`/api/portal/threads/${thread.id}`).expect(200)).body),
      ).not.toContain('却下される投稿');
      expect(
        (await agent.get(`/api/mypage/threads/${thread.id}`).expect(200)).body.posts.find(
          (p: { id: number }) => p.id === pending.id,
        ).replyStatus,
      ).toBe('rejected');

      const second = (
        await agent.post(`/api/mypage/threads/${thread.id}/posts`, { text: '承認される投稿' }).expect(201)
      ).body;
      await mails(0);
      expect(
        JSON.stringify((await customerA.get(`/api/portal/threads/${thread.id}`).expect(200)).body),
      ).not.toContain('承認される投稿');
      await approver.post(`/api/replies/${second.replyId}/approve`, { step: 1 }).expect(200);
      const [mail] = await mails(1);
      expect(mail.parsed.subject).toBe('[お客様マイページ]メッセージが届きました。');
      expect(mail.parsed.text).toContain('承認される投稿');
      const posts = (await customerA.get(`/api/portal/threads/${thread.id}`).expect(200)).body.posts.map(
        (p: { text: string }) => p.text,
      );
      expect(posts).toEqual(['最初の投稿（承認なし）', '承認される投稿']);
      sink.clear();
      await mails(0);
    } finally {
      await setPolicy('off');
    }
  });

  it('types uploads by their bytes: HTML named .png refused, 11 MB refused with a code, images inline and files as downloads in both realms', async () => {
    const thread = await newThread('写真の送付');
    await mails(1);
    sink.clear();
    const html = await customerA
      .upload(`/api/portal/threads/${thread.id}/posts`, HTML, 'photo.png', 'image/png')
      .expect(400);
    expect(html.body.error).toBe('MYPAGE_NOT_AN_IMAGE');
    const asked = await customerA
      .upload(`/api/portal/threads/${thread.id}/posts`, HTML, 'page.bin', 'application/octet-stream', {
        kind: 'image',
      })
      .expect(400);
    expect(asked.body.error).toBe('MYPAGE_NOT_AN_IMAGE');
    const big = Buffer.concat([PNG, Buffer.alloc(11 * 1024 * 1024)]);
    const tooBig = await customerA
      .upload(`/api/portal/threads/${thread.id}/posts`, big, 'big.png', 'image/png')
      .expect(413);
    expect(tooBig.body.error).toBe('MYPAGE_FILE_TOO_LARGE');
    const both = await customerA
      .upload(`/api/portal/threads/${thread.id}/posts`, PNG, 'a.png', 'image/png', { text: 'と画像' })
      .expect(400);
    expect(both.body.error).toBe('MYPAGE_POST_ONE_CONTENT');

    const image = (
      await customerA
        .upload(`/api/portal/threads/${thread.id}/posts`, PNG, '現場写真.png', 'application/octet-stream')
        .expect(201)
    ).body;
    expect(image).toMatchObject({
      kind: 'image',
      text: null,
      file: { filename: '現場写真.png', contentType: 'image/png', size: PNG.length },
    });
    const viaPortal = await customerA.get(image.file.url).buffer(true).expect(200);
    expect(viaPortal.headers['content-type']).toBe('image/png');
    expect(viaPortal.headers['content-disposition']).toMatch(/^inline/);
    expect(viaPortal.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(viaPortal.body as Buffer, PNG)).toBe(0);
    const staffPost = (await agent.get(`/api/mypage/threads/${thread.id}`).expect(200)).body.posts.find(
      (p: { id: number }) => p.id === image.id,
    );
    await agent.get(staffPost.file.url).expect(200);
    await outsider.get(staffPost.file.url).expect(403);

    const doc = (
      await customerA
        .upload(`/api/portal/threads/${thread.id}/posts`, HTML, 'memo.html', 'text/html')
        .expect(201)
    ).body;
    expect(doc).toMatchObject({
      kind: 'file',
      file: { filename: 'memo.html', contentType: 'application/octet-stream' },
    });
    const download = await customerA.get(doc.file.url).expect(200);
    expect(download.headers['content-disposition']).toMatch(/^attachment/);
    expect(download.headers['content-type']).not.toContain('html');

    // Staff post an image through the upload route, typed by its bytes there too.
    const upload = (await agent.upload('/api/uploads', 'file', PNG, '図面.png', 'image/png').expect(201))
      .body;
    const staffImage = (
      await agent.post(`/api/mypage/threads/${thread.id}/posts`, { uploadId: upload.id }).expect(201)
    ).body;
    expect(staffImage).toMatchObject({
      kind: 'image',
      state: 'pending',
      file: { filename: '図面.png', contentType: 'image/png' },
    });
    // Two mails to the 担当 for the customer's two posts, one to the customer for the staff image.
    const [mail] = await mails(3).then((all) => all.filter((m) => m.to.includes(tanakaEmail)));
    expect(mail.parsed.text).toContain('画像が投稿されました。');
    const shown = (await customerA.get(`/api/portal/threads/${thread.id}`).expect(200)).body.posts.find(
      (p: { id: number }) => p.id === staffImage.id,
    );
    expect(shown).toMatchObject({ author: 'staff', kind: 'image' });
    await customerA.get(shown.file.url).expect(200);
    // Someone else's upload is not theirs to post.
    const foreign = (await admin.upload('/api/uploads', 'file', PNG, 'x.png', 'image/png').expect(201)).body;
    expect(
      (await agent.post(`/api/mypage/threads/${thread.id}/posts`, { uploadId: foreign.id }).expect(400)).body
        .error,
    ).toBe('MYPAGE_UPLOAD_NOT_FOUND');
  });

  it('searches the list by code, title, customer, branch, 担当, label and date, pages it, and the customer search takes one character', async () => {
    const made: { id: number; code: string }[] = [];
    for (let i = 1; i <= 12; i++)
      made.push(
        await newThread(
          `検索用スレッド${String(i).padStart(2, '0')}`,
          '本文',
          { label: i % 2 ? 'ラベルA' : 'ラベルB' },
          agent,
          i <= 8 ? tanaka.id : sato.id,
        ),
      );
    await mails(12);
    const q = async (query: string) =>
      (await agent.get(`/api/mypage/threads?${query}`).expect(200)).body as {
        items: { id: number; code: string; customer: { id: number } }[];
        total: number;
        page: number;
        pageSize: number;
      };
    expect((await q('')).pageSize).toBe(50);
    expect((await q(`code=${made[3].code.slice(-4)}`)).items.map((x) => x.id)).toContain(made[3].id);
    expect((await q(`title=${encodeURIComponent('検索用スレッド1')}`)).total).toBe(3);
    expect((await q(`title=${encodeURIComponent('検索用')}&customerId=${sato.id}`)).total).toBe(4);
    // One character of the branch (港区支店).
    const byBranch = await q(`title=${encodeURIComponent('検索用')}&branch=${encodeURIComponent('港')}`);
    expect(byBranch.total).toBe(8);
    expect(byBranch.items.every((x) => x.customer.id === tanaka.id)).toBe(true);
    // 担当顧客のみ: the agent is 田中's 担当, nobody's for 佐藤.
    expect((await q(`title=${encodeURIComponent('検索用')}&mine=true`)).total).toBe(8);
    expect(
      (
        await (
          await admin.get(`/api/mypage/threads?title=${encodeURIComponent('検索用')}&mine=true`).expect(200)
        ).body
      ).total,
    ).toBe(0);
    expect(
      (await q(`title=${encodeURIComponent('検索用')}&label=${encodeURIComponent('ラベルA')}`)).total,
    ).toBe(6);
    const today = new Date().toISOString().slice(0, 10);
    expect(
      (await q(`title=${encodeURIComponent('検索用')}&postedFrom=2000-01-01&postedTo=2999-12-31`)).total,
    ).toBe(12);
    expect((await q(`title=${encodeURIComponent('検索用')}&postedTo=2000-01-01`)).total).toBe(0);
    expect(
      (await q(`title=${encodeURIComponent('検索用')}&postedFrom=${today}`)).total,
    ).toBeGreaterThanOrEqual(0);
    const page1 = await q(`title=${encodeURIComponent('検索用')}&pageSize=10&page=1`);
    const page2 = await q(`title=${encodeURIComponent('検索用')}&pageSize=10&page=2`);
    expect(page1.items).toHaveLength(10);
    expect(page2.items).toHaveLength(2);
    expect(page1.total).toBe(12);
    // Newest last post first.
    expect(page1.items[0].id).toBe(made[11].id);
    expect(new Set([...page1.items, ...page2.items].map((x) => x.id)).size).toBe(12);
    await agent.get('/api/mypage/threads?pageSize=7').expect(400);
    await agent.get('/api/mypage/threads?pageSize=1000').expect(400);

    // The customer search dialog: any part of TEL/MOBILE, 姓, 名, 郵便番号, 支店名, one character included, paged.
    const cs = async (query: string) =>
      (await admin.get(`/api/customers?${query}`).expect(200)).body as {
        items: { id: number }[];
        total: number;
      };
    expect((await cs(`name=${encodeURIComponent('田')}`)).items.map((x) => x.id)).toContain(tanaka.id);
    expect((await cs(`name=${encodeURIComponent('花')}`)).items.map((x) => x.id)).toContain(sato.id);
    expect((await cs('tel=5678')).items.map((x) => x.id)).toContain(tanaka.id);
    expect((await cs('tel=8765')).items.map((x) => x.id)).toContain(sato.id);
    expect((await cs('postalCode=0022')).items.map((x) => x.id)).toContain(sato.id);
    expect((await cs(`branch=${encodeURIComponent('宿')}`)).items.map((x) => x.id)).toEqual([sato.id]);
    const paged = await cs(`name=${encodeURIComponent('田')}&pageSize=1&page=1`);
    expect(paged.items).toHaveLength(1);
  });

  it('edits title, label and memo (audited), lists the labels in use, and still shows neither label nor memo on the portal', async () => {
    const thread = await newThread('編集前のタイトル', '本文', { label: '旧ラベル', memo: '旧メモ' });
    await mails(1);
    const edited = (
      await agent
        .patch(`/api/mypage/threads/${thread.id}`, {
          title: '編集後のタイトル',
          label: '新ラベル',
          memo: '秘密の新メモ',
        })
        .expect(200)
    ).body;
    expect(edited).toMatchObject({ title: '編集後のタイトル', label: '新ラベル', memo: '秘密の新メモ' });
    expect(
      (await agent.patch(`/api/mypage/threads/${thread.id}`, { label: null }).expect(200)).body,
    ).toMatchObject({ title: '編集後のタイトル', label: null, memo: '秘密の新メモ' });
    await agent.patch(`/api/mypage/threads/${thread.id}`, { title: '   ' }).expect(400);
    await agent.patch(`/api/mypage/threads/${thread.id}`, { title: 'x'.repeat(101) }).expect(400);
    await customerA.agent
      .patch(`/api/mypage/threads/${thread.id}`)
      .set('X-XSRF-TOKEN', customerA.csrf)
      .send({ title: 'hack' })
      .expect(401);
    await agent.patch(`/api/mypage/threads/${thread.id}`, { label: 'ラベルZ' }).expect(200);
    expect((await agent.get('/api/mypage/threads/labels').expect(200)).body.labels).toContain('ラベルZ');
    const portal = JSON.stringify((await customerA.get(`/api/portal/threads/${thread.id}`).expect(200)).body);
    expect(portal).toContain('編集後のタイトル');
    expect(portal).not.toContain('秘密の新メモ');
    expect(portal).not.toContain('ラベルZ');
    const audit = await db.query(
      "SELECT action FROM audit_entry WHERE entity = 'mypage_thread' AND entity_id = ?",
      [String(thread.id)],
    );
    expect(audit.map((r: { action: string }) => r.action)).toEqual(
      expect.arrayContaining(['create', 'update']),
    );
  });

  it('exports the listed threads as CSV (UTF-8 BOM, metadata only, no formula cells)', async () => {
    const thread = await newThread('=HYPERLINK("http://evil.example")', 'CSVに出てはいけない本文', {
      label: '@label',
    });
    await mails(1);
    const res = await agent
      .get(`/api/mypage/threads/export.csv?customerId=${tanaka.id}`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('コード,タイトル');
    expect(text).toContain(thread.code);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(text).toContain("'@label");
    expect(text).not.toContain('CSVに出てはいけない本文');
    expect(text).not.toContain('\n=');
  });

  it('deletes threads in bulk with their posts, audited; then they are 404 on both sides', async () => {
    const a = await newThread('削除A');
    const b = await newThread('削除B');
    await mails(2);
    await customerA.post(`/api/portal/threads/${a.id}/posts`, { text: '消える投稿' }).expect(201);
    await agent.post('/api/mypage/threads/delete', { ids: [a.id, 99_999_999] }).expect(404);
    await agent.get(`/api/mypage/threads/${a.id}`).expect(200);
    expect((await agent.post('/api/mypage/threads/delete', { ids: [a.id, b.id] }).expect(200)).body).toEqual({
      deleted: 2,
    });
    await agent.get(`/api/mypage/threads/${a.id}`).expect(404);
    await customerA.get(`/api/portal/threads/${b.id}`).expect(404);
    expect(await db.query('SELECT id FROM mypage_post WHERE thread_id IN (?, ?)', [a.id, b.id])).toEqual([]);
    const audit = await db.query(
      "SELECT entity_id FROM audit_entry WHERE entity = 'mypage_thread' AND action = 'delete'",
    );
    expect(audit.map((r: { entity_id: number | string }) => Number(r.entity_id))).toEqual(
      expect.arrayContaining([a.id, b.id]),
    );
  });

  it('lets customers start threads only when the settings allow', async () => {
    expect(
      (
        await customerA
          .post('/api/portal/threads', { title: 'お客様から', text: '質問があります' })
          .expect(403)
      ).body.error,
    ).toBe('MYPAGE_THREAD_START_OFF');
    await admin
      .put('/api/mypage/settings', { mailboxId, customersMayStartThreads: true, fallbackRecipients: [] })
      .expect(200);
    try {
      const made = (
        await customerA
          .post('/api/portal/threads', { title: 'お客様から', text: '質問があります' })
          .expect(201)
      ).body;
      expect(made.code).toMatch(/^MS\d{6}$/);
      const view = (await agent.get(`/api/mypage/threads/${made.id}`).expect(200)).body;
      expect(view).toMatchObject({ createdByCustomer: true, customer: { id: tanaka.id } });
      expect((await admin.get(`/api/tickets/${view.ticketId}`).expect(200)).body).toMatchObject({
        channel: 'mypage',
        customerId: tanaka.id,
        state: 'unhandled',
      });
      await mails(1);
    } finally {
      await admin
        .put('/api/mypage/settings', { mailboxId, customersMayStartThreads: false, fallbackRecipients: [] })
        .expect(200);
    }
  });

  it('tells the portal live of its own threads only, and ends the stream when the session ends', async () => {
    const mine = await newThread('ライブ更新');
    const other = await newThread('他人のスレッド', '佐藤様宛', {}, agent, sato.id);
    await mails(2);
    sink.clear();
    const second = await portalLogin(tanakaEmail);
    const stream = await portalStream(second.cookie);
    try {
      await agent.post(`/api/mypage/threads/${mine.id}/posts`, { text: 'ライブで届く' }).expect(201);
      await agent.post(`/api/mypage/threads/${other.id}/posts`, { text: '届かない' }).expect(201);
      await dispatchAll();
      expect(await waitUntil(() => stream.events.some((e) => e.threadId === mine.id))).toBe(true);
      expect(stream.events.every((e) => e.threadId !== other.id)).toBe(true);
      await second.post('/api/portal/auth/logout').expect(204);
      expect(await waitUntil(() => stream.ended(), 10_000)).toBe(true);
    } finally {
      stream.stop();
    }
    await mails(2);
  });

  it('changes the password (the current one checked) and takes a 退会 request that staff see on the karte', async () => {
    const c = (
      await admin
        .post('/api/customers', { lastName: '退会', firstName: '予定', email: `leaving-${kind}@example.jp` })
        .expect(201)
    ).body;
    await activate(c);
    const p = await portalLogin(`leaving-${kind}@example.jp`);
    expect(
      (
        await p
          .post('/api/portal/account/password', {
            currentPassword: 'wrong-password-1',
            newPassword: 'new-secret-pass-99',
          })
          .expect(400)
      ).body.error,
    ).toBe('PORTAL_PASSWORD_WRONG');
    const weak = await p
      .post('/api/portal/account/password', { currentPassword: PASSWORD, newPassword: 'short' })
      .expect(400);
    expect(weak.body.fields).toHaveProperty('newPassword');
    await p
      .post('/api/portal/account/password', { currentPassword: PASSWORD, newPassword: 'new-secret-pass-99' })
      .expect(204);
    await p.get('/api/portal/threads').expect(200);
    await t.http
      .post('/api/portal/auth/login')
      .send({ email: `leaving-${kind}@example.jp`, password: 'new-secret-pass-99' })
      .expect(200);
    expect(
      (await admin.get(`/api/customers/${c.id}/portal-access`).expect(200)).body.withdrawalRequestedAt,
    ).toBeNull();
    const asked = (await p.post('/api/portal/account/withdrawal', { reason: '引っ越しのため' }).expect(202))
      .body;
    expect(asked.requestedAt).toEqual(expect.any(String));
    expect(
      (await admin.get(`/api/customers/${c.id}/portal-access`).expect(200)).body.withdrawalRequestedAt,
    ).toBe(asked.requestedAt);
    // Asking again keeps the first time.
    expect((await p.post('/api/portal/account/withdrawal', {}).expect(202)).body.requestedAt).toBe(
      asked.requestedAt,
    );
    // Without the CSRF header: refused.
    await p.agent.post('/api/portal/account/withdrawal').send({}).expect(403);
  });

  it('answers hostile input with 4xx, never 500', async () => {
    const thread = await newThread('攻撃テスト');
    await mails(1);
    const cases: [request.Test, number][] = [
      [agent.get('/api/mypage/threads/99999999999999999999'), 400],
      [agent.get('/api/mypage/threads/0'), 400],
      [agent.get(`/api/mypage/threads?code=${encodeURIComponent('\u0000')}`), 200],
      [agent.get(`/api/mypage/threads?title=${encodeURIComponent("%' OR 1=1 --")}`), 200],
      [agent.get('/api/mypage/threads?postedFrom=yesterday'), 400],
      [agent.get('/api/mypage/threads?postedFrom=2026-13-45'), 400],
      [agent.get('/api/mypage/threads?customerId=-1'), 400],
      [agent.get('/api/mypage/threads?page=0'), 400],
      [agent.get('/api/mypage/threads?mine=perhaps'), 400],
      [
        agent.post('/api/mypage/threads', {
          customerId: tanaka.id,
          title: 'x'.repeat(101),
          post: { text: 'x' },
        }),
        400,
      ],
      [agent.post('/api/mypage/threads', { customerId: tanaka.id, title: '', post: { text: 'x' } }), 400],
      [
        agent.post('/api/mypage/threads', {
          customerId: tanaka.id,
          title: 'x',
          post: { text: 'x'.repeat(1001) },
        }),
        400,
      ],
      [agent.post('/api/mypage/threads', { customerId: 99_999_999, title: 'x', post: { text: 'x' } }), 404],
      [agent.post('/api/mypage/threads', { customerId: tanaka.id, title: 'x', post: {} }), 400],
      [agent.post('/api/mypage/threads', { customerId: tanaka.id, title: 'x', post: 'text' }), 400],
      [
        agent.post('/api/mypage/threads', {
          customerId: tanaka.id,
          title: 'x',
          post: { text: 'x' },
          extra: 1,
        }),
        400,
      ],
      [
        agent.post(`/api/mypage/threads/${thread.id}/posts`, {
          text: 'x',
          uploadId: '00000000-0000-4000-8000-000000000000',
        }),
        400,
      ],
      [agent.post(`/api/mypage/threads/${thread.id}/posts`, { uploadId: 'not-a-uuid' }), 400],
      [agent.post(`/api/mypage/threads/${thread.id}/posts`, { text: '   ' }), 400],
      [agent.post('/api/mypage/threads/delete', { ids: [] }), 400],
      [agent.post('/api/mypage/threads/delete', { ids: ['1; DROP TABLE mypage_thread'] }), 400],
      [
        admin.put('/api/mypage/settings', {
          mailboxId: 99_999_999,
          customersMayStartThreads: false,
          fallbackRecipients: [],
        }),
        400,
      ],
      [
        admin.put('/api/mypage/settings', {
          mailboxId,
          customersMayStartThreads: 'yes',
          fallbackRecipients: [],
        }),
        400,
      ],
      [
        admin.put('/api/mypage/settings', {
          mailboxId,
          customersMayStartThreads: false,
          fallbackRecipients: [99_999_999],
        }),
        400,
      ],
      [customerA.post(`/api/portal/threads/${thread.id}/posts`, { text: 'x'.repeat(1001) }), 400],
      [customerA.post(`/api/portal/threads/${thread.id}/posts`, {}), 400],
      [customerA.post(`/api/portal/threads/${thread.id}/posts`, { text: ['a'] }), 400],
      [customerA.post(`/api/portal/threads/${thread.id}/posts`, { text: 'x', label: 'hack' }), 400],
      [customerA.get('/api/portal/threads/1e3'), 400],
      [
        customerA.upload(
          `/api/portal/threads/${thread.id}/posts`,
          Buffer.alloc(0),
          'empty.txt',
          'text/plain',
        ),
        400,
      ],
      [
        customerA.agent
          .post(`/api/portal/threads/${thread.id}/posts`)
          .set('X-XSRF-TOKEN', customerA.csrf)
          .attach('other', PNG, 'a.png'),
        400,
      ],
    ];
    for (const [i, [req, status]] of cases.entries()) {
      const res = await req;
      // The case's index names it in a failure; a 500 fails whatever was expected.
      expect([i, res.status]).toEqual([i, status]);
    }
    // The invalid searches found nothing they should not.
    expect(
      (await agent.get(`/api/mypage/threads?code=${encodeURIComponent('\u0000')}`).expect(200)).body.total,
    ).toBe(0);
  });
});
