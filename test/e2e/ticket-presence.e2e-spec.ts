import { IntakeService } from '@madoguchi/mail';
import { cookieOf, listen, openStream as openSse, Stream as SseStream } from '@test/support/sse';
import { PresenceEvents, TicketPresence } from '@madoguchi/tickets';
import { DB_KINDS } from '@test/support/databases';
import { rawMail } from '@test/support/mail-builder';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { DataSource } from 'typeorm';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Stream = SseStream<{ type: string; ticketId: number; mailboxId: number }>;
const openStream = (port: number, cookie: string) => openSse<{ type: string; ticketId: number; mailboxId: number }>(port, cookie);

/** Waits up to `ms` for the stream to have a presence event of the ticket; answers whether it came. */
async function presenceSeen(s: Stream, ticketId: number, ms: number, from = 0): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) {
    if (s.events.slice(from).some((e) => e.type === 'presence' && e.ticketId === ticketId)) return true;
  }
  return false;
}

/** Collision warnings and server-side drafts (issue #13 point 8): presence, SSE across instances, drafts, the send guard. */
describe.each(DB_KINDS)('presence, drafts and the send guard on %s', (kind) => {
  let t: TestApp;
  let port: number;
  let admin: Session;
  let alice: Session;
  let bob: Session;
  let viewer: Session;
  let outsider: Session;
  let mailboxId: number;
  let aliceId: number;
  let bobId: number;
  let viewerGroup: number;
  let ticket: number;
  let hidden: number;
  const address = `presence-${kind}@example.jp`;
  const password = 'presence-pass-123';
  const emails = {
    alice: `p-alice-${kind}@test.local`,
    bob: `p-bob-${kind}@test.local`,
    viewer: `p-viewer-${kind}@test.local`,
    outsider: `p-outsider-${kind}@test.local`,
  };
  let seq = 0;

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
          messageId: `${subject}-${++seq}-${kind}@example.jp`,
        }),
        { kind: 'smtp' },
      );
  };
  const newestArticle = async (s: Session, id: number) => {
    const articles = (await s.get(`/api/tickets/${id}`).expect(200)).body.articles as { id: number }[];
    return Math.max(...articles.map((a) => a.id));
  };

  beforeAll(async () => {
    t = await startTestApp(kind);
    port = await listen(t);
    admin = await t.login();
    mailboxId = (
      await admin
        .post('/api/mailboxes', {
          name: '在席',
          address,
          smtp: { host: '127.0.0.1', port: 9, secure: false },
        })
        .expect(201)
    ).body.id;
    const otherMailboxId = (
      await admin
        .post('/api/mailboxes', { name: '別窓口', address: `presence-other-${kind}@example.jp` })
        .expect(201)
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
    const agents = await group('在席担当', true);
    viewerGroup = await group('在席閲覧', false);
    const user = async (email: string, name: string, groupIds: number[]) =>
      (await admin.post('/api/users', { email, name, password, groupIds, active: true }).expect(201)).body
        .id as number;
    aliceId = await user(emails.alice, '佐藤 花子', [agents]);
    bobId = await user(emails.bob, '田中 太郎', [agents]);
    await user(emails.viewer, '鈴木 一郎', [viewerGroup]);
    await user(emails.outsider, '部外者', []);
    alice = await t.login(emails.alice, password);
    bob = await t.login(emails.bob, password);
    viewer = await t.login(emails.viewer, password);
    outsider = await t.login(emails.outsider, password);
    await ingest(address, mailboxId, 'presence-first');
    await ingest(`presence-other-${kind}@example.jp`, otherMailboxId, 'presence-hidden');
    const items = (await admin.get('/api/tickets').expect(200)).body.items as {
      id: number;
      subject: string;
    }[];
    ticket = items.find((x) => x.subject === 'presence-first')!.id;
    hidden = items.find((x) => x.subject === 'presence-hidden')!.id;
  });
  afterAll(async () => {
    t?.app.getHttpServer().closeAllConnections();
    await t?.close();
  });

  describe('presence', () => {
    afterEach(async () => {
      for (const s of [alice, bob, viewer]) await s.delete(`/api/tickets/${ticket}/presence?session=tab-1`);
    });

    it('shows who else has the ticket open and who is writing, never the caller', async () => {
      await alice.post(`/api/tickets/${ticket}/presence`, { composing: false, session: 'tab-1' }).expect(204);
      const seenByBob = (await bob.get(`/api/tickets/${ticket}/presence`).expect(200)).body;
      expect(seenByBob).toEqual([
        { userId: aliceId, name: '佐藤 花子', composing: false, since: expect.any(String) },
      ]);
      expect((await alice.get(`/api/tickets/${ticket}/presence`).expect(200)).body).toEqual([]);

      await alice.post(`/api/tickets/${ticket}/presence`, { composing: true, session: 'tab-1' }).expect(204);
      const composing = (await bob.get(`/api/tickets/${ticket}/presence`).expect(200)).body;
      expect(composing).toEqual([
        { userId: aliceId, name: '佐藤 花子', composing: true, since: seenByBob[0].since },
      ]);
      // A second tab of the same user is one person, writing if any tab writes.
      await alice.post(`/api/tickets/${ticket}/presence`, { composing: false, session: 'tab-2' }).expect(204);
      expect((await bob.get(`/api/tickets/${ticket}/presence`).expect(200)).body).toEqual(composing);
      await alice.delete(`/api/tickets/${ticket}/presence?session=tab-2`).expect(204);

      // The list's 対応中 badge: only visible tickets someone else has open.
      await bob.post(`/api/tickets/${ticket}/presence`, { composing: false, session: 'tab-1' }).expect(204);
      const badge = (await viewer.get(`/api/presence?ticketIds=${ticket},${hidden},999999`).expect(200)).body;
      expect(badge).toEqual([
        {
          ticketId: ticket,
          users: [
            { userId: aliceId, name: '佐藤 花子', composing: true, since: expect.any(String) },
            { userId: bobId, name: '田中 太郎', composing: false, since: expect.any(String) },
          ],
        },
      ]);
      expect((await outsider.get(`/api/presence?ticketIds=${ticket}`).expect(200)).body).toEqual([]);

      await alice.delete(`/api/tickets/${ticket}/presence?session=tab-1`).expect(204);
      expect((await bob.get(`/api/tickets/${ticket}/presence`).expect(200)).body).toEqual([]);
    });

    it('answers 404 for a hidden ticket as for an unknown one, 401 without sign-in, 400 for bad input', async () => {
      const hiddenRes = await outsider.get(`/api/tickets/${ticket}/presence`).expect(404);
      const unknownRes = await outsider.get('/api/tickets/999999/presence').expect(404);
      expect(hiddenRes.body.error).toBe('TICKET_NOT_FOUND');
      expect(Object.keys(hiddenRes.body).sort()).toEqual(Object.keys(unknownRes.body).sort());
      await outsider.post(`/api/tickets/${ticket}/presence`, { composing: false }).expect(404);
      await outsider.delete(`/api/tickets/${ticket}/presence`).expect(404);
      await alice.post(`/api/tickets/${hidden}/presence`, { composing: false }).expect(404);
      await t.http.post(`/api/tickets/${ticket}/presence`).send({ composing: false }).expect(401);
      await t.http.get(`/api/tickets/${ticket}/presence`).expect(401);
      await t.http.delete(`/api/tickets/${ticket}/presence`).expect(401);
      await t.http.get(`/api/presence?ticketIds=${ticket}`).expect(401);
      for (const body of [
        {},
        { composing: 'yes' },
        { composing: true, session: 'x'.repeat(65) },
        { composing: true, session: 'a b' },
      ]) {
        const res = await alice.post(`/api/tickets/${ticket}/presence`, body).expect(400);
        expect(res.body.error).toBe('VALIDATION_FAILED');
      }
      for (const q of [
        '',
        '?ticketIds=',
        '?ticketIds=a,b',
        '?ticketIds=-1',
        `?ticketIds=${Array.from({ length: 201 }, (_, i) => i + 1).join(',')}`,
        '?ticketIds=99999999999',
      ]) {
        const res = await alice.get(`/api/presence${q}`).expect(400);
        expect(res.body.error).toBe('VALIDATION_FAILED');
      }
      // The viewer (view, no reply) may be seen and see.
      await viewer
        .post(`/api/tickets/${ticket}/presence`, { composing: false, session: 'tab-1' })
        .expect(204);
      expect(
        (await alice.get(`/api/tickets/${ticket}/presence`).expect(200)).body.map(
          (u: { name: string }) => u.name,
        ),
      ).toEqual(['鈴木 一郎']);
    });

    it('lets rows go stale after 15 s without a heartbeat, and tells the streams so', async () => {
      const stream = await openStream(port, await cookieOf(t, emails.bob, password));
      try {
        await sleep(1300); // the relay's first look learns who is there
        await alice
          .post(`/api/tickets/${ticket}/presence`, { composing: false, session: 'tab-1' })
          .expect(204);
        expect(await presenceSeen(stream, ticket, 1000)).toBe(true);
        const from = stream.events.length;
        // A heartbeat that changes nothing tells nothing.
        await alice
          .post(`/api/tickets/${ticket}/presence`, { composing: false, session: 'tab-1' })
          .expect(204);
        await sleep(1300);
        expect(stream.events.slice(from)).toEqual([]);

        await t.app
          .get(DataSource)
          .getRepository(TicketPresence)
          .update({ userId: aliceId }, { seenAt: new Date(Date.now() - 16_000) });
        expect((await bob.get(`/api/tickets/${ticket}/presence`).expect(200)).body).toEqual([]);
        expect(await presenceSeen(stream, ticket, 2500, from)).toBe(true);
        expect(stream.events.slice(from)).toEqual([{ type: 'presence', ticketId: ticket, mailboxId }]);
        // Coming back after going stale starts anew.
        await alice
          .post(`/api/tickets/${ticket}/presence`, { composing: false, session: 'tab-1' })
          .expect(204);
        expect((await bob.get(`/api/tickets/${ticket}/presence`).expect(200)).body).toHaveLength(1);
      } finally {
        stream.stop();
      }
    });

    it('pushes presence only to users who may view the mailbox, and stops when the view right is revoked', async () => {
      const viewerStream = await openStream(port, await cookieOf(t, emails.viewer, password));
      const outsiderStream = await openStream(port, await cookieOf(t, emails.outsider, password));
      try {
        await alice
          .post(`/api/tickets/${ticket}/presence`, { composing: true, session: 'tab-1' })
          .expect(204);
        expect(await presenceSeen(viewerStream, ticket, 1000)).toBe(true);
        expect(outsiderStream.events).toEqual([]);

        await admin.patch(`/api/groups/${viewerGroup}`, { mailboxRights: [] }).expect(200);
        const from = viewerStream.events.length;
        await alice
          .post(`/api/tickets/${ticket}/presence`, { composing: false, session: 'tab-1' })
          .expect(204);
        await alice.delete(`/api/tickets/${ticket}/presence?session=tab-1`).expect(204);
        expect(await presenceSeen(viewerStream, ticket, 2500, from)).toBe(false);
        await viewer.get(`/api/tickets/${ticket}/presence`).expect(404);
        await viewer.post(`/api/tickets/${ticket}/presence`, { composing: false }).expect(404);
        expect((await viewer.get(`/api/presence?ticketIds=${ticket}`).expect(200)).body).toEqual([]);
      } finally {
        viewerStream.stop();
        outsiderStream.stop();
        await admin
          .patch(`/api/groups/${viewerGroup}`, {
            mailboxRights: [{ mailboxId, view: true, reply: false, approve: false, manage: false }],
          })
          .expect(200);
      }
    });

    it('is seen across two server instances sharing one database, on the other one’s stream within 2 s', async () => {
      const other = await startTestApp(kind, {}, t.db);
      try {
        const otherPort = await listen(other);
        const stream = await openStream(otherPort, await cookieOf(other, emails.bob, password));
        try {
          await sleep(1300);
          expect(other.app.get(PresenceEvents)).not.toBe(t.app.get(PresenceEvents));
          const started = Date.now();
          await alice
            .post(`/api/tickets/${ticket}/presence`, { composing: true, session: 'tab-1' })
            .expect(204);
          expect(await presenceSeen(stream, ticket, 2500)).toBe(true);
          expect(Date.now() - started).toBeLessThan(2500);
          const bobThere = await other.login(emails.bob, password);
          expect((await bobThere.get(`/api/tickets/${ticket}/presence`).expect(200)).body).toEqual([
            { userId: aliceId, name: '佐藤 花子', composing: true, since: expect.any(String) },
          ]);
          const from = stream.events.length;
          await alice.delete(`/api/tickets/${ticket}/presence?session=tab-1`).expect(204);
          expect(await presenceSeen(stream, ticket, 2500, from)).toBe(true);
          expect((await bobThere.get(`/api/tickets/${ticket}/presence`).expect(200)).body).toEqual([]);
        } finally {
          stream.stop();
        }
      } finally {
        other.app.getHttpServer().closeAllConnections();
        await other.close();
      }
    });
  });

  describe('drafts', () => {
    it('keeps one draft per user and ticket, with versions that refuse a stale save', async () => {
      await alice.get(`/api/tickets/${ticket}/draft`).expect(204);
      const first = (
        await alice
          .put(`/api/tickets/${ticket}/draft`, {
            body: '下書き1',
            subject: '件名',
            to: ['customer@example.jp', 'half@'],
            cc: [],
            bcc: ['boss@example.jp'],
          })
          .expect(200)
      ).body;
      expect(first).toMatchObject({
        ticketId: ticket,
        body: '下書き1',
        subject: '件名',
        to: ['customer@example.jp', 'half@'],
        cc: [],
        bcc: ['boss@example.jp'],
        version: 1,
      });
      expect((await alice.get(`/api/tickets/${ticket}/draft`).expect(200)).body).toEqual(first);
      // Another user's draft on the same ticket is their own.
      await bob.get(`/api/tickets/${ticket}/draft`).expect(204);

      const second = (
        await alice.put(`/api/tickets/${ticket}/draft`, { body: '下書き2', version: 1 }).expect(200)
      ).body;
      expect(second).toMatchObject({ body: '下書き2', subject: null, to: [], version: 2 });
      // A second device that still builds on version 1 (or on nothing) is refused with the current draft.
      const stale = await alice
        .put(`/api/tickets/${ticket}/draft`, { body: '別の端末', version: 1 })
        .expect(409);
      expect(stale.body).toMatchObject({
        statusCode: 409,
        error: 'DRAFT_VERSION_CONFLICT',
        current: { body: '下書き2', version: 2 },
      });
      const blind = await alice.put(`/api/tickets/${ticket}/draft`, { body: '別の端末' }).expect(409);
      expect(blind.body.current.version).toBe(2);
      expect((await alice.get(`/api/tickets/${ticket}/draft`).expect(200)).body.body).toBe('下書き2');

      await alice.delete(`/api/tickets/${ticket}/draft`).expect(204);
      await alice.get(`/api/tickets/${ticket}/draft`).expect(204);
      const gone = await alice.put(`/api/tickets/${ticket}/draft`, { body: '復活', version: 2 }).expect(409);
      expect(gone.body).toMatchObject({ error: 'DRAFT_VERSION_CONFLICT', current: null });
    });

    it('keeps a rich draft\'s formatting, sanitised, and a plain save clears it', async () => {
      const rich = (
        await alice
          .put(`/api/tickets/${ticket}/draft`, {
            body: '太字の下書き',
            bodyHtml: '<p><strong>太字</strong>の下書き</p><script>alert(1)</script><img src=x onerror="alert(1)">',
          })
          .expect(200)
      ).body;
      expect(rich.bodyHtml).toContain('<strong>太字</strong>');
      expect(rich.bodyHtml).not.toMatch(/script|onerror/);
      expect((await alice.get(`/api/tickets/${ticket}/draft`).expect(200)).body.bodyHtml).toBe(rich.bodyHtml);
      const plain = (await alice.put(`/api/tickets/${ticket}/draft`, { body: '平文', version: rich.version }).expect(200)).body;
      expect(plain.bodyHtml).toBeNull();
      await alice.put(`/api/tickets/${ticket}/draft`, { body: 'x', bodyHtml: 'x'.repeat(200_001), version: plain.version }).expect(400);
      await alice.delete(`/api/tickets/${ticket}/draft`).expect(204);
    });

    it('needs the reply right, answers 404 for a hidden ticket, refuses bad input', async () => {
      expect((await viewer.get(`/api/tickets/${ticket}/draft`).expect(403)).body.error).toBe(
        'RIGHT_REQUIRED',
      );
      await viewer.put(`/api/tickets/${ticket}/draft`, { body: 'x' }).expect(403);
      await viewer.delete(`/api/tickets/${ticket}/draft`).expect(403);
      const hiddenRes = await outsider.get(`/api/tickets/${ticket}/draft`).expect(404);
      const unknownRes = await outsider.get('/api/tickets/999999/draft').expect(404);
      expect(Object.keys(hiddenRes.body).sort()).toEqual(Object.keys(unknownRes.body).sort());
      await alice.put(`/api/tickets/${hidden}/draft`, { body: 'x' }).expect(404);
      await t.http.get(`/api/tickets/${ticket}/draft`).expect(401);
      await t.http.put(`/api/tickets/${ticket}/draft`).send({ body: 'x' }).expect(401);
      await t.http.delete(`/api/tickets/${ticket}/draft`).expect(401);
      for (const body of [
        {},
        { body: 42 },
        { body: 'x'.repeat(100_001) },
        { body: 'x', subject: 'x'.repeat(501) },
        { body: 'x', to: 'a@b.jp' },
        { body: 'x', to: Array(51).fill('a@b.jp') },
        { body: 'x', cc: ['x'.repeat(255)] },
        { body: 'x', version: -1 },
        { body: 'x', version: 1.5 },
        { body: 'x', version: 2 ** 40 },
      ]) {
        const res = await alice.put(`/api/tickets/${ticket}/draft`, body).expect(400);
        expect(res.body.error).toBe('VALIDATION_FAILED');
      }
    });

    it('is deleted when that user’s reply to the ticket is written, not another user’s', async () => {
      await alice.put(`/api/tickets/${ticket}/draft`, { body: 'アリスの下書き' }).expect(200);
      await bob.put(`/api/tickets/${ticket}/draft`, { body: 'ボブの下書き' }).expect(200);
      await bob
        .post(`/api/tickets/${ticket}/replies`, { to: ['customer@example.jp'], text: 'ボブの返信' })
        .expect(201);
      await bob.get(`/api/tickets/${ticket}/draft`).expect(204);
      expect((await alice.get(`/api/tickets/${ticket}/draft`).expect(200)).body.body).toBe('アリスの下書き');
      await alice.delete(`/api/tickets/${ticket}/draft`).expect(204);
    });
  });

  describe('send guard (traffic cop)', () => {
    it('stops a reply written before a colleague replied, until it is confirmed', async () => {
      const seenArticleId = await newestArticle(alice, ticket);
      const seenReplyId = Math.max(
        0,
        ...((await alice.get(`/api/tickets/${ticket}/replies`).expect(200)).body as { id: number }[]).map(
          (r) => r.id,
        ),
      );
      // Nothing new: the reply goes.
      await alice.put(`/api/tickets/${ticket}/draft`, { body: '確認' }).expect(200);
      const mine = await alice
        .post(`/api/tickets/${ticket}/replies`, {
          to: ['customer@example.jp'],
          text: '先に送る',
          seenArticleId,
          seenReplyId,
        })
        .expect(201);
      // Her own reply does not stop her next one.
      await alice
        .post(`/api/tickets/${ticket}/replies`, {
          to: ['customer@example.jp'],
          text: 'もう一通',
          seenArticleId,
          seenReplyId,
        })
        .expect(201);
      // Nor does a colleague's internal comment.
      await bob.post(`/api/tickets/${ticket}/comments`, { body: '社内メモ' }).expect(201);
      await alice
        .post(`/api/tickets/${ticket}/replies`, {
          to: ['customer@example.jp'],
          text: '三通目',
          seenArticleId,
          seenReplyId,
        })
        .expect(201);

      const bobs = (
        await bob
          .post(`/api/tickets/${ticket}/replies`, { to: ['customer@example.jp'], text: 'ボブが先に返信' })
          .expect(201)
      ).body;
      await alice.put(`/api/tickets/${ticket}/draft`, { body: '送れない下書き' }).expect(200);
      const stopped = await alice
        .post(`/api/tickets/${ticket}/replies`, {
          to: ['customer@example.jp'],
          text: '遅れた返信',
          seenArticleId,
          seenReplyId,
        })
        .expect(409);
      expect(stopped.body).toMatchObject({ statusCode: 409, error: 'TICKET_CHANGED_SINCE_OPENED' });
      expect(stopped.body.articleIds).toEqual([bobs.articleId]);
      expect(stopped.body.articleIds).not.toContain(mine.body.articleId);
      expect(stopped.body.replyIds).toEqual([]);
      // Refused: nothing written, the draft kept.
      expect((await alice.get(`/api/tickets/${ticket}/draft`).expect(200)).body.body).toBe('送れない下書き');
      const texts = (
        (await alice.get(`/api/tickets/${ticket}/replies`).expect(200)).body as { text: string }[]
      ).map((r) => r.text);
      expect(texts).not.toContain('遅れた返信');

      const confirmed = await alice
        .post(`/api/tickets/${ticket}/replies`, {
          to: ['customer@example.jp'],
          text: '確認して送信',
          seenArticleId,
          seenReplyId,
          confirmChanged: true,
        })
        .expect(201);
      expect(confirmed.body.status).toBe('queued');
      await alice.get(`/api/tickets/${ticket}/draft`).expect(204);
      // Having seen everything, the next one goes without confirming.
      await alice
        .post(`/api/tickets/${ticket}/replies`, {
          to: ['customer@example.jp'],
          text: '最新を見た',
          seenArticleId: await newestArticle(alice, ticket),
        })
        .expect(201);
    });

    it('stops on a new customer message and on a colleague’s reply waiting for approval', async () => {
      // A customer message threaded by the ticket code is always on this ticket.
      const code = (await alice.get(`/api/tickets/${ticket}`).expect(200)).body.code as string;
      const before = await newestArticle(alice, ticket);
      await t.app
        .get(IntakeService)
        .ingest(
          { id: mailboxId, address },
          rawMail({
            from: 'customer@example.jp',
            to: address,
            subject: `Re: [#${code}] presence-first`,
            body: '追加の質問です',
            messageId: `followup-${kind}@example.jp`,
          }),
          { kind: 'smtp' },
        );
      const after = await newestArticle(alice, ticket);
      expect(after).toBeGreaterThan(before);
      const res = await alice
        .post(`/api/tickets/${ticket}/replies`, {
          to: ['customer@example.jp'],
          text: 'x',
          seenArticleId: before,
        })
        .expect(409);
      expect(res.body.articleIds).toEqual([after]);

      await admin
        .put(`/api/mailboxes/${mailboxId}/approval-policy`, {
          mode: 'all',
          steps: [{ approverGroupIds: [viewerGroup] }],
        })
        .expect(200);
      try {
        const seenReplyId = Math.max(
          ...((await alice.get(`/api/tickets/${ticket}/replies`).expect(200)).body as { id: number }[]).map(
            (r) => r.id,
          ),
        );
        const pending = (
          await bob
            .post(`/api/tickets/${ticket}/replies`, { to: ['customer@example.jp'], text: '承認待ち' })
            .expect(201)
        ).body;
        expect(pending.status).toBe('awaiting_approval');
        const held = await alice
          .post(`/api/tickets/${ticket}/replies`, {
            to: ['customer@example.jp'],
            text: 'y',
            seenArticleId: after,
            seenReplyId,
          })
          .expect(409);
        expect(held.body).toMatchObject({
          error: 'TICKET_CHANGED_SINCE_OPENED',
          articleIds: [],
          replyIds: [pending.id],
        });
        // Submitting for approval goes through the same guard, and through with confirmChanged.
        const submitted = await alice
          .post(`/api/tickets/${ticket}/replies`, {
            to: ['customer@example.jp'],
            text: 'y',
            seenArticleId: after,
            seenReplyId,
            confirmChanged: true,
          })
          .expect(201);
        expect(submitted.body.status).toBe('awaiting_approval');
      } finally {
        await admin
          .put(`/api/mailboxes/${mailboxId}/approval-policy`, { mode: 'off', steps: [] })
          .expect(200);
      }
    });

    it('refuses bad guard fields', async () => {
      for (const extra of [
        { seenArticleId: -1 },
        { seenArticleId: 'x' },
        { seenReplyId: 1.5 },
        { confirmChanged: 'yes' },
      ]) {
        const res = await alice
          .post(`/api/tickets/${ticket}/replies`, { to: ['customer@example.jp'], text: 'x', ...extra })
          .expect(400);
        expect(res.body.error).toBe('VALIDATION_FAILED');
      }
    });
  });
});
