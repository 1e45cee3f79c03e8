import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure } from '@test/support/browser';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

/** Issue 12 point 5 in the browser: tick customers, register 「車検案内ハガキ発送」, then delete the batch. */
describe('bulk registration (一括登録) in the browser', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  const ids: number[] = [];

  const batchEntries = async (customerId: number) =>
    ((await admin.get(`/api/customers/${customerId}/history`).expect(200)).body.items as { title: string; batchId: number | null }[]).filter((e) => e.batchId !== null);

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html'))) throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    await admin.put('/api/settings/history-phrases', { phrases: ['年末のご挨拶', '車検案内ハガキ発送'] }).expect(200);
    for (const [lastName, firstName] of [['車検', '一郎'], ['車検', '二郎'], ['点検', '三郎']]) {
      ids.push((await admin.post('/api/customers', { lastName, firstName }).expect(201)).body.id);
    }
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('registers an entry for the ticked customers with a fixed phrase, lists the batch and deletes it after confirming', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    let page: Page | undefined;
    try {
      page = await context.newPage();
      await page.goto(`${base}/customers`);
      await page.waitForURL(/\/login/);
      await page.getByTestId('login-email').fill(ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/customers/);

      const row = (id: number) => page!.locator(`[data-testid="customer-row"][data-customer-id="${id}"]`);
      await row(ids[0]).waitFor();
      await row(ids[0]).getByTestId('customer-tick').click();
      await row(ids[1]).getByTestId('customer-tick').click();
      await page.getByTestId('history-batch-open').click();

      await page.getByTestId('history-batch-target-ticked').waitFor();
      expect(await page.getByTestId('history-batch-target-ticked').textContent()).toContain('2件');
      await page.getByTestId('history-batch-phrases').click();
      await page.getByTestId('history-batch-phrase').filter({ hasText: '車検案内ハガキ発送' }).click();
      expect(await page.getByTestId('history-batch-title').inputValue()).toBe('車検案内ハガキ発送');
      await page.getByTestId('history-batch-register').click();
      await page.getByText('2件の対応履歴を一括登録しました').waitFor();

      for (const id of ids.slice(0, 2)) expect((await batchEntries(id)).map((e) => e.title)).toEqual(['車検案内ハガキ発送']);
      expect(await batchEntries(ids[2])).toEqual([]);

      await page.getByTestId('history-batches-link').click();
      await page.waitForURL(/\/customers\/batches$/);
      await page.getByTestId('history-batch-row').waitFor();
      expect(await page.getByTestId('history-batch-row').textContent()).toContain('車検案内ハガキ発送');
      expect(await page.getByTestId('history-batch-count').textContent()).toContain('2');

      await page.getByTestId('history-batch-delete').click();
      // Asking first: cancelling keeps everything.
      await page.getByTestId('confirm-cancel').click();
      // The cancelled dialog is gone (its closing animation too) before the next one opens.
      await page.getByTestId('confirm-cancel').waitFor({ state: 'detached' });
      expect((await batchEntries(ids[0])).length).toBe(1);
      await page.getByTestId('history-batch-delete').click();
      await page.getByTestId('confirm-ok').click();
      await page.getByText('一括登録はまだありません').waitFor();
      for (const id of ids) expect(await batchEntries(id)).toEqual([]);
    } catch (e) {
      await screenshotOnFailure(page, 'history-batches');
      throw e;
    } finally {
      await context.close();
    }
  });
});
