import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import iconv from 'iconv-lite';
import { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure, signIn, waitForText, waitUntil } from '@test/support/browser';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(180_000);

/** A Shift_JIS list as Excel writes it: one column the guess does not know (お客様名), a quoted line break, one bad email. */
const CSV = [
  '会員番号,お客様名,フリガナ,メールアドレス,携帯,メモ',
  '880001,髙橋 一郎,タカハシ イチロウ,ichiro@example.jp,090-8800-0001,"一行目',
  '二行目"',
  '880002,渡邉 花子,ワタナベ ハナコ,hanako@example.jp,080-8800-0002,',
  '880003,佐藤 次郎,サトウ ジロウ,not-an-email,,',
].join('\r\n') + '\r\n';

async function pickOption(page: Page, testId: string, option: string): Promise<void> {
  await page.getByTestId(testId).locator('xpath=ancestor::mat-form-field').click();
  await page.getByRole('option', { name: option, exact: true }).click();
  await page.locator('.cdk-overlay-transparent-backdrop').waitFor({ state: 'detached' });
}

/** Issue 17 point 1 in the browser: a Shift_JIS file previewed, mapped, dry-run, refused all-or-nothing, then imported. */
describe('customer CSV import in the console', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    // The worker role runs the imports, as in production.
    t = await startTestApp('sqlite', { ROLES: 'web,worker' });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('previews with the detected encoding, maps a column, dry-runs, refuses all-or-nothing, imports and reports', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD, '/customers');
      await page.getByTestId('customer-import-link').click();
      await page.waitForURL(/\/customers\/import$/);
      await page.getByTestId('customer-import-file').setInputFiles({ name: '顧客一覧.csv', mimeType: 'text/csv', buffer: iconv.encode(CSV, 'cp932') });
      await waitForText(page.getByTestId('customer-import-facts'), 'Shift_JIS');
      await waitForText(page.getByTestId('customer-import-facts'), 'カンマ');
      // Guessed: 会員番号 → 顧客コード, フリガナ, メールアドレス, 携帯, メモ → コメント; お客様名 is not.
      expect(await page.getByTestId('customer-import-map-0').textContent()).toContain('顧客コード');
      expect(await page.getByTestId('customer-import-map-5').textContent()).toContain('コメント');
      expect(await page.getByTestId('customer-import-mapping').textContent()).toMatch(/一行目\r?\n二行目/);
      expect(await page.getByTestId('customer-import-dry-run').isDisabled()).toBe(true);
      await pickOption(page, 'customer-import-map-1', '氏名（姓と名を空白で区切る）');

      await page.getByTestId('customer-import-dry-run').click();
      await waitUntil('the dry run to finish', async () => (await page.getByTestId('customer-import-report').getAttribute('data-state')) === 'done');
      expect(await page.getByTestId('customer-import-created').textContent()).toContain('2');
      const errors = page.getByTestId('customer-import-errors');
      await waitForText(errors, 'メールアドレスの形式が正しくありません');
      expect(await errors.locator('tbody tr').first().textContent()).toMatch(/^\s*4\s*メールアドレス/);
      expect((await admin.get('/api/customers').query({ code: '88000' }).expect(200)).body.total).toBe(0);

      await page.getByTestId('customer-import-atomic').locator('input').check();
      await page.getByTestId('customer-import-run').click();
      await waitForText(page.getByTestId('customer-import-failure'), 'エラーのある行があるため、1件も登録しませんでした');
      expect((await admin.get('/api/customers').query({ code: '88000' }).expect(200)).body.total).toBe(0);

      await page.getByTestId('customer-import-atomic').locator('input').uncheck();
      await page.getByTestId('customer-import-run').click();
      await waitForText(page.getByTestId('customer-import-done'), '取込が完了しました');
      expect(await page.getByTestId('customer-import-created').textContent()).toContain('2');
      expect(await page.getByTestId('customer-import-error-count').textContent()).toContain('1');
      const href = await page.getByTestId('customer-import-errors-csv').getAttribute('href');
      expect(href).toMatch(/^\/api\/customers\/import\/[0-9a-f-]{36}\/errors\.csv$/);
      const csv = await admin.get(href!).expect(200);
      expect(csv.text).toContain('INVALID_EMAIL');
      const found = await admin.get('/api/customers').query({ q: 'たかはし' }).expect(200);
      expect(found.body.items).toEqual([expect.objectContaining({ code: '880001', lastName: '髙橋', firstName: '一郎', comment: '一行目\r\n二行目' })]);
    } catch (e) {
      await screenshotOnFailure(page, 'customer-import');
      throw e;
    } finally {
      await context.close();
    }
  });
});
