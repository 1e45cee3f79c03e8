import { IntakeService } from '@madoguchi/mail';
import { DB_KINDS } from '@test/support/databases';
import { rawMail } from '@test/support/mail-builder';
import { Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

/** Assigning a ticket to a user or group (issue 13, point 1): rights, validation, list filters, notification. */
describe.each(DB_KINDS)('ticket assignment on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let viewer: Session;
  let outsider: Session;
  let mailboxId: number;
  let otherMailboxId: number;
  let agentId: number;
  let viewerId: number;
  let outsiderId: number;
  let inactiveId: number;
  let groupId: number;
  let first: number;
  let second: number;
  let hidden: number;
  const address = `assign-${kind}@example.jp`;
  const otherAddress = `assign-other-${kind}@example.jp`;

  const ingest = async (to: string, id: number, subject: string) => {
    await t.app
      .get(IntakeService)
      .ingest(
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
  const notices = async (s: Session) =>
    (await s.get('/api/notifications').expect(200)).body.items.filter(
      (n: { kind: string }) => n.kind === 'ticket_assigned',
    );

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '割り当て', address }).expect(201)).body.id;
    otherMailboxId = (
      await admin.post('/api/mailboxes', { name: '別窓口', address: otherAddress }).expect(201)
    ).body.id;
    const agents = (
      await admin
        .post('/api/groups', {
          name: `担当者-${kind}`,
          rights: [],
          mailboxRights: [{ mailboxId, view: true, reply: true, approve: false, manage: false }],
        })
        .expect(201)
    ).body.id;
    const viewers = (
      await admin
        .post('/api/groups', {
          name: `閲覧者-${kind}`,
          rights: [],
          mailboxRights: [{ mailboxId, view: true, reply: false, approve: false, manage: false }],
        })
        .expect(201)
    ).body.id;
    groupId = agents;
    const user = async (email: string, name: string, groupIds: number[], active = true) =>
      (
        await admin
          .post('/api/users', { email, name, password: 'assign-pass-123', groupIds, active })
          .expect(201)
      ).body.id as number;
    agentId = await user(`agent-${kind}@test.local`, '佐藤 花子', [agents]);
    viewerId = await user(`viewer-${kind}@test.local`, '鈴木 一郎', [viewers]);
    outsiderId = await user(`outsider-${kind}@test.local`, '部外者', []);
    inactiveId = await user(`inactive-${kind}@test.local`, '退職者', [agents], false);
    agent = await t.login(`agent-${kind}@test.local`, 'assign-pass-123');
    viewer = await t.login(`viewer-${kind}@test.local`, 'assign-pass-123');
    outsider = await t.login(`outsider-${kind}@test.local`, 'assign-pass-123');
    await ingest(address, mailboxId, 'first');
    await ingest(address, mailboxId, 'second');
    await ingest(otherAddress, otherMailboxId, 'hidden');
    const items = (await admin.get('/api/tickets').expect(200)).body.items as {
      id: number;
      subject: string;
    }[];
    first = items.find((x) => x.subject === 'first')!.id;
    second = items.find((x) => x.subject === 'second')!.id;
    hidden = items.find((x) => x.subject === 'hidden')!.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('offers the users who can see the mailbox as assignees', async () => {
    const list = (await agent.get(`/api/mailboxes/${mailboxId}/assignable`).expect(200)).body as {
      id: number;
      name: string;
    }[];
    const ids = list.map((u) => u.id);
    expect(ids).toEqual(expect.arrayContaining([agentId, viewerId]));
    expect(ids).not.toContain(outsiderId);
    expect(ids).not.toContain(inactiveId);
    await agent.get(`/api/mailboxes/${otherMailboxId}/assignable`).expect(404);
  });

  it('assigns to a user with view, notifies them once, and the list shows and filters by name', async () => {
    const res = await agent.patch(`/api/tickets/${first}`, { assigneeId: viewerId }).expect(200);
    expect(res.body.assigneeId).toBe(viewerId);
    expect(res.body.assignee).toEqual({ id: viewerId, name: '鈴木 一郎' });
    const mine = (await viewer.get('/api/tickets').query({ assignee: 'me' }).expect(200)).body;
    expect(mine.items.map((x: { id: number }) => x.id)).toEqual([first]);
    expect(mine.items[0].assignee).toEqual({ id: viewerId, name: '鈴木 一郎' });
    const byId = (
      await agent
        .get('/api/tickets')
        .query({ assignee: String(viewerId) })
        .expect(200)
    ).body;
    expect(byId.items.map((x: { id: number }) => x.id)).toEqual([first]);
    const none = (await agent.get('/api/tickets').query({ assignee: 'none' }).expect(200)).body;
    expect(none.items.map((x: { id: number }) => x.id)).toEqual([second]);
    expect(none.items[0].assignee).toBeNull();
    const n = await notices(viewer);
    expect(n).toHaveLength(1);
    expect(n[0].ticketId).toBe(first);
    expect(n[0].text).toContain('佐藤 花子');
  });

  it('does not notify when you assign yourself, and keeps the group when a user is set', async () => {
    await agent.patch(`/api/tickets/${second}`, { assigneeGroupId: groupId }).expect(200);
    const res = await agent.patch(`/api/tickets/${second}`, { assigneeId: agentId }).expect(200);
    expect(res.body.assigneeGroup).toEqual({ id: groupId, name: `担当者-${kind}` });
    expect(res.body.assignee).toEqual({ id: agentId, name: '佐藤 花子' });
    expect(await notices(agent)).toHaveLength(0);
    const byGroup = (await agent.get('/api/tickets').query({ assigneeGroup: groupId }).expect(200)).body;
    expect(byGroup.items.map((x: { id: number }) => x.id)).toEqual([second]);
  });

  it('unassigns with null', async () => {
    const res = await agent
      .patch(`/api/tickets/${second}`, { assigneeId: null, assigneeGroupId: null })
      .expect(200);
    expect(res.body.assignee).toBeNull();
    expect(res.body.assigneeGroup).toBeNull();
    const none = (await agent.get('/api/tickets').query({ assignee: 'none' }).expect(200)).body;
    expect(none.items.map((x: { id: number }) => x.id)).toEqual([second]);
  });

  it('refuses an assignee who cannot see the mailbox, is inactive or unknown, and an unknown group', async () => {
    const noView = await agent.patch(`/api/tickets/${first}`, { assigneeId: outsiderId }).expect(400);
    expect(noView.body.fieldCodes.assigneeId[0].code).toBe('ASSIGNEE_CANNOT_VIEW');
    await agent.patch(`/api/tickets/${first}`, { assigneeId: inactiveId }).expect(400);
    const unknown = await agent.patch(`/api/tickets/${first}`, { assigneeId: 999_999 }).expect(400);
    expect(unknown.body.fieldCodes.assigneeId[0].code).toBe('ASSIGNEE_CANNOT_VIEW');
    const group = await agent.patch(`/api/tickets/${first}`, { assigneeGroupId: 999_999 }).expect(400);
    expect(group.body.fieldCodes.assigneeGroupId[0].code).toBe('GROUP_NOT_FOUND');
    expect((await agent.get(`/api/tickets/${first}`).expect(200)).body.assigneeId).toBe(viewerId);
  });

  it('refuses bad input', async () => {
    for (const assigneeId of ['x', -1, 0, 1.5, 1e15, true])
      await agent.patch(`/api/tickets/${first}`, { assigneeId }).expect(400);
    await agent.patch(`/api/tickets/${first}`, { assigneeGroupId: 'x' }).expect(400);
    await agent.patch(`/api/tickets/${first}`, { subject: '' }).expect(400);
    await agent.patch(`/api/tickets/${first}`, { unknownField: 'x' }).expect(400);
    await agent.get('/api/tickets').query({ assignee: 'someone' }).expect(400);
    await agent.get('/api/tickets').query({ assignee: '-1' }).expect(400);
    await agent.get('/api/tickets').query({ assigneeGroup: 'x' }).expect(400);
  });

  it('lists the groups a ticket may go to only for a mailbox the caller can view: 404 alike for hidden and unknown, 400 for a bad id, 401 without sign-in', async () => {
    const names = ((await agent.get(`/api/mailboxes/${mailboxId}/assignable-groups`).expect(200)).body as { id: number; name: string }[]).map((g) => g.name);
    expect(names).toEqual(expect.arrayContaining([`担当者-${kind}`, `閲覧者-${kind}`]));
    const hiddenBox = await agent.get(`/api/mailboxes/${otherMailboxId}/assignable-groups`).expect(404);
    const unknownBox = await agent.get('/api/mailboxes/999999/assignable-groups').expect(404);
    expect(hiddenBox.body.error).toBe(unknownBox.body.error);
    await agent.get('/api/mailboxes/abc/assignable-groups').expect(400);
    await t.http.get(`/api/mailboxes/${mailboxId}/assignable-groups`).expect(401);
  });

  it('needs the reply right, answers 404 for a hidden ticket as for an unknown one, 401 without sign-in', async () => {
    const forbidden = await viewer.patch(`/api/tickets/${first}`, { assigneeId: viewerId }).expect(403);
    expect(forbidden.body.error).toBe('RIGHT_REQUIRED');
    const hiddenRes = await outsider.patch(`/api/tickets/${hidden}`, { assigneeId: null }).expect(404);
    const unknownRes = await outsider.patch('/api/tickets/999999', { assigneeId: null }).expect(404);
    expect(hiddenRes.body.error).toBe('TICKET_NOT_FOUND');
    expect(Object.keys(hiddenRes.body).sort()).toEqual(Object.keys(unknownRes.body).sort());
    expect(hiddenRes.body.error).toBe(unknownRes.body.error);
    await agent.patch(`/api/tickets/${hidden}`, { assigneeId: agentId }).expect(404);
    await t.http.patch(`/api/tickets/${first}`).send({ assigneeId: null }).expect(401);
  });
});
