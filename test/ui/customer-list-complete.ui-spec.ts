import { readCsv } from '@madoguchi/core';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure, signIn, waitForText, waitUntil } from '@test/support/browser';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(180_000);

/** Issue 17 points 7 and 7a in the browser: the completed detail search, 全ての会員を表示, the legend and tooltip of grey rows, the CSV's columns and the karte CSV. */
describe('the customer list, completed', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    const people = {
      grey: {
        lastName: '灰色',
        firstName: '一郎',
        companyName: '株式会社グレー商事',
        department: '総務部',
        listFlag: 'grey',
        birthday: '1980-04-15',
        mobile: '090-1234-0001',
      },
      april: { lastName: '四月', firstName: '花子', birthday: '1991-04-02', smsConsent: true },
      other: { lastName: '十二月', firstName: '次郎', birthday: '1975-12-30' },
    };
    for (const [k, p] of Object.entries(people))
      ids[k] = (await admin.post('/api/customers', p).expect(201)).body.id;
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('filters by birthday month and mobile, explains grey rows, exports the chosen columns, and shows all again', async () => {
    const context = await browser.newContext({
      locale: 'ja-JP',
      timezoneId: 'Asia/Tokyo',
      acceptDownloads: true,
    });
    let page: Page | undefined;
    try {
      page = await context.newPage();
      await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD, '/customers');
      const rows = page.getByTestId('customer-row');
      await waitUntil('three customers listed', async () => (await rows.count()) === 3);

      // The legend says what a grey row means; the grey row itself says it on hover.
      await waitForText(page.getByTestId('customer-legend'), 'グレーリスト');
      const grey = page.locator(`[data-testid=customer-row][data-customer-id="${ids.grey}"]`);
      expect(await grey.textContent()).toContain('株式会社グレー商事');
      await grey.hover();
      await waitForText(page.locator('.mat-mdc-tooltip'), 'グレーリストのお客様');

      // 誕生月 4 and 携帯番号あり: only the grey customer.
      await page.getByTestId('customer-search-detail').click();
      await page.getByTestId('filter-birthdayMonth').click();
      await page.getByRole('option', { name: '4月', exact: true }).click();
      await page.getByTestId('filter-apply').click();
      await waitUntil('the April customers', async () => (await rows.count()) === 2);
      await page.getByTestId('filter-hasMobile').click();
      await page.getByRole('option', { name: '携帯番号あり' }).click();
      await page.getByTestId('filter-apply').click();
      await waitUntil('only the grey customer', async () => (await rows.count()) === 1);
      expect(page.url()).toContain('birthdayMonth=4');
      expect(page.url()).toContain('hasMobile=true');

      // CSV出力 with three columns chosen: the file holds those, for the filtered customers.
      await page.getByTestId('customer-export-columns').click();
      await page.getByTestId('csv-column-code').waitFor();
      for (const column of ['lastName', 'firstName', 'companyName'] as const) {
        // Keep these; untick every other one.
        expect(await page.getByTestId(`csv-column-${column}`).locator('input').isChecked()).toBe(true);
      }
      const untick = [
        'code',
        'lastNameKana',
        'firstNameKana',
        'department',
        'email',
        'tel',
        'mobile',
        'postalCode',
        'address',
        'branch',
        'assignees',
        'registrationState',
        'listFlag',
        'comment',
        'birthday',
        'smsConsent',
        'withdrawnAt',
        'createdAt',
        'updatedAt',
      ];
      for (const column of untick) await page.getByTestId(`csv-column-${column}`).locator('input').click();
      await page.keyboard.press('Escape');
      await page.getByTestId('csv-column-code').waitFor({ state: 'detached' });
      await waitForText(page.getByTestId('customer-export-columns'), '3/22');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('customer-export').click(),
      ]);
      const path = await download.path();
      const csv = readCsv(readFileSync(path));
      expect(csv).toEqual([
        ['姓', '名', '会社名'],
        ['灰色', '一郎', '株式会社グレー商事'],
      ]);

      // 全ての会員を表示 drops every filter.
      await page.getByTestId('customer-show-all').click();
      await waitUntil('all three again', async () => (await rows.count()) === 3);
      expect(page.url()).not.toContain('birthdayMonth');
    } catch (e) {
      await screenshotOnFailure(page, 'customer-list-complete');
      throw e;
    } finally {
      await context.close();
    }
  });
});
