import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser } from 'playwright-core';
import { launchBrowser, screenshotOnFailure, waitUntil } from '@test/support/browser';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

/** What a first-time agent ran into (issue 13 point 11): the empty inbox says how mail gets in; 保留 has its tab. */
describe('a new install in the browser', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let mailboxId: number;

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '新しい窓口', address: 'new@example.jp' }).expect(201)).body.id;
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('shows how mail gets in, receives a test mail, and puts the ticket on hold with its own tab', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/inbox/${mailboxId}`);
      await page.waitForURL(/\/login/);
      await page.getByTestId('login-email').fill(ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/inbox/);
      await page.getByTestId('inbox-onboarding').waitFor();
      expect(await page.getByTestId('onboarding-settings').count()).toBe(1);
      await page.getByTestId('onboarding-test-mail').click();
      await waitUntil('the test mail in the list', async () => (await page.getByTestId('ticket-row').count()) === 1);
      expect(await page.getByTestId('inbox-onboarding').count()).toBe(0);

      await page.getByTestId('ticket-row').first().click();
      await page.getByTestId('ticket-hold').click();
      await waitUntil('保留', async () => (await page.getByTestId('ticket-state').getAttribute('data-state')) === 'on_hold');
      const ticket = (await admin.get('/api/tickets').query({ mailboxId, state: 'on_hold' }).expect(200)).body;
      expect(ticket.total).toBe(1);
      await page.getByTestId('ticket-back').click();
      await page.getByTestId('inbox-tab-on_hold').click();
      await waitUntil('one held row', async () => (await page.getByTestId('ticket-row').count()) === 1);
      expect(await page.getByTestId('inbox-count-on_hold').textContent()).toContain('1');
    } catch (e) {
      await screenshotOnFailure(page, 'onboarding');
      throw e;
    } finally {
      await context.close();
    }
  });
});
