import { OutboxDispatcher } from '@madoguchi/core';
import { IntakeService } from '@madoguchi/mail';
import { launchBrowser, screenshotOnFailure } from '@test/support/browser';
import { rawMail } from '@test/support/mail-builder';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, TestApp } from '@test/support/test-app';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser } from 'playwright-core';

jest.setTimeout(120_000);

describe('the local outbox (captured mail) in the console', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let mailboxId: number;
  const address = 'ui-capture@example.jp';

  beforeAll(async () => {
    const built = resolve(__dirname, '../../dist/frontend/console/browser/index.html');
    if (!existsSync(built))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: 'SMTPなし', address }).expect(201)).body.id;
    const filed = await t.app
      .get(IntakeService)
      .ingest({ id: mailboxId, address }, rawMail({ from: 'tanaka@example.jp', to: address, subject: '納期の確認', body: '納期を教えてください', messageId: 'ui-capture-1@example.jp' }), { kind: 'smtp' });
    await admin.post(`/api/tickets/${filed.ticketId}/replies`, { to: ['tanaka@example.jp'], text: '来週の月曜日にお届けします。' }).expect(201);
    await t.app.get(OutboxDispatcher).dispatchDue();
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('lists the kept reply from the mailbox list, explains why, and opens it with its text and .eml link', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/settings/mailboxes`);
      await page.waitForURL(/\/login/);
      await page.getByTestId('login-email').fill(ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/settings\/mailboxes$/);
      await page.locator(`[data-mailbox-id="${mailboxId}"]`).getByTestId('mailbox-captured').click();
      await page.waitForURL(new RegExp(`/settings/mailboxes/${mailboxId}/captured$`));
      expect(await page.getByTestId('captured-banner').textContent()).toContain(
        'このメールBOXには送信用のSMTPアカウントがないため、送信メールは送られずにここに保存されています。',
      );
      const rows = page.getByTestId('captured-row');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(1);
      expect(await rows.first().textContent()).toContain('tanaka@example.jp');
      expect(await rows.first().textContent()).toContain('納期の確認');

      await rows.first().getByTestId('captured-open').click();
      await page.waitForURL(new RegExp(`/settings/mailboxes/${mailboxId}/captured/\\d+$`));
      await page.getByTestId('captured-text').waitFor();
      expect(await page.getByTestId('captured-text').textContent()).toContain('来週の月曜日にお届けします。');
      expect(await page.getByTestId('captured-subject').textContent()).toContain('納期の確認');
      expect(await page.getByTestId('captured-to').textContent()).toContain('tanaka@example.jp');
      const download = page.getByTestId('captured-download');
      expect((await download.textContent())?.trim()).toContain('.eml をダウンロード');
      expect(await download.getAttribute('href')).toMatch(/^\/api\/captured-mail\/\d+\/raw$/);
    } catch (e) {
      await screenshotOnFailure(page, 'captured-mail');
      throw e;
    } finally {
      await context.close();
    }
  });
});
