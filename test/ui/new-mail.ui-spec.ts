import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { dialogReady, launchBrowser, screenshotOnFailure, waitForText, waitUntil } from '@test/support/browser';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

/** 新規メール作成 in the browser (issue 13 point 11): from the inbox and the karte, guarded against Esc, landing on the new ticket. */
describe('new mail in the browser', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let base: string;
  let admin: Session;
  let mailboxId: number;
  let customerId: number;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let page: Page | undefined;

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    sink = await startSmtpSink();
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '営業窓口', address: 'sales@example.jp', smtp: { host: sink.host, port: sink.port, secure: false } }).expect(201)).body.id;
    customerId = (await admin.post('/api/customers', { lastName: '山田', firstName: '花子', email: 'hanako@customer.example.jp' }).expect(201)).body.id;
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
    await sink?.stop();
  });

  const signIn = async (path: string) => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    page = await context.newPage();
    await page.goto(`${base}${path}`);
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-email').fill(ADMIN_EMAIL);
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    return page;
  };

  it('writes a new mail from the inbox, asks before Esc throws it away, and lands on the new ticket with the outbound article', async () => {
    try {
      const page = await signIn('/inbox');
      await page.waitForURL(/\/inbox/);
      await page.getByTestId('inbox-new-mail').click();
      const dialog = await dialogReady(page, 'new-mail-to');
      await waitForText(dialog.getByTestId('new-mail-mailbox'), '営業窓口');

      // Sending with nothing filled in says what is missing, and sends nothing.
      await dialog.getByTestId('new-mail-send').click();
      await waitForText(dialog.getByTestId('new-mail-error-to'), '必須');
      await dialog.getByTestId('new-mail-to').fill('not-an-address');
      await dialog.getByTestId('new-mail-subject').click();
      await waitForText(dialog.getByTestId('new-mail-error-to'), 'not-an-address');

      await dialog.getByTestId('new-mail-to').fill('hanako@customer.example.jp');
      await dialog.getByTestId('new-mail-subject').fill('新商品のご案内');
      await dialog.getByTestId('new-mail-text').fill('山田様\n\n新商品のご案内をお送りします。');

      // Esc with something typed asks first; keeping the mail leaves the dialog as it was.
      await page.keyboard.press('Escape');
      await page.getByTestId('confirm-cancel').click();
      expect(await dialog.getByTestId('new-mail-subject').inputValue()).toBe('新商品のご案内');

      // 誤送信防止: a Cc outside the customer's domain asks first; going back keeps the mail.
      await dialog.getByTestId('new-mail-cc').fill('partner@other.example.com');
      await dialog.getByTestId('new-mail-send').click();
      const check = page.getByTestId('misdelivery-dialog');
      await check.waitFor();
      expect(await page.getByTestId('misdelivery-recipient').filter({ hasText: 'partner@other.example.com' }).getAttribute('data-outside')).toBe('true');
      await page.keyboard.press('Escape');
      await check.waitFor({ state: 'detached' });
      expect(await dialog.getByTestId('new-mail-cc').inputValue()).toBe('partner@other.example.com');
      await dialog.getByTestId('new-mail-cc').fill('');

      await dialog.getByTestId('new-mail-send').click();
      await page.waitForURL(/\/tickets\/\d+$/);
      await waitForText(page.getByTestId('ticket-subject'), '新商品のご案内');
      await waitForText(page.getByTestId('article-direction'), '送信');
      await waitForText(page.getByTestId('article-subject'), '新商品のご案内');
      expect(await page.getByTestId('ticket-code').textContent()).toMatch(/IQ\d{6}/);
      expect(await page.locator('mat-dialog-container').count()).toBe(0);

      // The ticket is the customer's (found by the To address) and went out through the reply machinery.
      const ticketId = Number(/\/tickets\/(\d+)$/.exec(page.url())![1]);
      const ticket = (await admin.get(`/api/tickets/${ticketId}`).expect(200)).body;
      expect(ticket).toMatchObject({ customerId, mailboxId });
      const replies = (await admin.get(`/api/tickets/${ticketId}/replies`).expect(200)).body as { status: string; to: string[] }[];
      expect(replies).toEqual([expect.objectContaining({ to: ['hanako@customer.example.jp'] })]);
      expect(['queued', 'sent']).toContain(replies[0].status);
    } catch (e) {
      await screenshotOnFailure(page, 'new-mail-inbox');
      throw e;
    } finally {
      await page?.context().close();
    }
  });

  it('lists the new ticket on the karte, opens from there with the customer’s address as To, and discards by Esc when asked', async () => {
    try {
      const page = await signIn(`/customers/${customerId}`);
      await page.waitForURL(new RegExp(`/customers/${customerId}$`));
      // The mail written from the inbox (the test before) is among the customer's tickets.
      await waitForText(page.getByTestId('customer-tickets'), '新商品のご案内');
      await page.getByTestId('customer-new-mail').click();
      const dialog = await dialogReady(page, 'new-mail-subject');
      expect(await dialog.getByTestId('new-mail-to').inputValue()).toBe('hanako@customer.example.jp');
      await dialog.getByTestId('new-mail-subject').fill('お見積りの件');
      await page.keyboard.press('Escape');
      await page.getByTestId('confirm-ok').click();
      await waitUntil('the dialog to close', async () => (await page.locator('mg-new-mail-dialog').count()) === 0);
      expect(page.url()).toMatch(new RegExp(`/customers/${customerId}$`));

      // Untouched, Esc closes at once.
      await page.getByTestId('customer-new-mail').click();
      await dialogReady(page, 'new-mail-subject');
      await page.keyboard.press('Escape');
      await waitUntil('the dialog to close', async () => (await page.locator('mg-new-mail-dialog').count()) === 0);
      expect(await page.getByTestId('confirm-ok').count()).toBe(0);
    } catch (e) {
      await screenshotOnFailure(page, 'new-mail-karte');
      throw e;
    } finally {
      await page?.context().close();
    }
  });
});
