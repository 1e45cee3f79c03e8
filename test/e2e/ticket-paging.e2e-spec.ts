import { IntakeService } from '@madoguchi/mail';
import { Article } from '@madoguchi/tickets';
import { DB_KINDS } from '@test/support/databases';
import { rawMail } from '@test/support/mail-builder';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { DataSource } from 'typeorm';

jest.setTimeout(120_000);

/** A long thread is answered page by page: the ticket carries its newest articles, older ones come on demand. */
describe.each(DB_KINDS)('ticket timeline paging on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  let ticketId: number;
  const address = `paging-${kind}@example.jp`;

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.login();
    const mailboxId = (await admin.post('/api/mailboxes', { name: '長いスレッド', address }).expect(201)).body.id;
    await t.app.get(IntakeService).ingest({ id: mailboxId, address }, rawMail({ from: 'long@example.jp', to: address, subject: '長いやりとり', body: '1通目', messageId: `long-${kind}-0@example.jp` }), { kind: 'smtp' });
    ticketId = (await admin.get('/api/tickets').query({ mailboxId }).expect(200)).body.items[0].id;
    const articles = t.app.get(DataSource).getRepository(Article);
    const first = await articles.findOneByOrFail({ ticketId });
    const start = first.createdAt.getTime();
    // 129 more articles, one second apart, as a long back-and-forth would leave them.
    const rest = Array.from({ length: 129 }, (_, i) => {
      const { id: _id, ...copy } = first;
      return { ...copy, messageId: `long-${kind}-${i + 1}@example.jp`, bodyText: `${i + 2}通目`, createdAt: new Date(start + (i + 1) * 1000) };
    });
    for (let i = 0; i < rest.length; i += 50) await articles.insert(rest.slice(i, i + 50));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('carries the newest 50 articles, oldest first, and says how many there are', async () => {
    const view = (await admin.get(`/api/tickets/${ticketId}`).expect(200)).body;
    expect(view.articlesTotal).toBe(130);
    expect(view.hasOlderArticles).toBe(true);
    expect(view.articles).toHaveLength(50);
    expect(view.articles[0].text).toContain('81通目');
    expect(view.articles[49].text).toContain('130通目');
  });

  it('pages back through older articles until the first, with nothing twice or missing', async () => {
    const seen: string[] = [];
    let view = (await admin.get(`/api/tickets/${ticketId}`).query({ limit: 40 }).expect(200)).body;
    let page = { items: view.articles as { id: number; text: string }[], hasMore: view.hasOlderArticles as boolean };
    seen.unshift(...page.items.map((a) => a.text.trim()));
    while (page.hasMore) {
      page = (await admin.get(`/api/tickets/${ticketId}/articles`).query({ beforeId: page.items[0].id, limit: 40 }).expect(200)).body;
      seen.unshift(...page.items.map((a) => a.text.trim()));
    }
    expect(seen).toEqual(Array.from({ length: 130 }, (_, i) => `${i + 1}通目`));
  });

  it('refuses paging values out of range and an article of another ticket', async () => {
    await admin.get(`/api/tickets/${ticketId}`).query({ limit: 100_000 }).expect(400);
    await admin.get(`/api/tickets/${ticketId}/articles`).query({ beforeId: 'x' }).expect(400);
    await admin.get(`/api/tickets/${ticketId}/articles`).expect(400);
    await admin.get(`/api/tickets/${ticketId}/articles`).query({ beforeId: 999_999 }).expect(404);
    await admin.get('/api/tickets/999999/articles').query({ beforeId: 1 }).expect(404);
  });

  it('answers 401 without sign-in and 404 to a user who may not see the mailbox, as for an unknown ticket', async () => {
    const first = (await admin.get(`/api/tickets/${ticketId}`).expect(200)).body.articles[0].id;
    await t.http.get(`/api/tickets/${ticketId}/articles`).query({ beforeId: first }).expect(401);
    await t.http.post('/api/auth/password').send({ currentPassword: 'x', newPassword: 'a-new-secret-42' }).expect(401);
    await admin.post('/api/users', { email: `outsider-${kind}@test.local`, name: '部外者', password: 'paging-pass-123', groupIds: [] }).expect(201);
    const outsider = await t.login(`outsider-${kind}@test.local`, 'paging-pass-123');
    const hidden = await outsider.get(`/api/tickets/${ticketId}/articles`).query({ beforeId: first }).expect(404);
    const unknown = await outsider.get('/api/tickets/999999/articles').query({ beforeId: first }).expect(404);
    expect(hidden.body.error).toBe(unknown.body.error);
    await outsider.get(`/api/tickets/${ticketId}`).expect(404);
  });
});
