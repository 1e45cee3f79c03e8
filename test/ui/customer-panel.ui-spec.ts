import { IntakeService } from '@madoguchi/mail';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser } from 'playwright-core';
import { launchBrowser, screenshotOnFailure, waitUntil } from '@test/support/browser';
import { rawMail } from '@test/support/mail-builder';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

/** The ticket's customer panel (issue 13) with the customer's latest 対応履歴 (issue 12): a note on the ticket shows there and opens the karte at it. */
describe('customer panel on a ticket', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let ticketId: number;
  let customerId: number;
  const address = 'panel-ui@example.jp';

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    const mailboxId = (await admin.post('/api/mailboxes', { name: 'パネル', address }).expect(201)).body.id;
    customerId = (await admin.post('/api/customers', { lastName: '山田', firstName: '花子', email: 'hanako@panel.example.jp' }).expect(201)).body.id;
    ticketId = (
      await t.app.get(IntakeService).ingest({ id: mailboxId, address }, rawMail({ from: 'hanako@panel.example.jp', to: address, subject: '車検の相談', body: '車検の相談です', messageId: 'panel-ui-1@example.jp' }), { kind: 'smtp' })
    ).ticketId!;
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('lists the customer’s latest history entries, a note just written among them, each opening the karte at that entry', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/tickets/${ticketId}`);
      await page.waitForURL(/\/login/);
      await page.getByTestId('login-email').fill(ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/inbox|\/tickets/);
      await page.goto(`${base}/tickets/${ticketId}`);
      const entries = page.getByTestId('customer-history-entry');
      // The inquiry itself is on the karte (自動履歴).
      await waitUntil('the inquiry entry', async () => (await entries.allTextContents()).some((x) => x.includes('メールでお問い合わせがありました。')));

      await admin.post(`/api/tickets/${ticketId}/history-notes`, { kind: 'phone', text: '折り返し電話をした' }).expect(201);
      await page.reload();
      await waitUntil('the note on the panel', async () => (await entries.first().textContent())?.includes('電話対応: 折り返し電話をした') ?? false);
      expect(await entries.count()).toBeLessThanOrEqual(3);
      const noteId = (await admin.get(`/api/customers/${customerId}/history`).query({ q: '折り返し' }).expect(200)).body.items[0].id;
      await entries.first().click();
      await page.waitForURL(new RegExp(`/customers/${customerId}\\?entry=${noteId}$`));
    } catch (e) {
      await screenshotOnFailure(page, 'customer-panel');
      throw e;
    } finally {
      await context.close();
    }
  });
});
