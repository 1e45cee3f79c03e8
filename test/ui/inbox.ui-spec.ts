import { OutboxDispatcher } from '@madoguchi/core';
import { IntakeService } from '@madoguchi/mail';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { simpleParser } from 'mailparser';
import { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { launchBrowser, screenshotOnFailure } from '@test/support/browser';
import { rawMail } from '@test/support/mail-builder';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

async function waitForCount(page: Page, testId: string, n: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await page.getByTestId(testId).count()) !== n) {
    if (Date.now() > until) throw new Error(`expected ${n} × ${testId}, saw ${await page.getByTestId(testId).count()}`);
    await page.waitForTimeout(50);
  }
}

describe('inbox in the browser', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let mailbox: { id: number; address: string };

  const deliver = (subject: string, body: string, messageId: string) =>
    t.app.get(IntakeService).ingest(mailbox, rawMail({ from: 'hanako@example.jp', fromName: '山田 花子', to: mailbox.address, subject, body, messageId }), { kind: 'smtp' });

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html'))) throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    sink = await startSmtpSink();
    t = await startTestApp('sqlite', { MAIL_UNDO_SECONDS: 30 });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    const res = await admin.post('/api/mailboxes', { name: 'お問い合わせ', address: 'info@example.jp', smtp: { host: sink.host, port: sink.port, secure: false } }).expect(201);
    mailbox = { id: res.body.id, address: 'info@example.jp' };
    await deliver('見積のお願い', 'お世話になります。\n見積をお願いします。', 'ui-1@example.jp');
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
    await sink?.stop();
  });

  it('shows new mail live, opens the ticket, replies with undo, then sends once with threading headers', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/inbox`);
      await page.waitForURL(/\/login/);
      await page.getByTestId('login-email').fill(ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/inbox/);
      await waitForCount(page, 'ticket-row', 1);
      expect(await page.getByTestId('ticket-row').first().textContent()).toContain('見積のお願い');

      // A new mail appears without a reload (server-sent events).
      await deliver('納期について', '納期を教えてください。', 'ui-2@example.jp');
      await waitForCount(page, 'ticket-row', 2);

      await page.getByTestId('ticket-row').filter({ hasText: '見積のお願い' }).click();
      await page.waitForURL(/\/tickets\/\d+$/);
      await page.getByTestId('ticket-timeline').waitFor();
      expect(await page.getByTestId('article-text').first().textContent()).toContain('見積をお願いします。');
      expect(await page.getByTestId('reply-to').inputValue()).toContain('hanako@example.jp');

      // Send, then take it back within the undo window: nothing reaches the SMTP server.
      await page.getByTestId('reply-text').fill('取り消す返信です。');
      await page.getByTestId('reply-send').click();
      await page.getByTestId('reply-undo').click();
      await waitForCount(page, 'reply-undo-bar', 0);
      await t.app.get(OutboxDispatcher).dispatchDue();
      expect(sink.messages()).toHaveLength(0);

      // Send for real: due at once once the window passes (moved forward here), sent exactly once.
      await page.getByTestId('reply-text').fill('山田様\nお見積りをお送りします。');
      await page.getByTestId('reply-send').click();
      await page.getByTestId('reply-undo-bar').waitFor();
      await t.app.get(DataSource).query("UPDATE outbox SET due_at = '2000-01-01 00:00:00.000' WHERE state = 'pending'");
      await t.app.get(OutboxDispatcher).dispatchDue();
      const [mail] = await sink.waitFor(1);
      const parsed = await simpleParser(mail.raw);
      expect(parsed.inReplyTo).toBe('<ui-1@example.jp>');
      expect(parsed.text).toContain('お見積りをお送りします。');
      // The ticket shows handled without a reload.
      for (let i = 0; i < 100 && !(await page.getByTestId('ticket-state').textContent())?.includes('対応済'); i++) await page.waitForTimeout(100);
      expect(await page.getByTestId('ticket-state').textContent()).toContain('対応済');
      expect(sink.messages()).toHaveLength(1);
    } catch (e) {
      await screenshotOnFailure(page, 'inbox-reply');
      throw e;
    } finally {
      await context.close();
    }
  });

  it('lets an administrator configure a mailbox and see its status', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/login`);
      await page.getByTestId('login-email').fill(ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/customers|\/inbox/);
      await page.goto(`${base}/settings/mailboxes`);
      await waitForCount(page, 'mailbox-row', 1);
      await page.getByTestId('mailbox-new').click();
      await page.getByTestId('field-name').fill('サポート');
      await page.getByTestId('field-address').fill('support@example.jp');
      await page.getByTestId('field-imap-host').fill('imap.example.jp');
      await page.getByTestId('field-imap-user').fill('support@example.jp');
      await page.getByTestId('field-imap-password').fill('secret-pass');
      await page.getByTestId('mailbox-save').click();
      for (let i = 0; i < 100; i++) {
        const list = await admin.get('/api/mailboxes').expect(200);
        if (list.body.some((b: { address: string }) => b.address === 'support@example.jp')) break;
        await page.waitForTimeout(100);
      }
      const list = await admin.get('/api/mailboxes').expect(200);
      const created = list.body.find((b: { address: string }) => b.address === 'support@example.jp');
      expect(created).toMatchObject({ name: 'サポート', imap: { host: 'imap.example.jp', port: 993, secure: true, hasPassword: true } });
    } catch (e) {
      await screenshotOnFailure(page, 'mailbox-settings');
      throw e;
    } finally {
      await context.close();
    }
  });
});
