import { AuditEntry } from '@madoguchi/core';
import { IntakeService } from '@madoguchi/mail';
import { LabelsService } from '@madoguchi/tickets';
import { DataSource } from 'typeorm';
import { DB_KINDS } from '@test/support/databases';
import { rawMail } from '@test/support/mail-builder';
import { Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

interface LabelRef {
  id: number;
  name: string;
  color: string;
}

/** Labels (issue 13, point 2): the catalogue per mailbox, labels on tickets, the list filter, rules. */
describe.each(DB_KINDS)('ticket labels on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let viewer: Session;
  let outsider: Session;
  let mailboxId: number;
  let otherMailboxId: number;
  let first: number;
  let second: number;
  let third: number;
  let urgent: LabelRef;
  let vip: LabelRef;
  let foreign: LabelRef;
  const address = `labels-${kind}@example.jp`;
  const otherAddress = `labels-other-${kind}@example.jp`;
  let seq = 0;

  const ingest = async (to: string, id: number, subject: string) =>
    t.app.get(IntakeService).ingest({ id, address: to }, rawMail({ from: 'customer@example.jp', to, subject, body: subject, messageId: `labels-${kind}-${++seq}@example.jp` }), { kind: 'smtp' });
  const ids = (items: { id: number }[]) => items.map((x) => x.id).sort((a, b) => a - b);
  const listed = async (query: string) => ids((await agent.get(`/api/tickets?mailboxId=${mailboxId}&${query}`).expect(200)).body.items);
  const labelsOn = async (s: Session, id: number) => ((await s.get(`/api/tickets/${id}`).expect(200)).body.labels as LabelRef[]).map((l) => l.name);

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: 'ラベル', address }).expect(201)).body.id;
    otherMailboxId = (await admin.post('/api/mailboxes', { name: '別窓口', address: otherAddress }).expect(201)).body.id;
    const group = async (name: string, reply: boolean) =>
      (await admin.post('/api/groups', { name: `${name}-${kind}`, rights: [], mailboxRights: [{ mailboxId, view: true, reply, approve: false, manage: false }] }).expect(201)).body.id as number;
    const agents = await group('担当', true);
    const viewers = await group('閲覧', false);
    const user = async (email: string, groupIds: number[]) => (await admin.post('/api/users', { email, name: email.split('@')[0], password: 'labels-pass-123', groupIds }).expect(201)).body.id as number;
    await user(`agent-${kind}@test.local`, [agents]);
    await user(`viewer-${kind}@test.local`, [viewers]);
    await user(`outsider-${kind}@test.local`, []);
    agent = await t.login(`agent-${kind}@test.local`, 'labels-pass-123');
    viewer = await t.login(`viewer-${kind}@test.local`, 'labels-pass-123');
    outsider = await t.login(`outsider-${kind}@test.local`, 'labels-pass-123');
    await ingest(address, mailboxId, 'first');
    await ingest(address, mailboxId, 'second');
    await ingest(address, mailboxId, 'third');
    const items = (await admin.get(`/api/tickets?mailboxId=${mailboxId}`).expect(200)).body.items as { id: number; subject: string }[];
    first = items.find((x) => x.subject === 'first')!.id;
    second = items.find((x) => x.subject === 'second')!.id;
    third = items.find((x) => x.subject === 'third')!.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps a catalogue per mailbox: manage adds and edits, view lists, others get 404', async () => {
    urgent = (await admin.post(`/api/mailboxes/${mailboxId}/labels`, { name: ' 至急 ', color: '#E53935' }).expect(201)).body;
    expect(urgent).toMatchObject({ name: '至急', color: '#e53935', ticketCount: 0, mailboxId });
    vip = (await admin.post(`/api/mailboxes/${mailboxId}/labels`, { name: 'VIP' }).expect(201)).body;
    expect(vip.color).toMatch(/^#[0-9a-f]{6}$/);
    foreign = (await admin.post(`/api/mailboxes/${otherMailboxId}/labels`, { name: '至急' }).expect(201)).body;

    const list = (await viewer.get(`/api/mailboxes/${mailboxId}/labels`).expect(200)).body as LabelRef[];
    expect(list.map((l) => l.name).sort()).toEqual(['VIP', '至急'].sort());
    await outsider.get(`/api/mailboxes/${mailboxId}/labels`).expect(404);
    await viewer.get(`/api/mailboxes/${otherMailboxId}/labels`).expect(404);
    await admin.get('/api/mailboxes/999999/labels').expect(404);

    const forbidden = await agent.post(`/api/mailboxes/${mailboxId}/labels`, { name: '新規' }).expect(403);
    expect(forbidden.body.error).toBe('RIGHT_REQUIRED');
    expect((await outsider.post(`/api/mailboxes/${mailboxId}/labels`, { name: '新規' }).expect(404)).body.error).toBe('MAILBOX_NOT_FOUND');
    expect((await agent.patch(`/api/labels/${vip.id}`, { name: 'x' }).expect(403)).body.error).toBe('RIGHT_REQUIRED');
    expect((await agent.delete(`/api/labels/${vip.id}`).expect(403)).body.error).toBe('RIGHT_REQUIRED');
    expect((await outsider.patch(`/api/labels/${vip.id}`, { name: 'x' }).expect(404)).body.error).toBe('LABEL_NOT_FOUND');
    await outsider.delete(`/api/labels/${vip.id}`).expect(404);
    await admin.patch('/api/labels/999999', { name: 'x' }).expect(404);

    // The same name but for case or 全角/半角 is the same label.
    const dup = await admin.post(`/api/mailboxes/${mailboxId}/labels`, { name: 'ｖｉｐ' }).expect(409);
    expect(dup.body.error).toBe('LABEL_EXISTS');
    expect((await admin.patch(`/api/labels/${urgent.id}`, { name: 'vip' }).expect(409)).body.error).toBe('LABEL_EXISTS');
    const bad = await admin.post(`/api/mailboxes/${mailboxId}/labels`, { name: 'x', color: 'red' }).expect(400);
    expect(bad.body.fieldCodes.color).toBeDefined();
    await admin.post(`/api/mailboxes/${mailboxId}/labels`, { name: 'あ'.repeat(51) }).expect(400);
    await admin.post(`/api/mailboxes/${mailboxId}/labels`, { name: '   ' }).expect(400);
    await admin.post(`/api/mailboxes/${mailboxId}/labels`, {}).expect(400);
  });

  it('sets a ticket’s labels with reply: the whole set, only labels of its mailbox', async () => {
    const res = await agent.patch(`/api/tickets/${first}`, { labelIds: [vip.id, urgent.id] }).expect(200);
    expect((res.body.labels as LabelRef[]).map((l) => l.id).sort()).toEqual([vip.id, urgent.id].sort());
    expect(res.body.labels[0]).toEqual({ id: expect.any(Number), name: expect.any(String), color: expect.stringMatching(/^#/) });
    await agent.patch(`/api/tickets/${second}`, { labelIds: [urgent.id] }).expect(200);
    expect(await labelsOn(viewer, first)).toEqual(expect.arrayContaining(['VIP', '至急']));

    const other = await agent.patch(`/api/tickets/${third}`, { labelIds: [urgent.id, foreign.id] }).expect(400);
    expect(other.body.fieldCodes.labelIds[0].code).toBe('LABEL_NOT_FOUND');
    expect((await agent.patch(`/api/tickets/${third}`, { labelIds: [999999] }).expect(400)).body.fieldCodes.labelIds[0].code).toBe('LABEL_NOT_FOUND');
    await agent.patch(`/api/tickets/${third}`, { labelIds: ['x'] }).expect(400);
    await agent.patch(`/api/tickets/${third}`, { labelIds: 5 }).expect(400);
    expect(await labelsOn(agent, third)).toEqual([]);
    expect((await viewer.patch(`/api/tickets/${third}`, { labelIds: [urgent.id] }).expect(403)).body.error).toBe('RIGHT_REQUIRED');
    expect((await outsider.patch(`/api/tickets/${third}`, { labelIds: [urgent.id] }).expect(404)).body.error).toBe('TICKET_NOT_FOUND');

    // Audited with the names before and after; the catalogue counts the tickets.
    const entries = await t.app.get(DataSource).getRepository(AuditEntry).find({ where: { entity: 'ticket', entityId: String(first), action: 'labels' } });
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0].afterJson!).labels.map((l: LabelRef) => l.name).sort()).toEqual(['VIP', '至急'].sort());
    const count = (await viewer.get(`/api/mailboxes/${mailboxId}/labels`).expect(200)).body as (LabelRef & { ticketCount: number })[];
    expect(count.find((l) => l.id === urgent.id)!.ticketCount).toBe(2);
  });

  it('filters the list by one label, and by several (every one must be there), in both spellings', async () => {
    expect(await listed(`label=${urgent.id}`)).toEqual([first, second].sort((a, b) => a - b));
    expect(await listed(`label=${urgent.id}&label=${vip.id}`)).toEqual([first]);
    expect(await listed(`label=${urgent.id},${vip.id}`)).toEqual([first]);
    expect(await listed(`label=${vip.id}&label=${urgent.id},${vip.id}`)).toEqual([first]);
    expect(await listed(`label=${foreign.id}`)).toEqual([]);
    await agent.get('/api/tickets?label=abc').expect(400);
    await agent.get('/api/tickets?label=0').expect(400);
    await agent.get('/api/tickets?label=1,').expect(400);
    const items = (await agent.get(`/api/tickets?mailboxId=${mailboxId}&label=${vip.id}`).expect(200)).body.items;
    expect(items[0].labels.map((l: LabelRef) => l.name).sort()).toEqual(['VIP', '至急'].sort());
  });

  it('takes labels off with a smaller set, and [] takes them all off', async () => {
    await agent.patch(`/api/tickets/${second}`, { labelIds: [urgent.id, vip.id] }).expect(200);
    expect((await agent.patch(`/api/tickets/${second}`, { labelIds: [vip.id] }).expect(200)).body.labels.map((l: LabelRef) => l.name)).toEqual(['VIP']);
    expect((await agent.patch(`/api/tickets/${second}`, { labelIds: [] }).expect(200)).body.labels).toEqual([]);
    await agent.patch(`/api/tickets/${second}`, { labelIds: [urgent.id] }).expect(200);
  });

  it('adds to and removes from many tickets in one statement each, answering the rows changed (for bulk actions)', async () => {
    const labels = t.app.get(LabelsService);
    const ds = t.app.get(DataSource);
    // first has 至急 and VIP, second 至急, third none: only the three missing pairs are added.
    expect(await ds.transaction((m) => labels.addToTickets(m, [first, second, third, first], [urgent.id, vip.id]))).toBe(3);
    expect(await ds.transaction((m) => labels.addToTickets(m, [first, second, third], [urgent.id, vip.id]))).toBe(0);
    expect((await labels.labelsOf([third])).get(third)!.map((l) => l.id).sort()).toEqual([urgent.id, vip.id].sort());
    expect(await ds.transaction((m) => labels.removeFromTickets(m, [second, third], [vip.id]))).toBe(2);
    expect(await ds.transaction((m) => labels.removeFromTickets(m, [third], [urgent.id, vip.id]))).toBe(1);
    expect(await ds.transaction((m) => labels.removeFromTickets(m, [], [urgent.id]))).toBe(0);
    expect((await labels.byIds(ds.manager, [vip.id, 999999, vip.id])).map((l) => l.id)).toEqual([vip.id]);
    expect(await listed(`label=${vip.id}`)).toEqual([first]);
  });

  it('shows a rename and a new colour on every ticket at once', async () => {
    const renamed = (await admin.patch(`/api/labels/${urgent.id}`, { name: '大至急', color: '#123abc' }).expect(200)).body;
    expect(renamed).toMatchObject({ id: urgent.id, name: '大至急', color: '#123abc', ticketCount: 2 });
    expect(await labelsOn(agent, first)).toContain('大至急');
    const items = (await agent.get(`/api/tickets?mailboxId=${mailboxId}&label=${urgent.id}`).expect(200)).body.items;
    for (const item of items) expect(item.labels).toContainEqual({ id: urgent.id, name: '大至急', color: '#123abc' });
  });

  it('puts a catalogue label on new mail through a routing rule, and refuses a label of another mailbox', async () => {
    const wrong = await admin.post(`/api/mailboxes/${mailboxId}/rules`, { name: '別', match: 'all', conditions: [], actions: [{ type: 'addLabel', labelId: foreign.id }] }).expect(400);
    expect(JSON.stringify(wrong.body.fieldCodes)).toContain('LABEL_NOT_FOUND');
    await admin.post(`/api/mailboxes/${mailboxId}/rules`, { name: '空', match: 'all', conditions: [], actions: [{ type: 'addLabel' }] }).expect(400);
    const rule = (await admin.post(`/api/mailboxes/${mailboxId}/rules`, { name: 'VIP 客', match: 'all', conditions: [{ field: 'subject', op: 'contains', value: '重要' }], actions: [{ type: 'addLabel', labelId: vip.id }, { type: 'addLabel', labelId: urgent.id }] }).expect(201)).body;
    expect(rule.actions).toEqual([
      { type: 'addLabel', labelId: vip.id },
      { type: 'addLabel', labelId: urgent.id },
    ]);
    await ingest(address, mailboxId, '重要なお知らせ');
    await ingest(address, mailboxId, '普通のお知らせ');
    const items = (await agent.get(`/api/tickets?mailboxId=${mailboxId}&label=${vip.id}`).expect(200)).body.items as { subject: string; labels: LabelRef[] }[];
    const important = items.find((x) => x.subject === '重要なお知らせ');
    expect(important!.labels.map((l) => l.name).sort()).toEqual(['VIP', '大至急'].sort());
    expect(items.some((x) => x.subject === '普通のお知らせ')).toBe(false);
    const detail = (await agent.get(`/api/tickets/${(important as unknown as { id: number }).id}`).expect(200)).body;
    expect(detail.ruleLog[0].actions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'addLabel', labelId: vip.id, labelName: 'VIP' })]));
  });

  it('deletes a label: off every ticket, out of the rules that added it (a rule left empty is switched off)', async () => {
    const only = (await admin.post(`/api/mailboxes/${mailboxId}/rules`, { name: 'VIP だけ', match: 'all', conditions: [], actions: [{ type: 'addLabel', labelId: vip.id }] }).expect(201)).body;
    await admin.delete(`/api/labels/${vip.id}`).expect(204);
    await admin.delete(`/api/labels/${vip.id}`).expect(404);
    expect(await labelsOn(agent, first)).toEqual(['大至急']);
    expect(await listed(`label=${vip.id}`)).toEqual([]);
    const rules = (await admin.get(`/api/mailboxes/${mailboxId}/rules`).expect(200)).body as { id: number; name: string; actions: unknown[]; active: boolean }[];
    expect(rules.find((r) => r.name === 'VIP 客')!.actions).toEqual([{ type: 'addLabel', labelId: urgent.id }]);
    const emptied = rules.find((r) => r.id === only.id)!;
    expect(emptied).toMatchObject({ actions: [], active: false });
    const catalogue = (await admin.get(`/api/mailboxes/${mailboxId}/labels`).expect(200)).body as LabelRef[];
    expect(catalogue.map((l) => l.name)).toEqual(['大至急']);
  });
});
