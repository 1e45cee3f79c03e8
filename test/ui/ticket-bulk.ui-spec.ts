import { fromEmail } from '@madoguchi/mail';
import { TicketsService } from '@madoguchi/tickets';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure, waitUntil } from '@test/support/browser';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';
import { DataSource } from 'typeorm';

jest.setTimeout(120_000);

/** Issue 13 points 6–7 in the browser: shift-click ranges, select all matching, bulk actions with progress, sorting, saved views. */
describe('bulk actions and saved views in the browser', () => {
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
    mailboxId = (await admin.post('/api/mailboxes', { name: '一括', address: 'bulk-ui@example.jp' }).expect(201)).body.id;
    const names = ['渡辺', '青木', '山本', '伊藤', '加藤', '佐藤', '鈴木', '高橋', '田中', '中村', '小林', '吉田'];
    const start = Date.now() - 3_600_000;
    await t.app.get(DataSource).transaction((m) =>
      t.app.get(TicketsService).receive(
        m,
        names.map((name, i) =>
          fromEmail(
            {
              mailboxId,
              rawMessageId: null,
              messageId: `bulk-ui-${i}@example.jp`,
              inReplyTo: [],
              references: [],
              from: { address: `c${i}@example.jp`, name },
              to: [{ address: 'bulk-ui@example.jp', name: '' }],
              cc: [],
              subject: `問い合わせ${i + 1}`,
              text: '本文',
              html: null,
              attachments: [],
              classification: 'normal',
              receivedAt: new Date(start + i * 60_000),
            },
            null,
          ),
        ),
      ),
    );
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  const signIn = async (page: Page) => {
    await page.goto(`${base}/inbox/${mailboxId}?pageSize=10`);
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-email').fill(ADMIN_EMAIL);
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/inbox/);
    await page.goto(`${base}/inbox/${mailboxId}?pageSize=10`);
    await waitUntil('10 rows', async () => (await page.getByTestId('ticket-row').count()) === 10);
  };

  it('selects a range with shift-click, marks it read, then marks everything matching handled with one note', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await signIn(page);
      const boxes = page.getByTestId('ticket-select');
      await boxes.nth(1).click();
      await boxes.nth(3).click({ modifiers: ['Shift'] });
      await waitUntil('3 selected', async () => ((await page.getByTestId('inbox-selection-count').textContent().catch(() => '')) ?? '').includes('3')).catch(async (e) => {
        throw new Error(`${(e as Error).message}: the bar says ${await page.getByTestId('inbox-selection-count').textContent().catch(() => 'nothing')}`);
      });
      await page.getByTestId('bulk-more').click();
      await page.getByTestId('bulk-read').click();
      await waitUntil('3 rows read', async () => (await page.locator('[data-testid="ticket-row"][data-unread="false"]').count()) === 3);
      const read = (await admin.get('/api/tickets').query({ mailboxId, unread: 'false' }).expect(200)).body.total;
      expect(read).toBe(3);

      // The header checkbox takes the page; the bar then offers every ticket the filter selects.
      await page.getByTestId('ticket-select-all').click();
      await page.getByTestId('inbox-select-all-matching').click();
      // The bar says the count once the selection switched to the filter (a moment later on a busy machine).
      await waitUntil('12 selected', async () => ((await page.getByTestId('inbox-selection-count').textContent().catch(() => '')) ?? '').includes('12'));
      await page.getByTestId('bulk-handle').click();
      await waitUntil('the dialog counts 12', async () => ((await page.getByTestId('mark-handled-bulk-count').textContent().catch(() => '')) ?? '').includes('12'));
      await page.getByTestId('mark-handled-kind').click();
      await page.getByTestId('mark-handled-kind-phone').click();
      await page.getByTestId('mark-handled-text').fill('電話で一括回答しました');
      await page.getByTestId('mark-handled-confirm').click();
      await waitUntil('the 未対応 tab to empty', async () => (await page.getByTestId('ticket-row').count()) === 0);
      const handled = (await admin.get('/api/tickets').query({ mailboxId, state: 'handled' }).expect(200)).body;
      expect(handled.total).toBe(12);
      const one = (await admin.get(`/api/tickets/${handled.items[0].id}`).expect(200)).body;
      expect(one.articles.some((a: { kind: string; text: string }) => a.kind === 'history' && a.text === '電話で一括回答しました')).toBe(true);
    } catch (e) {
      await screenshotOnFailure(page, 'bulk-handle');
      throw e;
    } finally {
      await context.close();
    }
  });

  it('sorts by customer and keeps a saved view with its count in the side bar', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await signIn(page).catch(async () => undefined);
      await page.goto(`${base}/inbox/${mailboxId}?state=handled`);
      await waitUntil('12 rows', async () => (await page.getByTestId('ticket-row').count()) === 12);
      await page.getByTestId('inbox-sort').click();
      await page.getByTestId('inbox-sort-created_asc').click();
      await page.waitForURL(/sort=created_asc/);
      await waitUntil('the oldest first', async () => ((await page.getByTestId('ticket-row').first().textContent()) ?? '').includes('問い合わせ1'));

      await page.getByTestId('saved-view-save').click();
      await page.getByTestId('saved-view-name').fill('対応済の一括');
      await page.getByTestId('saved-view-confirm').click();
      const view = page.locator('[data-testid="saved-view"][data-view-name="対応済の一括"]');
      await view.waitFor();
      expect(await view.getByTestId('saved-view-count').textContent()).toContain('12');
      // Elsewhere, the view brings its filter back.
      await page.getByTestId('inbox-tab-unhandled').click();
      await waitUntil('the empty 未対応 tab', async () => (await page.getByTestId('ticket-row').count()) === 0);
      await view.click();
      await page.waitForURL(/state=handled/);
      await waitUntil('12 rows again', async () => (await page.getByTestId('ticket-row').count()) === 12);
      expect((await admin.get('/api/views').expect(200)).body.map((v: { name: string }) => v.name)).toEqual(['対応済の一括']);
    } catch (e) {
      await screenshotOnFailure(page, 'bulk-views');
      throw e;
    } finally {
      await context.close();
    }
  });
});
