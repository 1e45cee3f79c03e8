import { Clock, Conflict, dataSourceOptions, loadConfig, runMigrations, serializeSqlite } from '@madoguchi/core';
import { Reply, REPLY_WORKFLOW, Ticket, TICKET_WORKFLOW } from '@madoguchi/tickets';
import { ReplyApprovalEvent, WorkflowRunner, WorkflowTransition } from '@madoguchi/workflow';
import { createTestDatabase, DB_KINDS, TestDatabase } from '@test/support/databases';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';

jest.setTimeout(60_000);

const ACTOR = { userId: null, label: 'test' };

/** The one runner on a real database: lock, refusal, next state, log row — all or nothing. */
describe.each(DB_KINDS)('workflow runner on %s', (kind) => {
  let db: TestDatabase;
  let ds: DataSource;
  const runner = new WorkflowRunner(new Clock());
  let ticketId: number;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    const config = loadConfig({ env: {}, configDir: resolve(__dirname, '../../config'), baseDir: tmpdir(), overrides: { DATABASE_URL: db.url, SECRET_KEY: 'c'.repeat(64) } });
    await runMigrations(config.database);
    ds = new DataSource(dataSourceOptions(config.database, [Ticket, Reply, WorkflowTransition]));
    await ds.initialize();
    serializeSqlite(ds);
    await ds.query('INSERT INTO mailbox (name, address, created_at, updated_at) VALUES (?, ?, ?, ?)', ['runner', 'runner@example.jp', '2026-11-29 00:00:00.000', '2026-11-29 00:00:00.000']);
    const [{ id: mailboxId }] = await ds.query("SELECT id FROM mailbox WHERE address = 'runner@example.jp'");
    const now = new Date();
    const res = await ds.getRepository(Ticket).insert({
      code: 'IQ900001', mailboxId, folderId: null, state: 'unhandled', stateVersion: 1, stateContext: null, stateChangedAt: now, version: 1,
      subject: '件名', channel: 'email', customerId: null, assigneeId: null, contactAddress: null, contactName: null, unread: true, spam: false,
      mentionsTicketId: null, createdAt: now, lastActivityAt: now,
    });
    ticketId = res.identifiers[0].id as number;
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const logFor = () => ds.getRepository(WorkflowTransition).find({ where: { ticketId, machine: 'ticket' }, order: { id: 'ASC' } });

  it('applies an event: next state, context, version and an append-only log row', async () => {
    const applied = await ds.transaction((m) => runner.apply(m, TICKET_WORKFLOW, ticketId, { type: 'MARK_HANDLED' }, ACTOR, { reason: '電話で対応' }));
    expect(applied).toMatchObject({ applied: true, from: 'unhandled', to: 'handled', actions: [] });
    const row = await ds.getRepository(Ticket).findOneByOrFail({ id: ticketId });
    expect(row).toMatchObject({ state: 'handled', version: 2, stateVersion: TICKET_WORKFLOW.version });
    expect(JSON.parse(row.stateContext!)).toEqual({ rejectReason: null, holdUntil: null });
    expect((await logFor()).map((r) => [r.fromState, r.toState, r.event, r.reason, r.actorLabel])).toEqual([['unhandled', 'handled', 'MARK_HANDLED', '電話で対応', 'test']]);
  });

  it('refuses an event the state cannot take with a readable 409, writing nothing', async () => {
    const err = await ds.transaction((m) => runner.apply(m, TICKET_WORKFLOW, ticketId, { type: 'MARK_HANDLED' }, ACTOR)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Conflict);
    expect((err as Conflict).message).toMatch(/already handled/);
    expect((await ds.getRepository(Ticket).findOneByOrFail({ id: ticketId })).version).toBe(2);
    expect(await logFor()).toHaveLength(1);
    // ifPossible: a no-op instead of an error.
    const skipped = await ds.transaction((m) => runner.apply(m, TICKET_WORKFLOW, ticketId, { type: 'MARK_HANDLED' }, ACTOR, { ifPossible: 'the test says so' }));
    expect(skipped.applied).toBe(false);
  });

  it('rolls the state and its log back together when the rest of the transaction fails', async () => {
    await expect(
      ds.transaction(async (m) => {
        await runner.apply(m, TICKET_WORKFLOW, ticketId, { type: 'REOPEN' }, ACTOR);
        throw new Error('the outbox write failed');
      }),
    ).rejects.toThrow('the outbox write failed');
    expect((await ds.getRepository(Ticket).findOneByOrFail({ id: ticketId })).state).toBe('handled');
    expect(await logFor()).toHaveLength(1);
  });

  it('serialises concurrent transactions applying the same event: exactly one wins', async () => {
    await ds.getRepository(Ticket).update({ id: ticketId }, { state: 'handled' });
    const attempt = () => ds.transaction((m) => runner.apply(m, TICKET_WORKFLOW, ticketId, { type: 'REOPEN' }, ACTOR)).then(() => 'ok', (e: unknown) => (e instanceof Conflict ? 'refused' : String(e)));
    const results = await Promise.all([attempt(), attempt(), attempt()]);
    expect(results.sort()).toEqual(['ok', 'refused', 'refused']);
  });

  it('drives the reply machine the same way', async () => {
    const now = new Date();
    const res = await ds.getRepository(Reply).insert({
      ticketId, mailboxId: (await ds.getRepository(Ticket).findOneByOrFail({ id: ticketId })).mailboxId, authorId: null, state: 'draft', stateContext: null,
      stateVersion: 1, stateChangedAt: now, version: 1, toJson: ['a@example.jp'], ccJson: [], bccJson: [], subject: 's', bodyText: 't', attachmentsJson: [],
      senderTemplateId: null, signatureTemplateId: null, sendAt: null, previousSubject: null, previousText: null, articleId: null, createdAt: now, updatedAt: now,
    });
    const id = res.identifiers[0].id as number;
    const submit: ReplyApprovalEvent = { type: 'SUBMIT', actorId: 0, steps: [{ approverGroupIds: [1] }] };
    // No handler for the transition's effect: refused, and nothing of the transition is kept.
    await expect(ds.transaction((m) => runner.apply(m, REPLY_WORKFLOW, id, submit, ACTOR))).rejects.toThrow(/No effect handler for reply.notifyApprovers/);
    expect((await ds.getRepository(Reply).findOneByOrFail({ id })).state).toBe('draft');

    // The runner writes each effect through its handler, inside the same transaction.
    const written: { step: unknown; state: string; inTransaction: boolean }[] = [];
    runner.registerEffects(REPLY_WORKFLOW, {
      notifyApprovers: async (m, e) => {
        written.push({ step: e.params.step, state: (await m.findOneByOrFail(Reply, { id: e.row.id })).state, inTransaction: m.queryRunner?.isTransactionActive ?? false });
      },
    });
    const applied = await ds.transaction((m) => runner.apply(m, REPLY_WORKFLOW, id, submit, ACTOR));
    expect(applied).toMatchObject({ to: 'awaiting_approval', actions: [{ type: 'notifyApprovers', params: { step: 1 } }] });
    expect(written).toEqual([{ step: 1, state: 'awaiting_approval', inTransaction: true }]);

    // A handler that fails rolls the transition back with it.
    await ds.getRepository(Reply).update({ id }, { state: 'draft', stateContext: null });
    runner.registerEffects(REPLY_WORKFLOW, {
      notifyApprovers: async () => {
        throw new Error('the notification insert failed');
      },
    });
    await expect(ds.transaction((m) => runner.apply(m, REPLY_WORKFLOW, id, submit, ACTOR))).rejects.toThrow('the notification insert failed');
    expect((await ds.getRepository(Reply).findOneByOrFail({ id })).state).toBe('draft');
  });
});
