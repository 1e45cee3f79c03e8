// Forwarded mail and ARF abuse reports through intake to the article view, on both databases.
import { IntakeService } from '@madoguchi/mail';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DB_KINDS } from '@test/support/databases';
import { rawMail } from '@test/support/mail-builder';
import { startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

const FIXTURES = resolve(__dirname, '../fixtures/mail');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

describe.each(DB_KINDS)('reading forwards and abuse reports on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('shows a forwarded mail (inline message/rfc822) as an attachment with its subject, sender, date and text', async () => {
    const admin = await t.login();
    const box = await admin
      .post('/api/mailboxes', { name: '転送', address: `fwd-${kind}@example.jp` })
      .expect(201);
    const intake = t.app.get(IntakeService);
    const result = await intake.ingest(
      { id: box.body.id, address: `fwd-${kind}@example.jp` },
      fixture('forwarded-inline-rfc822.eml'),
      { kind: 'smtp' },
    );
    expect(result.state).toBe('ingested');
    const detail = await admin.get(`/api/tickets/${result.ticketId}`).expect(200);
    const article = detail.body.articles[0];
    expect(article.text).toBe('下記のメールを転送します。');
    expect(article.attachments).toEqual([
      expect.objectContaining({
        contentType: 'message/rfc822',
        inline: false,
        forwarded: {
          subject: '納品について',
          from: { address: 'sasaki@shop.example.jp', name: '佐々木 商店' },
          date: '2026-11-16T00:30:00.000Z',
          messageId: 'nouhin.77@shop.example.jp',
          text: '納品は来週の火曜日です。',
        },
      }),
    ]);
  });

  it('files an ARF abuse report on the ticket of the reported mail, as a system article, not a new inquiry', async () => {
    const admin = await t.login();
    const address = `arf-${kind}@example.jp`;
    const box = await admin.post('/api/mailboxes', { name: 'ARF', address }).expect(201);
    const intake = t.app.get(IntakeService);
    const mailbox = { id: box.body.id, address };
    const first = await intake.ingest(
      mailbox,
      rawMail({
        from: 'someone@example.com',
        to: address,
        subject: 'お問い合わせ',
        body: '質問です',
        messageId: 'IQ000128.20261117.bb22@madoguchi.example.jp',
      }),
      { kind: 'smtp' },
    );
    expect(first.createdTicket).toBe(true);
    const report = await intake.ingest(mailbox, fixture('arf-abuse-report.eml'), { kind: 'smtp' });
    expect(report).toMatchObject({ state: 'ingested', createdTicket: false, ticketId: first.ticketId });
    const detail = await admin.get(`/api/tickets/${first.ticketId}`).expect(200);
    expect(
      detail.body.articles.map((a: { classification: string; sender: string }) => [
        a.classification,
        a.sender,
      ]),
    ).toEqual([
      ['normal', 'customer'],
      ['abuse_report', 'system'],
    ]);
  });
});
