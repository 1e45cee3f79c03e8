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
    if (Date.now() > until) throw new Error(`expected ${n} × ${testId}, saw ${await page.getByTestId(testId).count()}`);
    await page.waitForTimeout(50);
  }
}

/** Issue 13 point 2 in the browser: a label added in settings, put on a ticket, the list filtered by it. */
describe('ticket labels in the browser', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let mailbox: { id: number; address: string };

  const deliver = (subject: string, messageId: string) =>
    t.app.get(IntakeService).ingest(mailbox, rawMail({ from: 'hanako@example.jp', fromName: '山田 花子', to: mailbox.address, subject, body: `${subject}の本文`, messageId }), { kind: 'smtp' });

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html'))) throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    const res = await admin.post('/api/mailboxes', { name: 'お問い合わせ', address: 'labels-ui@example.jp' }).expect(201);
    mailbox = { id: res.body.id, address: 'labels-ui@example.jp' };
    await deliver('見積のお願い', 'labels-ui-1@example.jp');
    await deliver('納期について', 'labels-ui-2@example.jp');
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('adds a label in the mailbox settings, puts it on a ticket by keyboard, filters the list by it, and takes it off', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/settings/mailboxes/${mailbox.id}/automation?tab=labels`);
      await page.waitForURL(/\/login/);
      await page.getByTestId('login-email').fill(ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/tab=labels/);

      await page.getByTestId('labels-empty').waitFor();
      await page.getByTestId('label-name').fill('至急');
      await page.getByTestId('label-color').click();
      await page.getByTestId('label-color-e53935').click();
      await page.getByTestId('label-add').click();
      await waitForCount(page, 'label-row', 1);
      const chip = page.getByTestId('label-row').getByTestId('ticket-label');
      expect(await chip.textContent()).toContain('至急');
      expect(await chip.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor)).toBe('rgb(229, 57, 53)');
      // The same name again is refused with the code's words, not the server's sentence.
      await page.getByTestId('label-name').fill('至急');
      await page.getByTestId('label-add').click();
      await page.getByTestId('label-error').waitFor();
      expect(await page.getByTestId('label-error').textContent()).toContain('すでにあります');
      await page.getByTestId('label-name').fill('');

      await page.goto(`${base}/inbox/${mailbox.id}?state=all`);
      await waitForCount(page, 'ticket-row', 2);
      await page.getByTestId('ticket-row').filter({ hasText: '見積のお願い' }).click();
      await page.waitForURL(/\/tickets\/\d+$/);
      await page.getByTestId('ticket-labels-none').waitFor();
      // By keyboard: the add button takes the focus, Enter opens the menu, Enter picks the label.
      await page.getByTestId('ticket-label-add').focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('ticket-label-option').filter({ hasText: '至急' }).waitFor();
      await page.keyboard.press('Enter');
      await page.getByTestId('ticket-labels').getByTestId('ticket-label').filter({ hasText: '至急' }).waitFor();

      await page.getByTestId('ticket-back').click();
      await page.waitForURL(/\/inbox\/\d+/);
      await waitForCount(page, 'ticket-row', 2);
      const labelled = page.getByTestId('ticket-row').filter({ hasText: '見積のお願い' });
      expect(await labelled.getByTestId('ticket-label').textContent()).toContain('至急');

      await page.getByTestId('inbox-label-filter').click();
      await page.getByTestId('inbox-label-option').filter({ hasText: '至急' }).click();
      await page.keyboard.press('Escape');
      await page.waitForURL(/label=\d+/);
      await waitForCount(page, 'ticket-row', 1);
      expect(await page.getByTestId('ticket-row').first().textContent()).toContain('見積のお願い');

      // The filter is in the URL: a reload keeps it.
      await page.reload();
      await waitForCount(page, 'ticket-row', 1);

      await page.getByTestId('ticket-row').first().click();
      await page.waitForURL(/\/tickets\/\d+$/);
      await page.getByTestId('ticket-label-remove').focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('ticket-labels-none').waitFor();
    } catch (e) {
      await screenshotOnFailure(page, 'ticket-labels');
      throw e;
    } finally {
      await context.close();
    }
  });
});
