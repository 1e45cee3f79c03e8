import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure, signIn, waitForText, waitUntil } from '@test/support/browser';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(180_000);

/**
 * Issue 15, MYPAGE settings in the console (設定 > MYPAGE): the mailbox of the threads (none chosen
 * means the oldest active one, and the screen says which), whether customers may start threads,
 * and the staff told of posts by customers without a 担当 — saved and read back by the API.
 */
describe('MYPAGE settings in the console', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let first: number;
  let second: number;
  let agentId: number;

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    first = (await admin.post('/api/mailboxes', { name: '総合窓口', address: 'desk@example.jp' }).expect(201))
      .body.id;
    second = (
      await admin.post('/api/mailboxes', { name: 'マイページ窓口', address: 'mypage@example.jp' }).expect(201)
    ).body.id;
    const group = (
      await admin.post('/api/groups', { name: '担当', rights: ['mypage'], mailboxRights: [] }).expect(201)
    ).body.id;
    agentId = (
      await admin
        .post('/api/users', {
          email: 'kato@example.jp',
          name: '加藤 受付',
          password: 'kato-pass-2026x',
          groupIds: [group],
        })
        .expect(201)
    ).body.id;
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('shows the default mailbox by name, saves a chosen one, the start-threads switch and a fallback recipient', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    let page: Page | undefined;
    try {
      page = await context.newPage();
      await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD);
      await page.goto(`${base}/settings`);
      await page.getByTestId('settings-tab-mypage').click();
      await page.getByTestId('mypage-settings-form').waitFor();
      await waitForText(page.getByTestId('mypage-settings-portal-url'), `${base}/mypage`);
      // Nothing chosen yet: the oldest active mailbox, named.
      await waitForText(page.getByTestId('mypage-settings-mailbox'), '指定なし（最初のメールBOX: 総合窓口）');

      await page.getByTestId('mypage-settings-mailbox').click();
      await page.getByTestId(`mypage-settings-mailbox-${second}`).click();
      await page.getByTestId('mypage-settings-may-start').locator('button').click();
      await page.getByTestId('mypage-settings-fallback').click({ force: true });
      await page.getByTestId(`mypage-settings-fallback-${agentId}`).click();
      await page.keyboard.press('Escape');
      await page.getByTestId('mypage-settings-save').click();
      await waitUntil(
        'the settings saved',
        async () => (await admin.get('/api/mypage/settings').expect(200)).body.mailboxId === second,
      );
      expect((await admin.get('/api/mypage/settings').expect(200)).body).toEqual({
        mailboxId: second,
        customersMayStartThreads: true,
        fallbackRecipients: [agentId],
      });

      // Read back after a reload.
      await page.reload();
      await waitForText(page.getByTestId('mypage-settings-mailbox'), 'マイページ窓口');
      await waitForText(page.getByTestId('mypage-settings-fallback'), '加藤 受付');
      expect(
        await page.getByTestId('mypage-settings-may-start').locator('button').getAttribute('aria-checked'),
      ).toBe('true');
      expect(first).toBeLessThan(second);
    } catch (e) {
      await screenshotOnFailure(page, 'mypage-settings');
      throw e;
    } finally {
      await context.close();
    }
  });
});
