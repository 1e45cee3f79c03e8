import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure, signIn, waitForText, waitUntil } from '@test/support/browser';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(180_000);

interface SavedCustomer {
  id: number;
  code: string;
  email: string | null;
  address: string | null;
  companyName?: string | null;
  department?: string | null;
}

/**
 * Issue 17 point 7a in the browser, entering customers by hand as a new user would: 会社名・部署,
 * 郵便番号 1040061 filling 住所 with 東京都中央区銀座; an unknown code worded under the field; a code
 * with several addresses to pick from, offered (not written over) when 住所 already has text;
 * then a second customer with the first one's email (in other case) and mobile warned of before
 * saving, listing the first by its code, and saved with 「それでも登録する」.
 */
describe('entering a customer by hand', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  const customersWith = async (email: string): Promise<SavedCustomer[]> =>
    (await admin.get(`/api/customers?email=${encodeURIComponent(email)}&pageSize=50`).expect(200)).body.items;

  it('fills the address from the postal code and warns of a customer with the same email before saving a second', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    let page: Page | undefined;
    try {
      page = await context.newPage();
      await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD, '/customers/new');

      // The first customer: company and department, the address from the postal code on leaving the field.
      await page.getByTestId('field-lastName').fill('郵便');
      await page.getByTestId('field-firstName').fill('一郎');
      await page.getByTestId('field-companyName').fill('窓口商事株式会社');
      await page.getByTestId('field-department').fill('営業部');
      await page.getByTestId('field-email').fill('yubin@example.jp');
      await page.getByTestId('field-mobile').fill('090-1111-2222');
      await page.getByTestId('field-postalCode').fill('1040061');
      await page.getByTestId('field-postalCode').press('Tab');
      const address = page.getByTestId('field-address');
      await waitUntil(
        'the address to be filled',
        async () => (await address.inputValue()) === '東京都中央区銀座',
      );
      expect(await page.getByTestId('field-postalCode').inputValue()).toBe('104-0061');
      await address.fill('東京都中央区銀座1-2-3');
      await page.getByTestId('customer-save').click();
      await page.waitForURL(/\/customers\/\d+$/);
      const [first] = await customersWith('yubin@example.jp');
      expect(first).toMatchObject({ address: '東京都中央区銀座1-2-3' });

      // The second: a postal code no address has, worded under the field in Japanese.
      await page.goto(`${base}/customers/new`);
      await page.getByTestId('field-lastName').fill('重複');
      const postal = page.getByTestId('field-postalCode');
      await postal.fill('9999999');
      await page.getByTestId('postal-lookup').click();
      await waitForText(page.getByTestId('postal-lookup-error'), 'この郵便番号の住所は見つかりませんでした');

      // A code with two addresses, 住所 already holding other text: pick one, then it is only offered.
      await address.fill('大阪府大阪市北区1-1');
      await postal.fill('498-0000');
      await page.getByTestId('postal-lookup').click();
      await waitForText(page.getByTestId('postal-choices'), '三重県桑名郡木曽岬町');
      expect(await page.getByTestId('postal-lookup-error').count()).toBe(0);
      await page.getByTestId('postal-choice').filter({ hasText: '愛知県弥富市' }).click();
      await waitForText(page.getByTestId('postal-offer'), '「愛知県弥富市」に置き換えますか');
      expect(await address.inputValue()).toBe('大阪府大阪市北区1-1');
      await page.getByTestId('postal-replace').click();
      expect(await address.inputValue()).toBe('愛知県弥富市');

      // An email that only contains another (the search matches substrings) warns of nothing…
      const email = page.getByTestId('field-email');
      await email.fill('bin@example.jp');
      await Promise.all([
        page.waitForResponse((r) => r.url().includes('/api/customers?') && r.url().includes('email=')),
        email.press('Tab'),
      ]);
      expect(await page.getByTestId('customer-duplicates').count()).toBe(0);

      // …the same one in other case, and the same mobile typed as a TEL, do: the first customer, by its code.
      await email.fill('YUBIN@example.jp');
      await page.getByTestId('field-tel').fill('09011112222');
      await page.getByTestId('field-tel').press('Tab');
      const warning = page.getByTestId('customer-duplicates');
      // Leaving メール checked the email alone; leaving TEL checks both.
      await waitForText(warning, '電話番号が一致');
      expect(await page.getByTestId('customer-duplicate').count()).toBe(1);
      const listed = (await page.getByTestId('customer-duplicate').textContent()) ?? '';
      expect(listed).toContain(first.code);
      expect(listed).toContain('郵便 一郎');
      expect(listed).toContain('メールが一致');
      expect(listed).toContain('電話番号が一致');
      expect(await page.getByTestId('customer-duplicate-open').getAttribute('href')).toBe(
        `/customers/${first.id}`,
      );

      // 保存 checks again and does not save; 「それでも登録する」 does.
      await Promise.all([
        page.waitForResponse((r) => r.url().includes('/api/customers?') && r.url().includes('email=')),
        page.getByTestId('customer-save').click(),
      ]);
      await waitUntil('the check to end', async () => page!.getByTestId('customer-save').isEnabled());
      await waitForText(warning, first.code);
      expect(page.url()).toMatch(/\/customers\/new$/);
      expect(await customersWith('yubin@example.jp')).toHaveLength(1);
      await page.getByTestId('customer-save-anyway').click();
      await page.waitForURL(/\/customers\/\d+$/);
      const both = await customersWith('yubin@example.jp');
      expect(both).toHaveLength(2);
      expect(both.find((c) => c.id !== first.id)).toMatchObject({ address: '愛知県弥富市' });

      // 会社名・部署 kept (needs the server's companyName/department fields) and shown on the first one's karte.
      await page.goto(`${base}/customers/${first.id}`);
      await waitUntil(
        'the karte to load',
        async () => (await page!.getByTestId('field-lastName').inputValue()) === '郵便',
      );
      expect((await admin.get(`/api/customers/${first.id}`).expect(200)).body).toMatchObject({
        companyName: '窓口商事株式会社',
        department: '営業部',
      });
      expect(await page.getByTestId('field-companyName').inputValue()).toBe('窓口商事株式会社');
      expect(await page.getByTestId('field-department').inputValue()).toBe('営業部');
      // The karte offers its カルテCSV, and the link it gives downloads that customer's CSV.
      const karteHref = await page.getByTestId('customer-karte-csv').getAttribute('href');
      expect(karteHref).toBe(`/api/customers/${first.id}/karte.csv`);
      const karte = await admin.get(karteHref!).expect(200);
      expect(karte.headers['content-type']).toMatch(/text\/csv/);
    } catch (e) {
      await screenshotOnFailure(page, 'customer-form-entry');
      throw e;
    } finally {
      await context.close();
    }
  });
});
