import { fromEmail } from '@madoguchi/mail';
import { TicketsService } from '@madoguchi/tickets';
import { DB_KINDS } from '@test/support/databases';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { DataSource } from 'typeorm';

jest.setTimeout(180_000);

interface Row {
  id: number;
  code: string;
  subject: string;
  state: string;
  unread: boolean;
  folderId: number | null;
  assigneeId: number | null;
  from: { address: string; name: string };
}

/** Bulk actions, saved views and the list's order (issue 13, points 6 and 7). */
describe.each(DB_KINDS)('bulk actions, views and sorting on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  let manager: Session;
  let agent: Session;
  let mailboxId: number;
  let otherMailboxId: number;
  let managerId: number;
  let agentId: number;
  let folderId: number;
  let otherFolderId: number;

  /** Files `n` customer mails into a mailbox in one call (one transaction), as intake would. */
  const deliver = async (mb: number, subjects: string[], at = Date.now(), from?: (i: number) => { address: string; name: string }) => {
    const tickets = t.app.get(TicketsService);
    return t.app.get(DataSource).transaction((m) =>
      tickets.receive(
        m,
        subjects.map((subject, i) =>
          fromEmail(
            {
              mailboxId: mb,
              rawMessageId: null,
              messageId: `${subject}-${mb}-${kind}@example.jp`,
              inReplyTo: [],
              references: [],
              from: from?.(i) ?? { address: `c${i}@example.jp`, name: '' },
              to: [{ address: 'support@example.jp', name: '' }],
              cc: [],
              subject,
              text: '本文',
              html: null,
              attachments: [],
              classification: 'normal',
              receivedAt: new Date(at + i * 1000),
            },
            null,
          ),
        ),
      ),
    );
  };
  const list = async (s: Session, query: Record<string, string | number>) => (await s.get('/api/tickets').query({ pageSize: 200, ...query }).expect(200)).body as { items: Row[]; total: number };

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '一括', address: `bulk-${kind}@example.jp` }).expect(201)).body.id;
    otherMailboxId = (await admin.post('/api/mailboxes', { name: '別窓口', address: `bulk-other-${kind}@example.jp` }).expect(201)).body.id;
    const group = async (name: string, manage: boolean, mb = mailboxId) =>
      (await admin.post('/api/groups', { name: `${name}-${kind}`, rights: [], mailboxRights: [{ mailboxId: mb, view: true, reply: true, approve: false, manage }] }).expect(201)).body.id as number;
    const managers = await group('管理者', true);
    const agents = await group('担当者', false);
    const user = async (email: string, name: string, groupIds: number[]) => (await admin.post('/api/users', { email, name, password: 'bulk-pass-12345', groupIds }).expect(201)).body.id as number;
    managerId = await user(`manager-${kind}@test.local`, '田中 管理', [managers]);
    agentId = await user(`agent-${kind}@test.local`, '佐藤 担当', [agents]);
    manager = await t.login(`manager-${kind}@test.local`, 'bulk-pass-12345');
    agent = await t.login(`agent-${kind}@test.local`, 'bulk-pass-12345');
    folderId = (await admin.post(`/api/mailboxes/${mailboxId}/folders`, { name: '見積' }).expect(201)).body.id;
    otherFolderId = (await admin.post(`/api/mailboxes/${otherMailboxId}/folders`, { name: '他' }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a request that is not one: ids and filter, neither, no action, an unknown type, missing fields', async () => {
    const one = (await deliver(mailboxId, ['validate']))[0].ticketId;
    for (const body of [
      { ids: [one], filter: {}, action: { type: 'read' } },
      { action: { type: 'read' } },
      { ids: [one] },
      { ids: [one], action: { type: 'explode' } },
      { ids: [one], action: { type: 'label' } },
      { ids: [one], action: { type: 'move' } },
      { ids: [one], action: { type: 'assign' } },
      { ids: [], action: { type: 'read' } },
      { ids: ['x'], action: { type: 'read' } },
      { ids: [one], action: { type: 'read' }, extra: 1 },
      { filter: { state: 'nonsense' }, action: { type: 'read' } },
    ]) {
      const res = await manager.post('/api/tickets/bulk', body).expect(400);
      expect(res.body.error).toBe('VALIDATION_FAILED');
    }
    const tooMany = Array.from({ length: 10_001 }, (_, i) => i + 1);
    await manager.post('/api/tickets/bulk', { ids: tooMany, action: { type: 'read' } }).expect(400);
  });

  it('assigns the selected tickets in one request, notifies once, and lists hidden and unmanageable tickets as failures', async () => {
    const filed = await deliver(mailboxId, ['a1', 'a2', 'a3']);
    const [hidden] = await deliver(otherMailboxId, ['hidden-a']);
    const ids = filed.map((f) => f.ticketId);
    const res = await manager.post('/api/tickets/bulk', { ids: [...ids, hidden.ticketId, 99_999_999], action: { type: 'assign', assigneeId: agentId } }).expect(200);
    expect(res.body.done).toBe(3);
    expect(res.body.failed).toEqual(
      expect.arrayContaining([
        { id: hidden.ticketId, code: null, error: 'TICKET_NOT_FOUND' },
        { id: 99_999_999, code: null, error: 'TICKET_NOT_FOUND' },
      ]),
    );
    const mine = await list(agent, { assignee: 'me' });
    expect(mine.items.map((x) => x.id).sort()).toEqual([...ids].sort());
    const notices = (await agent.get('/api/notifications').expect(200)).body.items.filter((n: { kind: string }) => n.kind === 'ticket_assigned');
    expect(notices).toHaveLength(1);
    expect(notices[0].text).toContain('3件');
    // The agent has reply but not manage: bulk needs manage, per ticket.
    const refused = await agent.post('/api/tickets/bulk', { ids, action: { type: 'read' } }).expect(200);
    expect(refused.body.done).toBe(0);
    expect(refused.body.failed.map((f: { error: string }) => f.error)).toEqual(['RIGHT_REQUIRED', 'RIGHT_REQUIRED', 'RIGHT_REQUIRED']);
    expect(refused.body.failed.map((f: { code: string }) => f.code)).toEqual(filed.map((f) => f.code));
    // An assignee who cannot see the mailbox fails per ticket.
    const admins = await admin.post('/api/tickets/bulk', { ids: [ids[0]], action: { type: 'assign', assigneeId: 99_999 } }).expect(200);
    expect(admins.body.failed).toEqual([{ id: ids[0], code: filed[0].code, error: 'ASSIGNEE_CANNOT_VIEW' }]);
    // The bulk change is audited per batch with its tickets.
    expect((await list(agent, { assignee: 'me' })).total).toBe(3);
  });

  it('moves by filter, marks read and unread, and refuses a folder of another mailbox per ticket', async () => {
    const filed = await deliver(mailboxId, ['m1', 'm2']);
    const ids = filed.map((f) => f.ticketId);
    const moved = await admin.post('/api/tickets/bulk', { filter: { mailboxId, q: 'm' }, action: { type: 'move', folderId } }).expect(200);
    expect(moved.body.done).toBeGreaterThanOrEqual(2);
    const inFolder = await list(admin, { mailboxId, folderId });
    expect(inFolder.items.map((x) => x.id)).toEqual(expect.arrayContaining(ids));
    const wrong = await admin.post('/api/tickets/bulk', { ids, action: { type: 'move', folderId: otherFolderId } }).expect(200);
    expect(wrong.body.done).toBe(0);
    expect(wrong.body.failed.map((f: { error: string }) => f.error)).toEqual(['FOLDER_NOT_IN_MAILBOX', 'FOLDER_NOT_IN_MAILBOX']);
    await admin.post('/api/tickets/bulk', { ids, action: { type: 'read' } }).expect(200);
    expect((await list(admin, { mailboxId, unread: 'false' })).items.map((x) => x.id)).toEqual(expect.arrayContaining(ids));
    await admin.post('/api/tickets/bulk', { ids, action: { type: 'unread' } }).expect(200);
    const unread = (await list(admin, { mailboxId, unread: 'true' })).items.map((x) => x.id);
    expect(unread).toEqual(expect.arrayContaining(ids));
  });

  it('marks handled with one history note on every ticket, through the ticket machine', async () => {
    const filed = await deliver(mailboxId, ['h1', 'h2']);
    const ids = filed.map((f) => f.ticketId);
    const res = await manager.post('/api/tickets/bulk', { ids, action: { type: 'handle', note: { kind: 'phone', text: '電話で一括回答' } } }).expect(200);
    expect(res.body).toEqual({ done: 2, failed: [] });
    for (const id of ids) {
      const ticket = (await admin.get(`/api/tickets/${id}`).expect(200)).body;
      expect(ticket.state).toBe('handled');
      expect(ticket.articles.filter((a: { kind: string; text: string }) => a.kind === 'history' && a.text === '電話で一括回答')).toHaveLength(1);
      const story = (await admin.get(`/api/tickets/${id}/transitions`).expect(200)).body;
      expect(story.some((s: { event: string }) => s.event === 'MARK_HANDLED')).toBe(true);
    }
    // Already handled: done, nothing written twice.
    const again = await manager.post('/api/tickets/bulk', { ids, action: { type: 'handle' } }).expect(200);
    expect(again.body).toEqual({ done: 2, failed: [] });
  });

  it('labels and unlabels in bulk with the catalogue of each ticket\'s mailbox, and refuses unknown labels', async () => {
    const filed = await deliver(mailboxId, ['l1', 'l2']);
    const [elsewhere] = await deliver(otherMailboxId, ['l-other']);
    const ids = filed.map((f) => f.ticketId);
    const urgent = (await admin.post(`/api/mailboxes/${mailboxId}/labels`, { name: '至急' }).expect(201)).body.id as number;
    const res = await admin.post('/api/tickets/bulk', { ids: [...ids, elsewhere.ticketId], action: { type: 'label', labelIds: [urgent] } }).expect(200);
    expect(res.body).toEqual({ done: 2, failed: [{ id: elsewhere.ticketId, code: elsewhere.code, error: 'LABEL_NOT_IN_MAILBOX' }] });
    const labelled = await list(admin, { mailboxId, label: urgent });
    expect(labelled.items.map((x) => x.id).sort()).toEqual([...ids].sort());
    // Labelling again changes nothing and still counts as done.
    expect((await admin.post('/api/tickets/bulk', { ids, action: { type: 'label', labelIds: [urgent] } }).expect(200)).body.done).toBe(2);
    await admin.post('/api/tickets/bulk', { ids: [ids[0]], action: { type: 'unlabel', labelIds: [urgent] } }).expect(200);
    expect((await list(admin, { mailboxId, label: urgent })).items.map((x) => x.id)).toEqual([ids[1]]);
    const unknown = await admin.post('/api/tickets/bulk', { ids, action: { type: 'label', labelIds: [99_999_999] } }).expect(400);
    expect(unknown.body.fieldCodes['action.labelIds'][0].code).toBe('LABEL_NOT_FOUND');
  });

  it('clears a spam wave in one request, blocks the senders, and 迷惑メールではない undoes it', async () => {
    const wave = await deliver(mailboxId, ['spam1', 'spam2', 'spam3'], Date.now(), (i) => ({ address: `offer${i}@spam-wave.example`, name: '' }));
    const ids = wave.map((f) => f.ticketId);
    const before = (await manager.get('/api/ticket-counts').query({ mailboxId }).expect(200)).body.unhandled as number;
    const res = await manager.post('/api/tickets/bulk', { filter: { mailboxId, q: 'spam' }, action: { type: 'spam', block: 'domain' } }).expect(200);
    expect(res.body).toEqual({ done: 3, failed: [] });
    expect((await manager.get('/api/ticket-counts').query({ mailboxId }).expect(200)).body.unhandled).toBe(before - 3);
    expect((await list(manager, { mailboxId, spam: 'true' })).items.map((x) => x.id)).toEqual(expect.arrayContaining(ids));
    const blocked = (await manager.get(`/api/mailboxes/${mailboxId}/blocked-senders`).expect(200)).body as { pattern: string }[];
    expect(blocked.map((b) => b.pattern)).toContain('@spam-wave.example');
    // The next mail from the domain goes straight to spam.
    const [next] = await deliver(mailboxId, ['spam4'], Date.now(), () => ({ address: 'again@spam-wave.example', name: '' }));
    expect(next.spam).toBe(true);
    const undone = await manager.post('/api/tickets/bulk', { ids, action: { type: 'notSpam' } }).expect(200);
    expect(undone.body.done).toBe(3);
    expect((await list(manager, { mailboxId, spam: 'false', q: 'spam' })).items.map((x) => x.id)).toEqual(expect.arrayContaining(ids));
    // Nothing was deleted on the way.
    for (const id of ids) await manager.get(`/api/tickets/${id}`).expect(200);
  });

  it('streams progress per batch of 500 when asked for NDJSON, and acts on every ticket the filter selects', async () => {
    const big = (await admin.post('/api/mailboxes', { name: '大量', address: `bulk-big-${kind}@example.jp` }).expect(201)).body.id as number;
    await deliver(big, Array.from({ length: 520 }, (_, i) => `big${i}`));
    const res = await admin
      .post('/api/tickets/bulk', { filter: { mailboxId: big }, action: { type: 'read' } })
      .set('Accept', 'application/x-ndjson')
      .buffer(true)
      .parse((r, cb) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (text += c));
        r.on('end', () => cb(null, text));
      })
      .expect(200);
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const lines = (res.body as string).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.slice(0, -1)).toEqual([{ progress: { done: 500, failed: 0, total: 520 } }, { progress: { done: 520, failed: 0, total: 520 } }]);
    expect(lines.at(-1)).toEqual({ result: { done: 520, failed: [] } });
    expect((await list(admin, { mailboxId: big, unread: 'true' })).total).toBe(0);
    // A request refused as a whole is an ordinary error, also when NDJSON was asked for.
    await admin.post('/api/tickets/bulk', { action: { type: 'read' } }).set('Accept', 'application/x-ndjson').expect(400);
  });

  it('sorts by last activity, created at, customer and state, and refuses an unknown order', async () => {
    const sorted = (await admin.post('/api/mailboxes', { name: '並べ替え', address: `bulk-sort-${kind}@example.jp` }).expect(201)).body.id as number;
    const names = ['山田 太郎', '青木 花子', '中村 一郎'];
    const filed = await deliver(sorted, ['s0', 's1', 's2'], Date.now() - 60_000, (i) => ({ address: `sort${i}@example.jp`, name: names[i] }));
    const ids = filed.map((f) => f.ticketId);
    await admin.post(`/api/tickets/${ids[1]}/mark-handled`, {}).expect(200);
    const order = async (sort?: string) => (await list(admin, { mailboxId: sorted, ...(sort ? { sort } : {}) })).items.map((x) => x.id);
    // 対応済 is activity: the handled ticket moves to the top of the default order.
    expect(await order()).toEqual([ids[1], ids[2], ids[0]]);
    expect(await order('activity_asc')).toEqual([ids[0], ids[2], ids[1]]);
    expect(await order('created_asc')).toEqual(ids);
    expect(await order('created')).toEqual([ids[2], ids[1], ids[0]]);
    const byCustomer = (await list(admin, { mailboxId: sorted, sort: 'customer' })).items.map((x) => x.from.name);
    expect(byCustomer).toEqual([...names].sort());
    expect((await order('state'))[2]).toBe(ids[1]);
    expect((await order('state_asc'))[0]).toBe(ids[1]);
    const bad = await admin.get('/api/tickets').query({ sort: 'random' }).expect(400);
    expect(bad.body.error).toBe('VALIDATION_FAILED');
  });

  it('saves personal views with live counts, private to their owner', async () => {
    const created = await manager.post('/api/views', { name: '未対応の一括', filter: { mailboxId, state: 'unhandled' } }).expect(201);
    expect(created.body).toMatchObject({ name: '未対応の一括', filter: { mailboxId, state: 'unhandled' } });
    const before = created.body.count as number;
    expect(before).toBeGreaterThan(0);
    await deliver(mailboxId, ['v1']);
    const views = (await manager.get('/api/views').expect(200)).body as { id: number; count: number }[];
    expect(views.find((v) => v.id === created.body.id)!.count).toBe(before + 1);
    // The count is what the list shows for the same filter.
    expect((await list(manager, { mailboxId, state: 'unhandled' })).total).toBe(before + 1);
    const dup = await manager.post('/api/views', { name: '未対応の一括', filter: {} }).expect(409);
    expect(dup.body.error).toBe('VIEW_NAME_TAKEN');
    for (const body of [{ name: '', filter: {} }, { name: 'x'.repeat(51), filter: {} }, { name: 'x' }, { name: 'x', filter: { state: 'nope' } }, { name: 'x', filter: { page: 2 } }, { name: 'x', filter: 'state=unhandled' }]) {
      await manager.post('/api/views', body).expect(400);
    }
    // Another user neither sees nor deletes it (404, as for an unknown id).
    expect((await agent.get('/api/views').expect(200)).body).toEqual([]);
    await agent.delete(`/api/views/${created.body.id}`).expect(404);
    await manager.delete('/api/views/99999999').expect(404);
    // A view of a mailbox the user can no longer see counts nothing.
    const hiddenView = await agent.post('/api/views', { name: '別窓口', filter: { mailboxId: otherMailboxId } }).expect(201);
    expect(hiddenView.body.count).toBe(0);
    await manager.delete(`/api/views/${created.body.id}`).expect(204);
    expect((await manager.get('/api/views').expect(200)).body).toEqual([]);
    void managerId;
  });
});
