import { BLOB_STORAGE, BlobStorage } from '@madoguchi/core';
import { FormSubmissionsService } from '@madoguchi/forms';
import { IngestItem, IntakeService, RawMessage } from '@madoguchi/mail';
import { Article, Ticket, TicketsService } from '@madoguchi/tickets';
import { DB_KINDS } from '@test/support/databases';
import { rawMail, RawMailOptions } from '@test/support/mail-builder';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { DataSource } from 'typeorm';

jest.setTimeout(120_000);

/**
 * The one inbound call on a real database, reached through the services as each channel calls
 * it: IMAP intake files a group of mail at once, a retry or a direct delivery one message, a form
 * one submission; all end in TicketsService.receive.
 */
describe.each(DB_KINDS)('inbound intake on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  let ds: DataSource;
  let intake: IntakeService;
  let tickets: TicketsService;
  let support: { id: number; address: string };
  let sales: { id: number; address: string };
  let uid = 0;
  let seq = 0;
  /** A Message-ID of its own per test run and database. */
  const id = (name: string) => `${name}-${kind}@example.jp`;
  const mail = (
    o: Partial<RawMailOptions> & { subject: string; messageId?: string },
    to = support,
  ): IngestItem => ({
    raw: rawMail({
      from: 'yamada@example.co.jp',
      fromName: '山田 花子',
      to: to.address,
      body: `本文 ${++seq}`,
      ...o,
    }),
    origin: { kind: 'imap', folder: 'INBOX', uidValidity: 1, uid: ++uid },
  });
  /** One IMAP group: every message filed in one transaction, as the poller hands them over. */
  const fileGroup = async (mailbox: { id: number; address: string }, items: IngestItem[]) =>
    intake.ingestStream(
      mailbox,
      (async function* () {
        yield { items };
      })(),
    );
  const articleOf = (messageId: string) => ds.getRepository(Article).findOneByOrFail({ messageId });
  const ticketOf = async (messageId: string) =>
    ds.getRepository(Ticket).findOneByOrFail({ id: (await articleOf(messageId)).ticketId });

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.login();
    ds = t.app.get(DataSource);
    intake = t.app.get(IntakeService);
    tickets = t.app.get(TicketsService);
    support = {
      id: (
        await admin
          .post('/api/mailboxes', { name: 'サポート', address: `support-${kind}@example.jp` })
          .expect(201)
      ).body.id,
      address: `support-${kind}@example.jp`,
    };
    sales = {
      id: (
        await admin.post('/api/mailboxes', { name: '営業', address: `sales-${kind}@example.jp` }).expect(201)
      ).body.id,
      address: `sales-${kind}@example.jp`,
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('threading', () => {
    it('files a reply by In-Reply-To, and one that only has References, on the ticket it answers', async () => {
      await fileGroup(support, [mail({ subject: '見積のお願い', messageId: id('t1') })]);
      await fileGroup(support, [
        mail({ subject: 'Re: 見積のお願い', messageId: id('t1-re'), inReplyTo: id('t1') }),
      ]);
      await fileGroup(support, [
        mail({
          subject: 'Re: Re: 見積のお願い',
          messageId: id('t1-re2'),
          references: ['unknown@elsewhere.example', id('t1'), id('t1-re')],
        }),
      ]);
      const first = await ticketOf(id('t1'));
      expect((await ticketOf(id('t1-re'))).id).toBe(first.id);
      expect((await ticketOf(id('t1-re2'))).id).toBe(first.id);
      expect(await ds.getRepository(Article).countBy({ ticketId: first.id })).toBe(3);
    });

    it('joins a ticket by the code in the subject when the sender takes part, and gives a stranger quoting it a ticket of their own', async () => {
      await fileGroup(support, [mail({ subject: 'ご相談', messageId: id('t2') })]);
      const ticket = await ticketOf(id('t2'));
      await fileGroup(support, [mail({ subject: `追加の質問 [#${ticket.code}]`, messageId: id('t2-code') })]);
      expect((await ticketOf(id('t2-code'))).id).toBe(ticket.id);
      await fileGroup(support, [
        mail({
          from: 'stranger@example.net',
          subject: `[#${ticket.code}] について`,
          messageId: id('t2-stranger'),
        }),
      ]);
      const theirs = await ticketOf(id('t2-stranger'));
      expect(theirs.id).not.toBe(ticket.id);
      expect(theirs.mentionsTicketId).toBe(ticket.id);
    });

    it('does not join a thread of another mailbox', async () => {
      await fileGroup(support, [mail({ subject: '納期について', messageId: id('t3') })]);
      await fileGroup(sales, [
        mail({ subject: 'Re: 納期について', messageId: id('t3-other'), inReplyTo: id('t3') }, sales),
      ]);
      const there = await ticketOf(id('t3-other'));
      expect(there.mailboxId).toBe(sales.id);
      expect(there.id).not.toBe((await ticketOf(id('t3'))).id);
    });
  });

  describe('batch filing', () => {
    it('files several new mails of one group, two of one new thread on one ticket, in the mailbox order', async () => {
      const before = await ds.getRepository(Ticket).countBy({ mailboxId: support.id });
      const filed = await fileGroup(support, [
        mail({ subject: 'A 新規', messageId: id('b-a') }),
        mail({ subject: 'B 新規', messageId: id('b-b') }),
        mail({ subject: 'Re: B 新規', messageId: id('b-b2'), inReplyTo: id('b-b') }),
        mail({ subject: 'C 新規', messageId: id('b-c') }),
        mail({ subject: 'Re: Re: B 新規', messageId: id('b-b3'), references: [id('b-b'), id('b-b2')] }),
      ]);
      expect(filed.map((r) => r.state)).toEqual(['ingested', 'ingested', 'ingested', 'ingested', 'ingested']);
      expect(filed.map((r) => r.createdTicket)).toEqual([true, true, false, true, false]);
      expect((await ds.getRepository(Ticket).countBy({ mailboxId: support.id })) - before).toBe(3);
      const b = await ticketOf(id('b-b'));
      expect((await ticketOf(id('b-b2'))).id).toBe(b.id);
      expect((await ticketOf(id('b-b3'))).id).toBe(b.id);
      expect(new Set([(await ticketOf(id('b-a'))).id, b.id, (await ticketOf(id('b-c'))).id]).size).toBe(3);
      // Ticket codes follow the mailbox order.
      const codes = [await ticketOf(id('b-a')), b, await ticketOf(id('b-c'))].map((x) => x.code);
      expect([...codes].sort()).toEqual(codes);
    });
  });

  describe('the customer link', () => {
    let formSlug: string;
    beforeAll(async () => {
      const form = await admin
        .post(`/api/mailboxes/${support.id}/forms`, {
          name: '資料請求',
          slug: `docs-${kind}`,
          fields: [
            { key: 'name', label: 'お名前', type: 'text', required: true },
            { key: 'email', label: 'メールアドレス', type: 'email', required: true },
          ],
          replyEmailField: 'email',
        })
        .expect(201);
      formSlug = form.body.slug;
    });
    const submit = (email: string) =>
      t.app
        .get(FormSubmissionsService)
        .submit(formSlug, { name: '鈴木 一郎', email }, undefined, `198.51.100.${++seq % 250}`);
    const ticketByCode = (code: string) => ds.getRepository(Ticket).findOneByOrFail({ code });

    it('links a mail to the one customer with its address, and leaves it unlinked when there is none', async () => {
      const customer = (
        await admin
          .post('/api/customers', { lastName: '田中', email: `Tanaka-${kind}@Example.jp` })
          .expect(201)
      ).body;
      await fileGroup(support, [
        mail({ from: `tanaka-${kind}@example.jp`, subject: '一件目', messageId: id('c1') }),
        mail({ from: `nobody-${kind}@example.jp`, subject: '二件目', messageId: id('c2') }),
      ]);
      expect((await ticketOf(id('c1'))).customerId).toBe(customer.id);
      expect((await ticketOf(id('c2'))).customerId).toBeNull();
      // The single-message path (direct delivery) decides the same.
      await intake.ingest(
        support,
        rawMail({
          from: `TANAKA-${kind}@example.jp`,
          to: support.address,
          subject: '三件目',
          body: 'x',
          messageId: id('c3'),
        }),
        { kind: 'smtp' },
      );
      expect((await ticketOf(id('c3'))).customerId).toBe(customer.id);
    });

    it('leaves a mail unlinked when several customers share its address (no guessing which one)', async () => {
      await admin
        .post('/api/customers', { lastName: '共有', firstName: '一', email: `family-${kind}@example.jp` })
        .expect(201);
      await admin
        .post('/api/customers', { lastName: '共有', firstName: '二', email: `family-${kind}@example.jp` })
        .expect(201);
      await fileGroup(support, [
        mail({ from: `family-${kind}@example.jp`, subject: '家族から', messageId: id('c4') }),
      ]);
      expect((await ticketOf(id('c4'))).customerId).toBeNull();
    });

    it('links a form submission by the same rule', async () => {
      const customer = (
        await admin
          .post('/api/customers', { lastName: '鈴木', email: `suzuki-${kind}@example.jp` })
          .expect(201)
      ).body;
      const known = await submit(`Suzuki-${kind}@example.jp`);
      expect((await ticketByCode(known.code!)).customerId).toBe(customer.id);
      const unknown = await submit(`someone-${kind}@example.jp`);
      expect((await ticketByCode(unknown.code!)).customerId).toBeNull();
      await admin
        .post('/api/customers', { lastName: '共有', firstName: '三', email: `family-${kind}@example.jp` })
        .expect(201);
      const shared = await submit(`family-${kind}@example.jp`);
      expect((await ticketByCode(shared.code!)).customerId).toBeNull();
    });
  });

  describe('the raw message id', () => {
    it('is recorded on the article for mail filed in a group', async () => {
      const filed = await fileGroup(support, [
        mail({ subject: 'raw 1', messageId: id('r1') }),
        mail({ subject: 'Re: raw 1', messageId: id('r2'), inReplyTo: id('r1') }),
      ]);
      expect((await articleOf(id('r1'))).rawMessageId).toBe(filed[0].rawMessageId);
      expect((await articleOf(id('r2'))).rawMessageId).toBe(filed[1].rawMessageId);
      const rows = await ds.getRepository(RawMessage).findBy({ id: filed[0].rawMessageId });
      expect(rows[0]).toMatchObject({
        state: 'ingested',
        ticketId: (await articleOf(id('r1'))).ticketId,
        articleId: (await articleOf(id('r1'))).id,
      });
    });

    it('is recorded for a message delivered directly (SMTP) and for a retry from quarantine', async () => {
      const direct = await intake.ingest(
        support,
        rawMail({
          from: 'a@example.jp',
          to: support.address,
          subject: 'direct',
          body: 'x',
          messageId: id('r3'),
        }),
        { kind: 'smtp' },
      );
      expect((await articleOf(id('r3'))).rawMessageId).toBe(direct.rawMessageId);

      const raw = rawMail({
        from: 'a@example.jp',
        to: support.address,
        subject: 'retry',
        body: 'x',
        messageId: id('r4'),
      });
      const [blob] = await t.app.get<BlobStorage>(BLOB_STORAGE).putMany([raw]);
      const repo = ds.getRepository(RawMessage);
      const row = await repo.save(
        repo.create({
          mailboxId: support.id,
          source: 'smtp',
          folder: null,
          uidValidity: null,
          uid: null,
          blobKey: blob.key,
          size: raw.length,
          sha256: blob.sha256,
          messageId: null,
          state: 'quarantined',
          error: 'test',
          ticketId: null,
          articleId: null,
          receivedAt: new Date(),
          processedAt: null,
        }),
      );
      const retried = await intake.process(support, row);
      expect(retried.state).toBe('ingested');
      expect((await articleOf(id('r4'))).rawMessageId).toBe(row.id);
    });

    it('is null for a form submission, which has no raw message', async () => {
      const form = await admin
        .post(`/api/mailboxes/${support.id}/forms`, {
          name: '問合せ',
          slug: `raw-${kind}`,
          fields: [{ key: 'email', label: 'メール', type: 'email', required: true }],
          replyEmailField: 'email',
        })
        .expect(201);
      const filed = await t.app
        .get(FormSubmissionsService)
        .submit(form.body.slug, { email: 'x@example.jp' }, undefined, '198.51.100.251');
      const ticket = await ds.getRepository(Ticket).findOneByOrFail({ code: filed.code! });
      const [article] = await ds.getRepository(Article).findBy({ ticketId: ticket.id });
      expect(article).toMatchObject({ kind: 'form', rawMessageId: null });
    });
  });

  describe('dedupe', () => {
    const inbound = (dedupeKey: string, subject: string) => ({
      channel: 'sms' as const,
      mailboxId: support.id,
      dedupeKey,
      thread: { key: null, answers: [], byCode: false },
      from: { address: null, phone: '090-1234-5678', name: null },
      to: [],
      cc: [],
      subject,
      text: 'こんにちは',
      html: null,
      attachments: [],
      classification: 'normal' as const,
      receivedAt: new Date(),
      rawMessageId: null,
    });

    it('files the same dedupe key once, across calls and within one call', async () => {
      const first = await ds.transaction((m) => tickets.receive(m, [inbound(`k1-${kind}`, 'SMS 1')]));
      const again = await ds.transaction((m) =>
        tickets.receive(m, [
          inbound(`k1-${kind}`, 'SMS 1 again'),
          inbound(`k2-${kind}`, 'SMS 2'),
          inbound(`k2-${kind}`, 'SMS 2 again'),
        ]),
      );
      expect(first[0]).toMatchObject({ createdTicket: true, duplicate: false });
      expect(again[0]).toMatchObject({
        ticketId: first[0].ticketId,
        articleId: first[0].articleId,
        createdTicket: false,
        duplicate: true,
      });
      expect(again[1]).toMatchObject({ createdTicket: true, duplicate: false });
      expect(again[2]).toMatchObject({
        ticketId: again[1].ticketId,
        articleId: again[1].articleId,
        duplicate: true,
      });
      expect(await ds.getRepository(Article).countBy({ ticketId: first[0].ticketId })).toBe(1);
      expect(await ds.getRepository(Article).countBy({ ticketId: again[1].ticketId })).toBe(1);
    });

    it('files the same email once however often it arrives', async () => {
      const item = mail({ subject: '二重', messageId: id('d1') });
      const one = await fileGroup(support, [
        item,
        { ...item, origin: { ...item.origin, uid: ++uid } as IngestItem['origin'] },
      ]);
      const two = await intake.ingest(support, item.raw, { kind: 'smtp' });
      expect(one.map((r) => r.state)).toEqual(['ingested', 'duplicate']);
      expect(two.state).toBe('duplicate');
      expect(await ds.getRepository(Article).countBy({ messageId: id('d1') })).toBe(1);
    });
  });
});
