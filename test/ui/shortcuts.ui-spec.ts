import { fromEmail } from '@madoguchi/mail';
import { TicketsService } from '@madoguchi/tickets';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser } from 'playwright-core';
import { launchBrowser, screenshotOnFailure, waitUntil } from '@test/support/browser';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';
import { DataSource } from 'typeorm';

jest.setTimeout(120_000);

/** Issue 13 point 9: the documented shortcuts, keyboard alone, with visible focus. */
describe('keyboard shortcuts in the browser', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let mailboxId: number;
  let ids: number[];

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: 'キーボード', address: 'keys@example.jp' }).expect(201)).body.id;
    const start = Date.now() - 600_000;
    const filed = await t.app.get(DataSource).transaction((m) =>
      t.app.get(TicketsService).receive(
        m,
        ['一件目', '二件目', '三件目'].map((subject, i) =>
          fromEmail(
            { mailboxId, rawMessageId: null, messageId: `keys-${i}@example.jp`, inReplyTo: [], references: [], from: { address: `k${i}@example.jp`, name: '' }, to: [{ address: 'keys@example.jp', name: '' }], cc: [], subject, text: '本文', html: null, attachments: [], classification: 'normal', receivedAt: new Date(start + i * 1000) },
            null,
          ),
        ),
      ),
    );
    // Newest first in the list: 三件目, 二件目, 一件目.
    ids = filed.map((f) => f.ticketId).reverse();
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('moves through the list with j/k, opens with o, walks tickets with j, assigns with a, and ? lists them all', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/inbox/${mailboxId}`);
      await page.waitForURL(/\/login/);
      await page.getByTestId('login-email').fill(ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/inbox/);
      await waitUntil('3 rows', async () => (await page.getByTestId('ticket-row').count()) === 3);

      await page.keyboard.press('?');
      await page.getByTestId('shortcuts-help').waitFor();
      expect(await page.getByTestId('shortcuts-help').textContent()).toContain('自分に割り当て');
      await page.getByTestId('shortcuts-close').click();
      await page.getByTestId('shortcuts-help').waitFor({ state: 'detached' });

      await page.keyboard.press('/');
      expect(await page.locator(':focus').getAttribute('data-testid')).toBe('inbox-search');
      // Typing in the search is never a shortcut.
      await page.keyboard.type('jk');
      expect(await page.getByTestId('inbox-search').inputValue()).toBe('jk');
      await page.getByTestId('inbox-search').fill('');
      await page.locator('body').click({ position: { x: 5, y: 400 } });

      await page.keyboard.press('j');
      await page.keyboard.press('j');
      await page.keyboard.press('k');
      const focused = await page.locator(':focus').getAttribute('data-ticket-id');
      expect(Number(focused)).toBe(ids[0]);
      // The focus is visible: a real outline, not a faint fill.
      const outline = await page.locator(':focus').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string } }).getComputedStyle(el).outlineStyle);
      expect(outline).toBe('solid');
      await page.keyboard.press('j');
      await page.keyboard.press('o');
      await page.waitForURL(new RegExp(`/tickets/${ids[1]}$`));
      await page.getByTestId('ticket-code').waitFor();

      await page.keyboard.press('j');
      await page.waitForURL(new RegExp(`/tickets/${ids[2]}$`));
      await page.getByTestId('ticket-assign-me').waitFor();
      await page.keyboard.press('a');
      await waitUntil('assigned to me', async () => ((await page.getByTestId('ticket-assignee-name').textContent().catch(() => '')) ?? '').length > 0);
      const ticket = (await admin.get(`/api/tickets/${ids[2]}`).expect(200)).body;
      expect(ticket.assignee).not.toBeNull();

      await page.keyboard.press('r');
      expect(await page.locator(':focus').getAttribute('data-testid')).toBe('reply-text');
      await page.keyboard.press('Escape');
      await page.locator('body').click({ position: { x: 5, y: 400 } });
      await page.keyboard.press('u');
      await page.waitForURL(/\/inbox\//);
    } catch (e) {
      await screenshotOnFailure(page, 'shortcuts');
      throw e;
    } finally {
      await context.close();
    }
  });
});
