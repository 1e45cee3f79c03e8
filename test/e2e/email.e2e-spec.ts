import { ImapPoller, RawMessage } from '@madoguchi/mail';
import { OutboxDispatcher, OutboxEntry } from '@madoguchi/core';
import { DB_KINDS } from '@test/support/databases';
import { appendMessage, connectImap, DovecotServer, startDovecot } from '@test/support/dovecot';
import { rawMail } from '@test/support/mail-builder';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { simpleParser } from 'mailparser';
import { DataSource } from 'typeorm';

jest.setTimeout(90_000);

const PASSWORD = 'imap-pass-1';

describe.each(DB_KINDS)('email in and out on %s', (kind) => {
  let dovecot: DovecotServer;
  let sink: SmtpSink;
  let t: TestApp;
  let admin: Session;
  let mailboxId: number;
  const user = `support-${kind}@example.jp`;

  const poll = () => t.app.get(ImapPoller).poll(mailboxId);
  const dispatch = () => t.app.get(OutboxDispatcher).dispatchDue();
  const append = (raw: Buffer, folder = 'INBOX') => appendMessage(dovecot, user, PASSWORD, folder, raw);
  const tickets = async (q?: string) => (await admin.get('/api/tickets').query({ mailboxId, pageSize: 200, ...(q ? { q } : {}) }).expect(200)).body;

  beforeAll(async () => {
    [dovecot, sink] = await Promise.all([startDovecot(), startSmtpSink()]);
    await dovecot.addUser(user, PASSWORD);
    t = await startTestApp(kind);
    admin = await t.login();
    const res = await admin
      .post('/api/mailboxes', {
        name: 'サポート',
        address: user,
        imap: { host: dovecot.host, port: dovecot.port, secure: false, user, password: PASSWORD, sentFolder: 'Sent' },
        smtp: { host: sink.host, port: sink.port, secure: false },
        pollIntervalSec: 60,
      })
      .expect(201);
    mailboxId = res.body.id;
    expect(res.body.imap).toMatchObject({ host: dovecot.host, hasPassword: true });
    expect(JSON.stringify(res.body)).not.toContain(PASSWORD);
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([dovecot?.stop(), sink?.stop()]);
  });

  it('tests the connection and explains a wrong password in words', async () => {
    const ok = await admin.post(`/api/mailboxes/${mailboxId}/test`).expect(200);
    expect(ok.body.imap).toMatchObject({ ok: true });
    expect(ok.body.smtp).toMatchObject({ ok: true });
    const other = await admin
      .post('/api/mailboxes', { name: '誤り', address: `wrong-${kind}@example.jp`, imap: { host: dovecot.host, port: dovecot.port, secure: false, user, password: 'wrong' } })
      .expect(201);
    const bad = await admin.post(`/api/mailboxes/${other.body.id}/test`).expect(200);
    expect(bad.body.imap.error).toMatch(/wrong user name or password/);
    const tls = await admin.patch(`/api/mailboxes/${other.body.id}`, { imap: { host: dovecot.host, port: dovecot.port, secure: true, user, password: PASSWORD } }).expect(200);
    expect(tls.body.imap.secure).toBe(true);
    const mismatch = await admin.post(`/api/mailboxes/${other.body.id}/test`).expect(200);
    expect(mismatch.body.imap.error).toMatch(/TLS/);
    await admin.post('/api/mailboxes', { name: 'x', address: `x-${kind}@example.jp`, pollIntervalSec: 5 }).expect(400);
  });

  it('turns new mail into tickets with Japanese decoded, once, however often it polls', async () => {
    const tanaka = await admin.post('/api/customers', { lastName: '田中', firstName: '太郎', email: 'Tanaka@Example.jp' }).expect(201);
    await append(rawMail({ from: 'yamada@example.co.jp', fromName: '山田 花子', to: user, subject: '見積のお願い ①㈱', body: 'お世話になります。見積をお願いします。', messageId: `q1-${kind}@example.co.jp`, charset: 'iso-2022-jp' }));
    await append(
      rawMail({
        from: 'tanaka@example.jp',
        fromName: '田中 太郎',
        to: user,
        subject: '資料送付',
        body: '資料を添付します。',
        messageId: `q2-${kind}@example.jp`,
        attachment: { filename: '見積書.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4 test') },
      }),
    );
    expect((await poll()).fetched).toBe(2);
    expect((await poll()).fetched).toBe(0);

    const list = await tickets();
    expect(list.total).toBe(2);
    const q1 = list.items.find((x: { subject: string }) => x.subject.startsWith('見積のお願い'));
    expect(q1).toMatchObject({ subject: '見積のお願い ①㈱', state: 'unhandled', from: { address: 'yamada@example.co.jp', name: '山田 花子' } });
    expect(q1.code).toMatch(/^IQ\d{6}$/);

    const detail = await admin.get(`/api/tickets/${q1.id}`).expect(200);
    expect(detail.body.articles).toHaveLength(1);
    expect(detail.body.articles[0]).toMatchObject({ kind: 'email', direction: 'inbound', text: expect.stringContaining('見積をお願いします'), messageId: `q1-${kind}@example.co.jp` });

    const q2 = list.items.find((x: { subject: string }) => x.subject === '資料送付');
    expect(q2.customerId).toBe(tanaka.body.id);
    expect(q1.customerId).toBeNull();
    const d2 = await admin.get(`/api/tickets/${q2.id}`).expect(200);
    const att = d2.body.articles[0].attachments[0];
    expect(att).toMatchObject({ filename: '見積書.pdf', contentType: 'application/pdf', size: 13 });
    const file = await admin.get(`/api/attachments/${att.id}`).buffer(true).expect(200);
    expect(Buffer.from(file.body).toString()).toBe('%PDF-1.4 test');

    const search = await tickets('見積');
    expect(search.items.map((x: { id: number }) => x.id)).toContain(q1.id);
    const status = await admin.get(`/api/mailboxes/${mailboxId}/status`).expect(200);
    expect(status.body.counts).toMatchObject({ ingested: 2, quarantined: 0 });
    // Rows written in one multi-row INSERT carry the right ids: each key points at its own message.
    const links = await t.app
      .get(DataSource)
      .query('SELECT r.state, r.message_id AS mid, r.ticket_id AS tid FROM mail_dedupe d JOIN raw_message r ON r.id = d.raw_message_id WHERE d.mailbox_id = ?', [mailboxId]);
    expect(links.map((l: { mid: string }) => l.mid).sort()).toEqual([`q1-${kind}@example.co.jp`, `q2-${kind}@example.jp`]);
    expect(links.every((l: { state: string; tid: number }) => l.state === 'ingested' && l.tid)).toBe(true);
    expect(status.body.lastFetchAt).toBeTruthy();
  });

  it('sends a reply once with threading headers, and threads the customer answer onto the ticket', async () => {
    const list = await tickets();
    const q1 = list.items.find((x: { subject: string }) => x.subject.startsWith('見積のお願い'));
    const sent = await admin.post(`/api/tickets/${q1.id}/replies`, { to: ['yamada@example.co.jp'], text: '山田様\nお見積りをお送りします。' }).expect(201);
    expect(sent.body.status).toBe('queued');
    await dispatch();
    const [mail] = await sink.waitFor(1);
    await dispatch();
    expect(sink.messages()).toHaveLength(1);
    const parsed = await simpleParser(mail.raw);
    expect(parsed.inReplyTo).toBe(`<q1-${kind}@example.co.jp>`);
    expect(parsed.references).toContain(`<q1-${kind}@example.co.jp>`);
    expect(parsed.messageId).toBe(`<${sent.body.messageId}>`);
    expect(parsed.subject).toBe(`Re: [#${q1.code}] 見積のお願い ①㈱`);
    expect(parsed.text).toContain('お見積りをお送りします。');
    expect(mail.envelope.rcptTo).toEqual(['yamada@example.co.jp']);

    const afterSend = await admin.get(`/api/tickets/${q1.id}`).expect(200);
    expect(afterSend.body.state).toBe('handled');
    expect(afterSend.body.articles[1]).toMatchObject({ direction: 'outbound', status: 'sent' });

    // The sent copy is in the Sent folder.
    const imap = await connectImap(dovecot, user, PASSWORD);
    try {
      const lock = await imap.getMailboxLock('Sent');
      try {
        expect(await imap.search({ header: { 'message-id': sent.body.messageId } }, { uid: true })).toHaveLength(1);
      } finally {
        lock.release();
      }
    } finally {
      await imap.logout();
    }

    // The customer answers (In-Reply-To our message): same ticket, reopened.
    await append(rawMail({ from: 'yamada@example.co.jp', to: user, subject: `Re: [#${q1.code}] 見積のお願い`, body: 'ありがとうございます。', messageId: `q1-answer-${kind}@example.co.jp`, inReplyTo: sent.body.messageId }));
    await poll();
    const again = await admin.get(`/api/tickets/${q1.id}`).expect(200);
    expect(again.body.articles).toHaveLength(3);
    expect(again.body.state).toBe('unhandled');
    expect((await tickets()).total).toBe(2);
  });

  it('puts the copy in the Sent folder later when the IMAP server refused it at sending time', async () => {
    const q = (await tickets()).items[0];
    const sent = await admin.post(`/api/tickets/${q.id}/replies`, { to: ['copy@example.co.jp'], text: '控えの確認です。' }).expect(201);
    const inSent = async () => {
      const imap = await connectImap(dovecot, user, PASSWORD);
      try {
        const lock = await imap.getMailboxLock('Sent');
        try {
          return ((await imap.search({ header: { 'message-id': sent.body.messageId } }, { uid: true })) || []).length;
        } finally {
          lock.release();
        }
      } finally {
        await imap.logout();
      }
    };
    const before = sink.messages().length;
    // The mailbox's IMAP login fails while the reply goes out by SMTP.
    await dovecot.removeUser(user);
    try {
      await dispatch();
    } finally {
      await dovecot.addUser(user, PASSWORD);
    }
    await sink.waitFor(before + 1);
    const ds = t.app.get(DataSource);
    // The Sent copy is the email channel's own (mail_sent_copy), beside the channel-neutral outbox row.
    const row = async () =>
      (
        await ds.query(
          'SELECT o.state, s.state AS sent_copy, s.attempts AS sent_copy_attempts FROM outbox o LEFT JOIN mail_sent_copy s ON s.outbox_id = o.id WHERE o.idempotency_key = ?',
          [sent.body.messageId],
        )
      )[0];
    expect(await row()).toMatchObject({ state: 'sent', sent_copy: 'pending' });
    expect(await inSent()).toBe(0);
    // Not before it is due; then once, and not again.
    await dispatch();
    expect(await inSent()).toBe(0);
    await ds.query('UPDATE mail_sent_copy SET due_at = ? WHERE outbox_id = (SELECT id FROM outbox WHERE idempotency_key = ?)', [kind === 'sqlite' ? '2000-01-01 00:00:00.000' : new Date(0), sent.body.messageId]);
    await dispatch();
    expect(await inSent()).toBe(1);
    expect(await row()).toMatchObject({ sent_copy: 'done' });
    await dispatch();
    expect(await inSent()).toBe(1);
    expect(sink.messages()).toHaveLength(before + 1);
  });

  it('threads a whole reply chain that arrives in one poll onto one ticket', async () => {
    const before = (await tickets()).total;
    await append(rawMail({ from: 'chain@example.jp', to: user, subject: '連鎖 1', body: 'はじめ', messageId: `chain1-${kind}@example.jp` }));
    await append(rawMail({ from: 'chain@example.jp', to: user, subject: 'Re: 連鎖 1', body: '追記', messageId: `chain2-${kind}@example.jp`, inReplyTo: `chain1-${kind}@example.jp` }));
    await append(rawMail({ from: 'chain@example.jp', to: user, subject: 'Re: Re: 連鎖 1', body: 'さらに', messageId: `chain3-${kind}@example.jp`, references: [`chain1-${kind}@example.jp`, `chain2-${kind}@example.jp`] }));
    await append(rawMail({ from: 'other@example.jp', to: user, subject: '別件', body: '別', messageId: `chain-other-${kind}@example.jp` }));
    await poll();
    const list = await tickets();
    expect(list.total).toBe(before + 2);
    const chain = list.items.find((x: { subject: string }) => x.subject === '連鎖 1');
    const d = await admin.get(`/api/tickets/${chain.id}`).expect(200);
    expect(d.body.articles.map((a: { text: string }) => a.text.trim())).toEqual(['はじめ', '追記', 'さらに']);
  });

  it('never attaches a stranger to a ticket by its code alone', async () => {
    const q1 = (await tickets()).items.find((x: { subject: string }) => x.subject.startsWith('見積のお願い'));
    await append(rawMail({ from: 'stranger@evil.example', to: user, subject: `Re: [#${q1.code}] 見積のお願い`, body: '他人です', messageId: `stranger-${kind}@evil.example` }));
    await append(rawMail({ from: 'yamada@example.co.jp', to: user, subject: `[#${q1.code}] 追加の質問`, body: 'もう一つ質問です', messageId: `q1-more-${kind}@example.co.jp` }));
    await poll();
    const list = await tickets();
    const strangers = list.items.filter((x: { from: { address: string } }) => x.from.address === 'stranger@evil.example');
    expect(strangers).toHaveLength(1);
    const detail = await admin.get(`/api/tickets/${strangers[0].id}`).expect(200);
    expect(detail.body.mentions).toEqual({ id: q1.id, code: q1.code });
    const original = await admin.get(`/api/tickets/${q1.id}`).expect(200);
    expect(original.body.articles.map((a: { text: string }) => a.text).join()).toContain('もう一つ質問です');
    expect(original.body.articles.map((a: { text: string }) => a.text).join()).not.toContain('他人です');
  });

  it('lets the sender undo within the window, and cancels a send-later when the customer writes first', async () => {
    const q2 = (await tickets()).items.find((x: { subject: string }) => x.subject === '資料送付');
    const before = sink.messages().length;
    const reply = await admin.post(`/api/tickets/${q2.id}/replies`, { to: 'tanaka@example.jp', text: '取り消す返信' }).expect(201);
    const cancelled = await admin.post(`/api/articles/${reply.body.articleId}/cancel`).expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    await dispatch();
    expect(sink.messages()).toHaveLength(before);
    await admin.post(`/api/articles/${reply.body.articleId}/cancel`).expect(409);

    // Send later; the customer writes first; the scheduled reply is cancelled, never sent.
    const later = await admin.post(`/api/tickets/${q2.id}/replies`, { to: ['tanaka@example.jp'], text: '明日送る返信', sendAt: new Date(Date.now() + 86400_000).toISOString() }).expect(201);
    expect(later.body).toMatchObject({ status: 'queued', sendAt: expect.any(String) });
    await admin.post(`/api/tickets/${q2.id}/replies`, { to: ['tanaka@example.jp'], text: 'x', sendAt: new Date(Date.now() - 1000).toISOString() }).expect(400);
    await append(rawMail({ from: 'tanaka@example.jp', to: user, subject: 'Re: 資料送付', body: '先に連絡します', messageId: `before-later-${kind}@example.jp`, inReplyTo: `q2-${kind}@example.jp` }));
    await poll();
    const d = await admin.get(`/api/tickets/${q2.id}`).expect(200);
    expect(d.body.articles.find((a: { id: number }) => a.id === later.body.articleId).status).toBe('cancelled');
    const row = await t.app.get(DataSource).getRepository(OutboxEntry).findOneByOrFail({ articleId: later.body.articleId });
    expect(row.state).toBe('cancelled');
    expect(sink.messages()).toHaveLength(before);
  });

  it('retries a temporary SMTP failure and shows a permanent one on the ticket, retryable', async () => {
    const q2 = (await tickets()).items.find((x: { subject: string }) => x.subject === '資料送付');
    const ds = t.app.get(DataSource);
    sink.failNext(1, 451, 'try later');
    const r1 = await admin.post(`/api/tickets/${q2.id}/replies`, { to: ['tanaka@example.jp'], text: '一時エラーのあと届く' }).expect(201);
    await dispatch();
    let row = await ds.getRepository(OutboxEntry).findOneByOrFail({ articleId: r1.body.articleId });
    expect(row).toMatchObject({ state: 'pending', attempts: 1 });
    expect(row.lastError).toMatch(/451|try later/);
    await ds.getRepository(OutboxEntry).update({ id: row.id }, { dueAt: new Date(0) });
    const before = sink.messages().length;
    await dispatch();
    expect(sink.messages()).toHaveLength(before + 1);

    sink.failNext(1, 550, 'no such user');
    const r2 = await admin.post(`/api/tickets/${q2.id}/replies`, { to: ['nobody@example.jp'], text: '届かない' }).expect(201);
    await dispatch();
    const failed = await admin.get(`/api/tickets/${q2.id}`).expect(200);
    const failedArticle = failed.body.articles.find((a: { id: number }) => a.id === r2.body.articleId);
    expect(failedArticle.status).toBe('failed');
    expect(failedArticle.error).toMatch(/550|no such user/);
    row = await ds.getRepository(OutboxEntry).findOneByOrFail({ articleId: r2.body.articleId });
    expect(row.lastError).toMatch(/550|no such user/);
    await admin.post(`/api/articles/${r2.body.articleId}/retry`).expect(200);
    await dispatch();
    expect((await admin.get(`/api/tickets/${q2.id}`).expect(200)).body.articles.find((a: { id: number }) => a.id === r2.body.articleId).status).toBe('sent');
  });

  it('does not send twice after a crash between sending and marking sent', async () => {
    const q2 = (await tickets()).items.find((x: { subject: string }) => x.subject === '資料送付');
    const ds = t.app.get(DataSource);
    // A send that went out (it is in Sent) but whose instance died before marking it.
    const r = await admin.post(`/api/tickets/${q2.id}/replies`, { to: ['tanaka@example.jp'], text: 'クラッシュ前に送信済み' }).expect(201);
    await dispatch();
    const before = sink.messages().length;
    await ds.getRepository(OutboxEntry).update({ articleId: r.body.articleId }, { state: 'sending', lockedUntil: new Date(0) });
    await dispatch();
    expect(sink.messages()).toHaveLength(before);
    expect((await ds.getRepository(OutboxEntry).findOneByOrFail({ articleId: r.body.articleId })).state).toBe('sent');

    // One that cannot be confirmed: marked failed for a person, never resent automatically.
    const r2 = await admin.post(`/api/tickets/${q2.id}/replies`, { to: ['tanaka@example.jp'], text: '確認できない送信' }).expect(201);
    await ds.getRepository(OutboxEntry).update({ articleId: r2.body.articleId }, { state: 'sending', lockedUntil: new Date(0) });
    await dispatch();
    expect(sink.messages()).toHaveLength(before);
    const row = await ds.getRepository(OutboxEntry).findOneByOrFail({ articleId: r2.body.articleId });
    expect(row.state).toBe('failed');
    expect(row.lastError).toMatch(/could not be confirmed/);
  });

  it('handles a UIDVALIDITY change without duplicates or loss', async () => {
    const folder = 'Support';
    const box = await admin.post('/api/mailboxes', { name: '別フォルダ', address: `folder-${kind}@example.jp`, imap: { host: dovecot.host, port: dovecot.port, secure: false, user, password: PASSWORD, folder } }).expect(201);
    const m1 = rawMail({ from: 'a@example.jp', to: user, subject: 'UIDVALIDITY 1', body: 'one', messageId: `uv1-${kind}@example.jp` });
    const m2 = rawMail({ from: 'b@example.jp', to: user, subject: 'UIDVALIDITY 2', body: 'two', messageId: `uv2-${kind}@example.jp` });
    await append(m1, folder);
    const poller = t.app.get(ImapPoller);
    expect((await poller.poll(box.body.id)).fetched).toBe(1);
    // Deleting and recreating the folder gives it a new UIDVALIDITY and renumbers it from 1.
    const imap = await connectImap(dovecot, user, PASSWORD);
    await imap.mailboxDelete(folder);
    await imap.logout();
    await append(m1, folder);
    await append(m2, folder);
    const res = await poller.poll(box.body.id);
    expect(res.fetched).toBe(2);
    const list = (await admin.get('/api/tickets').query({ mailboxId: box.body.id }).expect(200)).body;
    expect(list.items.map((x: { subject: string }) => x.subject).sort()).toEqual(['UIDVALIDITY 1', 'UIDVALIDITY 2']);
  });

  it('keeps oversized mail raw and flagged, without refetching it', async () => {
    const big = await startTestApp(kind, { MAIL_MAX_MESSAGE_MB: 1 });
    try {
      const a = await big.login();
      const u2 = `big-${kind}@example.jp`;
      await dovecot.addUser(u2, PASSWORD);
      const box = await a.post('/api/mailboxes', { name: '大', address: u2, imap: { host: dovecot.host, port: dovecot.port, secure: false, user: u2, password: PASSWORD } }).expect(201);
      await appendMessage(dovecot, u2, PASSWORD, 'INBOX', rawMail({ from: 'c@example.jp', to: u2, subject: '大きい', body: 'x'.repeat(1_600_000), messageId: `big-${kind}@example.jp` }));
      const poller = big.app.get(ImapPoller);
      expect((await poller.poll(box.body.id)).fetched).toBe(1);
      expect((await poller.poll(box.body.id)).fetched).toBe(0);
      const q = await a.get(`/api/mailboxes/${box.body.id}/quarantine`).expect(200);
      expect(q.body).toHaveLength(1);
      expect(q.body[0]).toMatchObject({ state: 'oversized' });
      expect(q.body[0].error).toMatch(/MB/);
      const raw = await a.get(`/api/raw-messages/${q.body[0].id}/raw`).buffer(true).expect(200);
      expect(raw.headers['content-type']).toMatch(/message\/rfc822/);
    } finally {
      await big.close();
    }
  });

  it('survives an IMAP server restart, and backs off with a readable error while it is unreachable', async () => {
    await dovecot.restart();
    await append(rawMail({ from: 'after@example.jp', to: user, subject: '再起動後', body: 'restart', messageId: `restart-${kind}@example.jp` }));
    expect((await poll()).fetched).toBe(1);

    const dead = await admin.post('/api/mailboxes', { name: '停止中', address: `dead-${kind}@example.jp`, imap: { host: '127.0.0.1', port: 1, secure: false, user, password: PASSWORD } }).expect(201);
    const res = await t.app.get(ImapPoller).poll(dead.body.id);
    expect(res.status).toBe('failed');
    const status = await admin.get(`/api/mailboxes/${dead.body.id}/status`).expect(200);
    expect(status.body.lastError).toMatch(/Connection refused/);
    expect(status.body.consecutiveFailures).toBe(1);
    expect(new Date(status.body.nextPollAt).getTime()).toBeGreaterThan(Date.now() + 30_000);
    await admin.patch(`/api/mailboxes/${dead.body.id}`, { imap: { host: dovecot.host, port: dovecot.port, secure: false, user, password: PASSWORD } }).expect(200);
    // New settings: due at once, the failure streak forgotten (mail's intake state, reset by the mailbox save).
    const reset = await admin.get(`/api/mailboxes/${dead.body.id}/status`).expect(200);
    expect(reset.body).toMatchObject({ consecutiveFailures: 0, nextPollAt: null });
    expect((await t.app.get(ImapPoller).poll(dead.body.id)).status).toBe('done');
    const healed = await admin.get(`/api/mailboxes/${dead.body.id}/status`).expect(200);
    expect(healed.body).toMatchObject({ lastError: null, consecutiveFailures: 0 });
  });
});
