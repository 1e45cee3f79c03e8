import { AuditEntry } from '@madoguchi/core';
import { cookieOf, listen, openStream as openSse, Stream as SseStream } from '@test/support/sse';
import { DB_KINDS } from '@test/support/databases';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { DataSource } from 'typeorm';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface CallEvent {
  type: string;
  entryId: number | null;
  customerIds: number[];
  phone: string;
  event: string;
}

type Stream = SseStream<CallEvent>;
const openStream = (port: number, cookie: string) => openSse<CallEvent>(port, cookie);

/** Waits up to `ms` for a call event of the entry; answers it, or undefined. */
async function callSeen(
  s: Stream,
  entryId: number | null,
  phone: string,
  ms: number,
): Promise<CallEvent | undefined> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(25)) {
    const e = s.events.find((x) => x.type === 'call' && x.entryId === entryId && x.phone === phone);
    if (e) return e;
  }
  return undefined;
}

/** Incoming calls (issue #12 points 7 and 12): CTI tokens, the webhook, matching, the pop-up over the live stream. */
describe.each(DB_KINDS)('incoming calls (CTI) on %s', (kind) => {
  let t: TestApp;
  let port: number;
  let admin: Session;
  let reader: Session;
  let token: string;
  let tokenId: number;
  let known: number;
  let twinA: number;
  let twinB: number;
  let other: number;
  const password = 'cti-pass-12345';
  const emails = { reader: `cti-reader-${kind}@test.local`, outsider: `cti-outsider-${kind}@test.local` };
  let seq = 0;
  const callId = (label: string) => `${label}-${kind}-${++seq}`;

  const post = (body: object, bearer = token) =>
    t.http.post('/api/cti/calls').set('Authorization', `Bearer ${bearer}`).send(body);
  const historyOf = async (customerId: number) =>
    (await admin.get(`/api/customers/${customerId}/history`).expect(200)).body as {
      items: {
        id: number;
        title: string;
        state: string;
        kind: string;
        call: Record<string, unknown> | null;
        customerId: number;
      }[];
      total: number;
    };

  beforeAll(async () => {
    t = await startTestApp(kind);
    port = await listen(t);
    admin = await t.login();
    const readers = (
      await admin
        .post('/api/groups', { name: `顧客閲覧-${kind}`, rights: ['customers.read'], mailboxRights: [] })
        .expect(201)
    ).body.id as number;
    await admin
      .post('/api/users', { email: emails.reader, name: 'reader', password, groupIds: [readers] })
      .expect(201);
    await admin
      .post('/api/users', { email: emails.outsider, name: 'outsider', password, groupIds: [] })
      .expect(201);
    reader = await t.login(emails.reader, password);
    const created = (await admin.post('/api/settings/cti-tokens', { name: '構内PBX' }).expect(201)).body;
    token = created.token;
    tokenId = created.id;
    known = (
      await admin
        .post('/api/customers', {
          lastName: '着信',
          firstName: '太郎',
          tel: '090-4169-1658',
          branch: '東京本店',
        })
        .expect(201)
    ).body.id;
    twinA = (
      await admin
        .post('/api/customers', { lastName: '双子', firstName: '一郎', mobile: '080-5555-6666' })
        .expect(201)
    ).body.id;
    twinB = (
      await admin
        .post('/api/customers', { lastName: '双子', firstName: '二郎', tel: '08055556666' })
        .expect(201)
    ).body.id;
    other = (await admin.post('/api/customers', { lastName: '別人', firstName: '三郎' }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lets an administrator create, list and delete CTI tokens, the text shown once, audited', async () => {
    expect(token).toMatch(/^mdg_cti_/);
    const list = (await admin.get('/api/settings/cti-tokens').expect(200)).body as Record<string, unknown>[];
    const row = list.find((x) => x.id === tokenId)!;
    expect(row).toMatchObject({ name: '構内PBX', createdBy: 'admin@test.local', lastUsedAt: null });
    expect(JSON.stringify(list)).not.toContain(token);
    expect(Object.keys(row)).not.toContain('tokenHash');
    // Not an ordinary API token: the token list of /api/auth/tokens does not show it.
    expect(
      ((await admin.get('/api/auth/tokens').expect(200)).body as { id: number }[]).map((x) => x.id),
    ).not.toContain(tokenId);

    const spare = (await admin.post('/api/settings/cti-tokens', { name: '予備' }).expect(201)).body as {
      id: number;
      token: string;
    };
    await post({ callId: callId('spare'), from: '0312345678', event: 'ringing' }, spare.token).expect(201);
    await admin.delete(`/api/settings/cti-tokens/${spare.id}`).expect(204);
    await admin.delete(`/api/settings/cti-tokens/${spare.id}`).expect(404);
    const revoked = await post(
      { callId: callId('spare'), from: '0312345678', event: 'ringing' },
      spare.token,
    ).expect(401);
    expect(revoked.body.error).toBe('UNAUTHENTICATED');
    expect(
      ((await admin.get('/api/settings/cti-tokens').expect(200)).body as { id: number }[]).map((x) => x.id),
    ).not.toContain(spare.id);

    const audit = await t.app
      .get(DataSource)
      .getRepository(AuditEntry)
      .find({ where: { entity: 'cti_token', entityId: String(spare.id) }, order: { id: 'ASC' } });
    expect(audit.map((a) => a.action)).toEqual(['create', 'delete']);
  });

  it('refuses CTI token management to anyone but an administrator', async () => {
    for (const s of [reader, await t.login(emails.outsider, password)]) {
      await s.get('/api/settings/cti-tokens').expect(403);
      await s.post('/api/settings/cti-tokens', { name: 'x' }).expect(403);
      await s.delete(`/api/settings/cti-tokens/${tokenId}`).expect(403);
    }
    await t.http.get('/api/settings/cti-tokens').expect(401);
    await admin.post('/api/settings/cti-tokens', {}).expect(400);
    await admin.post('/api/settings/cti-tokens', { name: 'x'.repeat(101) }).expect(400);
  });

  it('matches a known number written hyphenated, bare or with +81, one entry each on the customer', async () => {
    const before = (await historyOf(known)).total;
    const entryIds: number[] = [];
    for (const from of [
      '090-4169-1658',
      '09041691658',
      '+81 90 4169 1658',
      '+819041691658',
      '０９０−４１６９−１６５８',
    ]) {
      const res = await post({ callId: callId('known'), from, to: '0312340000', event: 'ringing' }).expect(
        201,
      );
      expect(res.body).toEqual({ entryId: expect.any(Number), customerIds: [known] });
      entryIds.push(res.body.entryId);
    }
    const history = await historyOf(known);
    expect(history.total).toBe(before + 5);
    const entry = history.items.find((e) => e.id === entryIds[0])!;
    expect(entry).toMatchObject({
      title: '電話着信あり 09041691658',
      state: 'waiting',
      kind: 'call',
      customerId: known,
    });
    expect(entry.call).toMatchObject({
      from: '09041691658',
      to: '0312340000',
      candidateIds: [],
      answeredBy: null,
      durationSeconds: null,
    });
    // The token was used: the settings list says when.
    const row = (
      (await admin.get('/api/settings/cti-tokens').expect(200)).body as {
        id: number;
        lastUsedAt: string | null;
      }[]
    ).find((x) => x.id === tokenId)!;
    expect(row.lastUsedAt).not.toBeNull();
  });

  it('writes one entry for one callId: the same call again answers 200 with the same entry, also when posted at once', async () => {
    const id = callId('dup');
    const first = await post({ callId: id, from: '090-4169-1658', event: 'ringing' }).expect(201);
    const again = await post({ callId: id, from: '090-4169-1658', event: 'ringing' }).expect(200);
    expect(again.body).toEqual(first.body);
    const entries = (await historyOf(known)).items.filter(
      (e) => (e.call as { callId?: string } | null)?.callId === id,
    );
    expect(entries).toHaveLength(1);

    const together = callId('race');
    const answers = await Promise.all(
      [1, 2, 3].map(() => post({ callId: together, from: '09041691658', event: 'ringing' })),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(answers.map((r) => r.body.entryId)).size).toBe(1);
  });

  it('adds who answered and the duration from the later events of the call', async () => {
    const id = callId('talk');
    const ringing = await post({
      callId: id,
      from: '09041691658',
      event: 'ringing',
      at: '2026-03-01T10:00:00.000Z',
    }).expect(201);
    const answered = await post({
      callId: id,
      from: '09041691658',
      event: 'answered',
      answeredBy: '内線201 鈴木',
      at: '2026-03-01T10:00:05.000Z',
    }).expect(200);
    expect(answered.body).toEqual(ringing.body);
    await post({ callId: id, from: '09041691658', event: 'ended', at: '2026-03-01T10:01:35.000Z' }).expect(
      200,
    );
    // A redelivered event changes nothing.
    await post({
      callId: id,
      from: '09041691658',
      event: 'answered',
      answeredBy: '別の人',
      at: '2026-03-01T10:09:00.000Z',
    }).expect(200);
    const entry = (await admin.get(`/api/history/${ringing.body.entryId}`).expect(200)).body;
    expect(entry.createdAt).toBe('2026-03-01T10:00:00.000Z');
    expect(entry.call).toMatchObject({
      callId: id,
      answeredBy: '内線201 鈴木',
      answeredAt: '2026-03-01T10:00:05.000Z',
      endedAt: '2026-03-01T10:01:35.000Z',
      durationSeconds: 90,
    });
    expect(entry.call.events.map((e: { event: string }) => e.event)).toEqual([
      'ringing',
      'answered',
      'ended',
    ]);
    expect(entry).toMatchObject({ title: '電話着信あり 09041691658', state: 'waiting' });
  });

  it('writes an unknown caller without a customer; linking moves the entry onto the customer chosen', async () => {
    const res = await post({ callId: callId('unknown'), from: '03-9999-0000', event: 'ringing' }).expect(201);
    expect(res.body.customerIds).toEqual([]);
    const entry = (await admin.get(`/api/history/${res.body.entryId}`).expect(200)).body;
    expect(entry).toMatchObject({
      customerId: null,
      title: '電話着信あり 0399990000',
      kind: 'call',
      phone: '0399990000',
    });
    await reader.post(`/api/history/${res.body.entryId}/link`, { customerId: other }).expect(403);
    const linked = (
      await admin.post(`/api/history/${res.body.entryId}/link`, { customerId: other }).expect(200)
    ).body;
    expect(linked.customerId).toBe(other);
    expect((await historyOf(other)).items.map((e) => e.id)).toContain(res.body.entryId);
    // A later event of the call keeps it there.
    const ended = await post({ callId: entry.call.callId, from: '03-9999-0000', event: 'ended' }).expect(200);
    expect(ended.body).toEqual({ entryId: res.body.entryId, customerIds: [other] });
  });

  it('lists every customer with the number when there are several; the entry waits to be linked', async () => {
    const res = await post({ callId: callId('twins'), from: '080-5555-6666', event: 'ringing' }).expect(201);
    expect(res.body.customerIds).toEqual([twinA, twinB]);
    const entry = (await admin.get(`/api/history/${res.body.entryId}`).expect(200)).body;
    expect(entry.customerId).toBeNull();
    expect(entry.call.candidateIds).toEqual([twinA, twinB]);
    expect((await historyOf(twinA)).items.map((e) => e.id)).not.toContain(res.body.entryId);
    const linked = (
      await admin.post(`/api/history/${res.body.entryId}/link`, { customerId: twinB }).expect(200)
    ).body;
    expect(linked).toMatchObject({ customerId: twinB, call: { candidateIds: [] } });
  });

  it('answers 401 without a token or with a wrong one, 403 for a session or an ordinary API token', async () => {
    const body = { callId: callId('auth'), from: '09041691658', event: 'ringing' };
    await t.http.post('/api/cti/calls').send(body).expect(401);
    await post(body, 'mdg_cti_not-a-real-token').expect(401);
    await post(body, `${token}x`).expect(401);
    await t.http
      .post('/api/cti/calls')
      .set('Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`)
      .send(body)
      .expect(401);
    // A signed-in browser has no bearer header: it is not the phone system.
    await admin.post('/api/cti/calls', body).expect(401);
    const apiToken = (await admin.post('/api/auth/tokens', { name: 'script' }).expect(201)).body
      .token as string;
    const res = await post(body, apiToken).expect(403);
    expect(res.body.error).toBe('CTI_TOKEN_REQUIRED');
    // Nothing was written by any of these.
    expect(
      (await historyOf(known)).items.some(
        (e) => (e.call as { callId?: string } | null)?.callId === body.callId,
      ),
    ).toBe(false);
  });

  it('refuses a CTI token on every other route with 403 CTI_TOKEN_SCOPE', async () => {
    const bearer = (r: import('supertest').Test) => r.set('Authorization', `Bearer ${token}`);
    for (const r of [
      bearer(t.http.get('/api/customers')),
      bearer(t.http.get('/api/auth/me')),
      bearer(t.http.get(`/api/customers/${known}/history`)),
      bearer(t.http.get('/api/settings/cti-tokens')),
      bearer(t.http.post('/api/settings/cti-tokens').send({ name: 'more' })),
      bearer(t.http.post('/api/auth/tokens').send({ name: 'escalate' })),
      bearer(t.http.get('/api/events')),
    ]) {
      const res = await r.expect(403);
      expect(res.body.error).toBe('CTI_TOKEN_SCOPE');
    }
    // Nor does it open the API docs.
    await bearer(t.http.get('/api/docs-json')).expect(401);
  });

  it('answers a number that cannot be a phone number with 400', async () => {
    for (const from of ['abc', '12', 'anonymous', '090-4169-1658; DROP', '+', '１２']) {
      const res = await post({ callId: callId('bad'), from, event: 'ringing' }).expect(400);
      expect(res.body.fieldCodes.from).toEqual([{ code: 'PHONE_INVALID' }]);
    }
  });

  it('answers missing or oversized fields with 400', async () => {
    const ok = { callId: callId('limits'), from: '09041691658', event: 'ringing' };
    const bad: [string, object][] = [
      ['callId', { ...ok, callId: undefined }],
      ['callId', { ...ok, callId: 'x'.repeat(101) }],
      ['callId', { ...ok, callId: 'with space' }],
      ['callId', { ...ok, callId: 42 }],
      ['from', { ...ok, from: undefined }],
      ['from', { ...ok, from: '0'.repeat(31) }],
      ['to', { ...ok, to: '0'.repeat(31) }],
      ['event', { ...ok, event: undefined }],
      ['event', { ...ok, event: 'hangup' }],
      ['answeredBy', { ...ok, event: 'answered', answeredBy: 'x'.repeat(101) }],
      ['at', { ...ok, at: 'yesterday' }],
    ];
    for (const [field, body] of bad) {
      const res = await post(body).expect(400);
      expect(Object.keys(res.body.fieldCodes ?? res.body.fields ?? {})).toContain(field);
    }
    await post({ ...ok, callId: 'x'.repeat(100) }).expect(201);
  });

  it('pops up on the live stream of those who may read customers, on this instance and on another', async () => {
    const readerCookie = await cookieOf(t, emails.reader, password);
    const outsiderCookie = await cookieOf(t, emails.outsider, password);
    const second = await startTestApp(kind, {}, t.db);
    try {
      const secondPort = await listen(second);
      const here = await openStream(port, readerCookie);
      const outsider = await openStream(port, outsiderCookie);
      const there = await openStream(secondPort, await cookieOf(second, emails.reader, password));
      try {
        const started = Date.now();
        const id = callId('live');
        const res = await post({ callId: id, from: '090-4169-1658', event: 'ringing' }).expect(201);
        const seen = await callSeen(here, res.body.entryId, '09041691658', 1000);
        expect(seen).toEqual({
          type: 'call',
          entryId: res.body.entryId,
          customerIds: [known],
          phone: '09041691658',
          event: 'ringing',
        });
        // The other instance reads it from the database within a second.
        expect(await callSeen(there, res.body.entryId, '09041691658', 1000)).toMatchObject({
          customerIds: [known],
          event: 'ringing',
        });
        expect(Date.now() - started).toBeLessThan(2000);

        // A later event is told too, once per instance.
        await post({ callId: id, from: '09041691658', event: 'answered', answeredBy: '201' }).expect(200);
        for (const s of [here, there]) {
          for (
            const end = Date.now() + 1500;
            Date.now() < end &&
            !s.events.some((e) => e.entryId === res.body.entryId && e.event === 'answered');
          )
            await sleep(25);
          expect(
            s.events.filter((e) => e.entryId === res.body.entryId && e.event === 'answered'),
          ).toHaveLength(1);
        }
        // Agents editing an old call entry elsewhere does not pop it up again.
        await admin.patch(`/api/history/${res.body.entryId}`, { state: 'done' }).expect(200);
        await sleep(1500);
        expect(there.events.filter((e) => e.entryId === res.body.entryId)).toHaveLength(2);
        expect(outsider.events.filter((e) => e.type === 'call')).toEqual([]);
      } finally {
        here.stop();
        outsider.stop();
        there.stop();
      }
    } finally {
      await second.close();
    }
  });

  it('with automatic history of incoming calls switched off, writes nothing but still pops up', async () => {
    const settings = (await admin.get('/api/settings/auto-history').expect(200)).body as {
      events: { event: string; enabled: boolean }[];
    };
    const off = settings.events.map((e) => (e.event === 'incoming_call' ? { ...e, enabled: false } : e));
    await admin.put('/api/settings/auto-history', { events: off }).expect(200);
    const stream = await openStream(port, await cookieOf(t, emails.reader, password));
    try {
      const before = (await historyOf(known)).total;
      const id = callId('off');
      const res = await post({ callId: id, from: '090-4169-1658', event: 'ringing' }).expect(200);
      expect(res.body).toEqual({ entryId: null, customerIds: [known] });
      expect(await callSeen(stream, null, '09041691658', 1000)).toMatchObject({
        customerIds: [known],
        event: 'ringing',
      });
      await post({ callId: id, from: '090-4169-1658', event: 'ended' }).expect(200);
      expect((await historyOf(known)).total).toBe(before);
    } finally {
      stream.stop();
      await admin.put('/api/settings/auto-history', { events: settings.events }).expect(200);
    }
  });
});
