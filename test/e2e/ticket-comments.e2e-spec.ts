import { AuditEntry, OutboxEntry } from '@madoguchi/core';
import { IntakeService } from '@madoguchi/mail';
import { DB_KINDS } from '@test/support/databases';
import { rawMail } from '@test/support/mail-builder';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { DataSource } from 'typeorm';

jest.setTimeout(120_000);

/** 社内メモ, internal comments (issue 13, point 3): never sent, mentions, author-only edit and delete, rights, input. */
describe.each(DB_KINDS)('ticket comments on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let colleague: Session;
  let viewer: Session;
  let outsider: Session;
  let mailboxId: number;
  let agentId: number;
  let colleagueId: number;
  let viewerId: number;
  let ticket: number;
  let hidden: number;
  let commentId: number;
  const address = `comments-${kind}@example.jp`;
  const otherAddress = `comments-other-${kind}@example.jp`;

  const ingest = async (to: string, id: number, subject: string) => {
    await t.app.get(IntakeService).ingest(
      { id, address: to },
      rawMail({
        from: 'customer@example.jp',
        to,
        subject,
        body: subject,
        messageId: `${subject}-${kind}@example.jp`,
      }),
      { kind: 'smtp' },
    );
  };
  const mentions = async (s: Session) =>
    (await s.get('/api/notifications').expect(200)).body.items.filter(
      (n: { kind: string }) => n.kind === 'comment_mention',
    );
  const audits = (id: number) =>
    t.app
      .get(DataSource)
      .getRepository(AuditEntry)
      .find({ where: { entity: 'article', entityId: String(id) }, order: { id: 'ASC' } });

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '社内メモ', address }).expect(201)).body.id;
    const otherMailboxId = (
      await admin.post('/api/mailboxes', { name: '別窓口', address: otherAddress }).expect(201)
    ).body.id;
    const group = async (name: string, reply: boolean) =>
      (
        await admin
          .post('/api/groups', {
            name: `${name}-${kind}`,
            rights: [],
            mailboxRights: [{ mailboxId, view: true, reply, approve: false, manage: false }],
          })
          .expect(201)
      ).body.id as number;
    const agents = await group('メモ担当', true);
    const viewers = await group('メモ閲覧', false);
    const user = async (email: string, name: string, groupIds: number[]) =>
      (
        await admin
          .post('/api/users', { email, name, password: 'comment-pass-123', groupIds, active: true })
          .expect(201)
      ).body.id as number;
    agentId = await user(`c-agent-${kind}@test.local`, '佐藤 花子', [agents]);
    colleagueId = await user(`c-colleague-${kind}@test.local`, '田中 太郎', [agents]);
    viewerId = await user(`c-viewer-${kind}@test.local`, '鈴木 一郎', [viewers]);
    await user(`c-outsider-${kind}@test.local`, '部外者', []);
    agent = await t.login(`c-agent-${kind}@test.local`, 'comment-pass-123');
    colleague = await t.login(`c-colleague-${kind}@test.local`, 'comment-pass-123');
    viewer = await t.login(`c-viewer-${kind}@test.local`, 'comment-pass-123');
    outsider = await t.login(`c-outsider-${kind}@test.local`, 'comment-pass-123');
    await ingest(address, mailboxId, 'comment-first');
    await ingest(otherAddress, otherMailboxId, 'comment-hidden');
    const items = (await admin.get('/api/tickets').expect(200)).body.items as {
      id: number;
      subject: string;
    }[];
    ticket = items.find((x) => x.subject === 'comment-first')!.id;
    hidden = items.find((x) => x.subject === 'comment-hidden')!.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('adds a comment to the timeline, sends nothing and leaves the state alone; mentions notify once, not the author', async () => {
    const before = (await agent.get(`/api/tickets/${ticket}`).expect(200)).body;
    const outboxBefore = await t.app.get(DataSource).getRepository(OutboxEntry).count();
    const body = '@田中 太郎 さん、@田中 太郎 確認お願いします。@佐藤 花子 (自分) @鈴木 一郎';
    const res = await agent.post(`/api/tickets/${ticket}/comments`, { body }).expect(201);
    commentId = res.body.id;
    expect(res.body).toMatchObject({
      kind: 'comment',
      text: body,
      authorId: agentId,
      from: { name: '佐藤 花子' },
    });
    const after = (await agent.get(`/api/tickets/${ticket}`).expect(200)).body;
    const onTimeline = after.articles.find((a: { id: number }) => a.id === commentId);
    expect(onTimeline).toMatchObject({ kind: 'comment', text: body, authorId: agentId });
    expect(after.state).toBe(before.state);
    expect(await t.app.get(DataSource).getRepository(OutboxEntry).count()).toBe(outboxBefore);
    expect(await t.app.get(DataSource).getRepository(OutboxEntry).countBy({ articleId: commentId })).toBe(0);
    const n = await mentions(colleague);
    expect(n).toHaveLength(1);
    expect(n[0].ticketId).toBe(ticket);
    expect(n[0].text).toBe(`社内メモで言及されました: ${before.code} comment-first（佐藤 花子）`);
    expect(await mentions(agent)).toHaveLength(0);
    expect(await mentions(viewer)).toHaveLength(1); // a viewer can be mentioned, just not write
    const audit = await audits(commentId);
    expect(audit.map((a) => a.action)).toEqual(['comment_create']);
  });

  it('lets the author edit, audited with before and after; an edit mentioning nobody new notifies nobody', async () => {
    const res = await agent
      .patch(`/api/comments/${commentId}`, { body: '@田中 太郎 再確認お願いします' })
      .expect(200);
    expect(res.body.text).toBe('@田中 太郎 再確認お願いします');
    const audit = (await audits(commentId)).at(-1)!;
    expect(audit.action).toBe('comment_update');
    expect(JSON.parse(audit.beforeJson!).body).toContain('確認お願いします。');
    expect(JSON.parse(audit.afterJson!).body).toBe('@田中 太郎 再確認お願いします');
    expect(await mentions(colleague)).toHaveLength(1);
    await agent.patch(`/api/comments/${commentId}`, { body: '@田中 太郎 さらに追記' }).expect(200);
    expect(await mentions(colleague)).toHaveLength(1);
    const timeline = (await agent.get(`/api/tickets/${ticket}`).expect(200)).body.articles;
    expect(timeline.find((a: { id: number }) => a.id === commentId).text).toBe('@田中 太郎 さらに追記');
  });

  it('answers 404 to anyone but the author, and to ids that are not comments', async () => {
    const other = await colleague.patch(`/api/comments/${commentId}`, { body: 'x' }).expect(404);
    expect(other.body.error).toBe('COMMENT_NOT_FOUND');
    await colleague.delete(`/api/comments/${commentId}`).expect(404);
    await admin.patch(`/api/comments/${commentId}`, { body: 'x' }).expect(404);
    const unknown = await agent.patch('/api/comments/999999', { body: 'x' }).expect(404);
    expect(Object.keys(other.body).sort()).toEqual(Object.keys(unknown.body).sort());
    const mail = (await agent.get(`/api/tickets/${ticket}`).expect(200)).body.articles.find(
      (a: { kind: string }) => a.kind === 'email',
    );
    await agent.patch(`/api/comments/${mail.id}`, { body: 'x' }).expect(404);
    await agent.delete(`/api/comments/${mail.id}`).expect(404);
  });

  it('needs the reply right, answers 404 for a hidden ticket as for an unknown one, 401 without sign-in', async () => {
    const forbidden = await viewer.post(`/api/tickets/${ticket}/comments`, { body: 'メモ' }).expect(403);
    expect(forbidden.body.error).toBe('RIGHT_REQUIRED');
    const hiddenRes = await outsider.post(`/api/tickets/${hidden}/comments`, { body: 'メモ' }).expect(404);
    const unknownRes = await outsider.post('/api/tickets/999999/comments', { body: 'メモ' }).expect(404);
    expect(hiddenRes.body.error).toBe('TICKET_NOT_FOUND');
    expect(Object.keys(hiddenRes.body).sort()).toEqual(Object.keys(unknownRes.body).sort());
    await agent.post(`/api/tickets/${hidden}/comments`, { body: 'メモ' }).expect(404);
    await t.http.post(`/api/tickets/${ticket}/comments`).send({ body: 'メモ' }).expect(401);
    await t.http.patch(`/api/comments/${commentId}`).send({ body: 'メモ' }).expect(401);
    await t.http.delete(`/api/comments/${commentId}`).expect(401);
  });

  it('refuses bad input with a message, and stores text NFC', async () => {
    for (const body of ['', 'x'.repeat(10_001), 'a\u0000b', 'x\uD800', 42, null, ['a'], { a: 1 }]) {
      const res = await agent.post(`/api/tickets/${ticket}/comments`, { body }).expect(400);
      expect(JSON.stringify(res.body.message ?? res.body)).toMatch(/body/);
    }
    await agent.post(`/api/tickets/${ticket}/comments`, {}).expect(400);
    await agent.patch(`/api/comments/${commentId}`, { body: '' }).expect(400);
    const ok = await agent.post(`/api/tickets/${ticket}/comments`, { body: 'x'.repeat(10_000) }).expect(201);
    await agent.delete(`/api/comments/${ok.body.id}`).expect(204);
    // A comment is running text: like every body field, it may quote right-to-left text with
    // direction controls (the text-hygiene pipe refuses them only in names, subjects and codes).
    const rtl = await agent
      .post(`/api/tickets/${ticket}/comments`, { body: 'مرحبا \u202Bx\u202C' })
      .expect(201);
    await agent.delete(`/api/comments/${rtl.body.id}`).expect(204);
    const nfc = await agent.post(`/api/tickets/${ticket}/comments`, { body: 'か\u3099' }).expect(201);
    expect(nfc.body.text).toBe('が');
    await agent.delete(`/api/comments/${nfc.body.id}`).expect(204);
  });

  it('lets the author delete: gone from the timeline, audited', async () => {
    await agent.delete(`/api/comments/${commentId}`).expect(204);
    const timeline = (await agent.get(`/api/tickets/${ticket}`).expect(200)).body.articles;
    expect(timeline.find((a: { id: number }) => a.id === commentId)).toBeUndefined();
    const audit = (await audits(commentId)).at(-1)!;
    expect(audit.action).toBe('comment_delete');
    expect(JSON.parse(audit.beforeJson!).body).toBe('@田中 太郎 さらに追記');
    await agent.delete(`/api/comments/${commentId}`).expect(404);
  });
});
