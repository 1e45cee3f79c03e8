import { OutboxDispatcher, OutboxEntry } from '@madoguchi/core';
import { IntakeService } from '@madoguchi/mail';
import { launchBrowser, screenshotOnFailure } from '@test/support/browser';
import { rawMail } from '@test/support/mail-builder';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, TestApp } from '@test/support/test-app';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';

jest.setTimeout(120_000);

/** A reply through an SMTP host that does not exist, as the agent sees it: 送信エラー at once, then 送信失敗 and 再送. */
describe('a reply that cannot be sent, in the console', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let base: string;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let mailboxId: number;
  let ticketId: number;
  let articleId: number;
  const address = 'ui-nohost@example.jp';
  const dispatch = () => t.app.get(OutboxDispatcher).dispatchDue();

  beforeAll(async () => {
    const built = resolve(__dirname, '../../dist/frontend/console/browser/index.html');
    if (!existsSync(built)) throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    sink = await startSmtpSink();
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '存在しないSMTP', address, smtp: { host: 'smtp.no-such-host.invalid', port: 587, secure: false } }).expect(201)).body.id;
    const filed = await t.app
      .get(IntakeService)
      .ingest({ id: mailboxId, address }, rawMail({ from: 'tanaka@example.jp', to: address, subject: '見積の件', body: '見積をください', messageId: 'ui-nohost-1@example.jp' }), { kind: 'smtp' });
    ticketId = filed.ticketId as number;
    articleId = (await admin.post(`/api/tickets/${ticketId}/replies`, { to: ['tanaka@example.jp'], text: 'お見積りをお送りします。' }).expect(201)).body.articleId;
    await dispatch();
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
    await sink?.stop();
  });

  it('shows 送信エラー with the reason in Japanese and the next try, then 送信失敗 with 再送, which sends it', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/tickets/${ticketId}`);
      await page.waitForURL(/\/login/);
      await page.getByTestId('login-email').fill(ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      const card = page.locator(`[data-article-id="${articleId}"]`);
      await card.getByTestId('article-failure').waitFor();
      expect(await card.getByTestId('article-status').textContent()).toContain('送信エラー');
      expect(await card.getByTestId('article-failure-reason').textContent()).toContain('送信サーバーが見つかりません');
      expect(await card.getByTestId('article-retry-at').textContent()).toMatch(/\d{1,2}:\d{2}.*に再送します/);
      // The server's English sentence never reaches the screen.
      expect(await card.textContent()).not.toMatch(/ENOTFOUND|getaddrinfo|Host not found/);
      expect(await card.getByTestId('article-retry').count()).toBe(0);

      // Two more attempts and it gives up: 送信失敗, with 再送.
      const ds = t.app.get(DataSource);
      for (let i = 0; i < 2; i++) {
        await ds.getRepository(OutboxEntry).update({ articleId }, { dueAt: new Date(0) });
        await dispatch();
      }
      await card.getByTestId('article-retry').waitFor();
      expect(await card.getByTestId('article-status').textContent()).toContain('送信失敗');
      expect(await card.getByTestId('article-failure').textContent()).toContain('自動の再送は止まりました');

      // Fix the host, press 再送: it goes out.
      const admin = await t.login();
      await admin.patch(`/api/mailboxes/${mailboxId}`, { smtp: { host: sink.host, port: sink.port, secure: false } }).expect(200);
      await card.getByTestId('article-retry').click();
      await page.locator(`[data-article-id="${articleId}"][data-status="queued"]`).waitFor();
      await dispatch();
      expect(sink.messages()).toHaveLength(1);
      await page.locator(`[data-article-id="${articleId}"][data-status="sent"]`).waitFor({ timeout: 15_000 });
      expect(await card.getByTestId('article-failure').count()).toBe(0);
    } catch (e) {
      await screenshotOnFailure(page, 'delivery-failures');
      throw e;
    } finally {
      await context.close();
    }
  });
});
