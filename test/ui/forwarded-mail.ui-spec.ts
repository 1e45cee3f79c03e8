import { IntakeService } from '@madoguchi/mail';
import { launchBrowser, screenshotOnFailure } from '@test/support/browser';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, TestApp } from '@test/support/test-app';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser } from 'playwright-core';

jest.setTimeout(120_000);

describe('a forwarded mail in the console', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  const address = 'ui-forward@example.jp';

  beforeAll(async () => {
    const built = resolve(__dirname, '../../dist/frontend/console/browser/index.html');
    if (!existsSync(built))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const admin = await t.login();
    const mailboxId = (await admin.post('/api/mailboxes', { name: '転送', address }).expect(201)).body.id;
    const raw = readFileSync(resolve(__dirname, '../fixtures/mail/forwarded-inline-rfc822.eml'));
    await t.app.get(IntakeService).ingest({ id: mailboxId, address }, raw, { kind: 'smtp' });
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('shows it as its own block with subject, sender and date, and its text once expanded', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/inbox`);
      await page.waitForURL(/\/login/);
      await page.getByTestId('login-email').fill(ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/inbox/);
      await page.getByTestId('ticket-row').filter({ hasText: '転送: 納品について' }).click();
      await page.waitForURL(/\/tickets\/\d+$/);
      await page.getByTestId('article-text').waitFor();
      expect(await page.getByTestId('article-text').textContent()).toBe('下記のメールを転送します。');

      const block = page.getByTestId('forwarded-message');
      expect(await block.count()).toBe(1);
      expect(await block.getByTestId('forwarded-subject').textContent()).toBe('納品について');
      expect(await block.getByTestId('forwarded-from').textContent()).toContain('佐々木 商店');
      expect(await block.getByTestId('forwarded-from').textContent()).toContain('sasaki@shop.example.jp');
      expect(await block.locator('time').getAttribute('datetime')).toBe('2026-11-16T00:30:00.000Z');
      expect(await block.getByTestId('forwarded-text').count()).toBe(0);

      await block.getByTestId('forwarded-toggle').click();
      expect(await block.getByTestId('forwarded-text').textContent()).toBe('納品は来週の火曜日です。');
      expect(await block.getByTestId('forwarded-toggle').getAttribute('aria-expanded')).toBe('true');
      // The forwarded mail's text is not folded into the body, and its file stays downloadable.
      expect(await page.getByTestId('article-text').textContent()).not.toContain('火曜日');
      expect(await page.getByTestId('article-attachment').count()).toBe(1);
    } catch (e) {
      await screenshotOnFailure(page, 'forwarded-mail');
      throw e;
    } finally {
      await context.close();
    }
  });
});
