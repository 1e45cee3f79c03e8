import { ImapPoller } from '@madoguchi/mail';
import { launchBrowser, screenshotOnFailure } from '@test/support/browser';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, TestApp } from '@test/support/test-app';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, Page } from 'playwright-core';

jest.setTimeout(120_000);

const HOST = 'imap.nowhere.invalid';

/**
 * A mailbox whose polls fail says so in Japanese on its card and in the inbox, never 受信中 with
 * no error; and the new-mailbox form tests its settings before they are saved.
 */
describe('intake errors in the console', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let mailboxId: number;

  beforeAll(async () => {
    const built = resolve(__dirname, '../../dist/frontend/console/browser/index.html');
    if (!existsSync(built))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const admin = await t.login();
    mailboxId = (
      await admin
        .post('/api/mailboxes', { name: '問い合わせ窓口', address: 'ui-intake@example.jp', imap: { host: HOST, port: 993, secure: true, user: 'u', password: 'p' } })
        .expect(201)
    ).body.id;
    await t.app.get(ImapPoller).poll(mailboxId);
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${base}/login`);
    await page.getByTestId('login-email').fill(ADMIN_EMAIL);
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/customers|\/inbox/);
  }

  it('shows 受信エラー with the reason and the next try on the card, and a warning bar in the inbox', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await signIn(page);
      await page.goto(`${base}/settings/mailboxes/${mailboxId}`);
      const state = page.getByTestId('mailbox-state');
      await state.locator('text=受信エラー').waitFor();
      expect(await state.textContent()).not.toContain('受信中');
      expect(await page.getByTestId('mailbox-intake-error-text').textContent()).toBe(`サーバーが見つかりません（${HOST}）`);
      expect(await page.getByTestId('mailbox-intake-next-try').textContent()).toMatch(/次の再試行 \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}/);
      expect(await page.getByTestId('status-lastError').textContent()).not.toContain('なし');
      expect(await page.getByTestId('status-lastError').textContent()).not.toContain('Host not found');

      await page.goto(`${base}/inbox/${mailboxId}`);
      const warning = page.getByTestId('inbox-intake-warning');
      await warning.waitFor();
      expect(await page.getByTestId('inbox-intake-warning-text').textContent()).toContain(
        `「問い合わせ窓口」の受信でエラーが起きています：サーバーが見つかりません（${HOST}）`,
      );
      await page.getByTestId('inbox-intake-settings').click();
      await page.waitForURL(new RegExp(`/settings/mailboxes/${mailboxId}$`));
    } catch (e) {
      await screenshotOnFailure(page, 'intake-errors-card');
      throw e;
    } finally {
      await context.close();
    }
  });

  it('tests the settings of a new mailbox before it is saved, and words the verdict', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await signIn(page);
      await page.goto(`${base}/settings/mailboxes/new`);
      await page.getByTestId('field-imap-host').fill('imap.unsaved.invalid');
      await page.getByTestId('field-imap-user').fill('support@example.jp');
      await page.getByTestId('field-imap-password').fill('secret-pass');
      await page.getByTestId('mailbox-test').click();
      const imap = page.getByTestId('mailbox-test-imap');
      await imap.waitFor();
      expect(await imap.getAttribute('data-verdict')).toBe('host_not_found');
      expect(await imap.textContent()).toContain('サーバーが見つかりません（imap.unsaved.invalid）');
      expect(await page.getByTestId('mailbox-test-smtp').textContent()).toContain('未設定');
      // Nothing was saved.
      const admin = await t.login();
      const list = (await admin.get('/api/mailboxes').expect(200)).body as { imap: { host: string } | null }[];
      expect(list.some((m) => m.imap?.host === 'imap.unsaved.invalid')).toBe(false);
    } catch (e) {
      await screenshotOnFailure(page, 'intake-errors-unsaved-test');
      throw e;
    } finally {
      await context.close();
    }
  });
});
