import { IntakeService } from '@madoguchi/mail';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure } from '@test/support/browser';
import { rawMail } from '@test/support/mail-builder';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

async function waitForCount(page: Page, testId: string, n: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await page.getByTestId(testId).count()) !== n) {
    if (Date.now() > until)
      throw new Error(`expected ${n} × ${testId}, saw ${await page.getByTestId(testId).count()}`);
    await page.waitForTimeout(50);
  }
}

/** Issue 13 point 3 in the browser: write a 社内メモ (Ctrl+Enter), see it marked on the timeline, edit it, delete it. */
describe('internal comments in the browser', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let adminName: string;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    adminName = (await admin.get('/api/auth/me').expect(200)).body.name;
    const res = await admin
      .post('/api/mailboxes', { name: 'お問い合わせ', address: 'comments@example.jp' })
      .expect(201);
    await t.app
      .get(IntakeService)
      .ingest(
        { id: res.body.id, address: 'comments@example.jp' },
        rawMail({
          from: 'hanako@example.jp',
          fromName: '山田 花子',
          to: 'comments@example.jp',
          subject: '見積のお願い',
          body: '見積をお願いします',
          messageId: 'comments-ui-1@example.jp',
        }),
        { kind: 'smtp' },
      );
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('writes, edits and deletes a 社内メモ on the timeline', async () => {
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
      await page.getByTestId('ticket-row').first().click();
      await page.waitForURL(/\/tickets\/\d+$/);

      const form = page.getByTestId('comment-form');
      await form.getByTestId('comment-body').fill('電話で折り返し済み。明日見積送付');
      await form.getByTestId('comment-body').press('Control+Enter');
      await waitForCount(page, 'comment', 1);
      const card = page.getByTestId('comment').first();
      expect(await card.getByTestId('comment-label').textContent()).toContain('社内メモ');
      expect(await card.getByTestId('comment-author').textContent()).toContain(adminName);
      expect(await card.getByTestId('comment-text').textContent()).toContain('電話で折り返し済み');
      expect(await form.getByTestId('comment-body').inputValue()).toBe('');
      // Not a mail: no article card for it, the mail is still the only one.
      await waitForCount(page, 'article', 1);

      await card.getByTestId('comment-edit').click();
      await card.getByTestId('comment-body').fill('明後日に見積送付');
      await card.getByTestId('comment-save').click();
      await card
        .getByTestId('comment-text')
        .filter({ hasText: '明後日に見積送付' })
        .waitFor({ timeout: 10_000 });

      await card.getByTestId('comment-delete').click();
      await page.getByTestId('confirm-ok').click();
      await waitForCount(page, 'comment', 0);
      await waitForCount(page, 'article', 1);
    } catch (e) {
      await screenshotOnFailure(page, 'ticket-comments');
      throw e;
    } finally {
      await context.close();
    }
  });
});
