import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, Page } from 'playwright-core';
import {
  dialogReady,
  launchBrowser,
  screenshotOnFailure,
  signIn,
  waitForText,
  waitUntil,
} from '@test/support/browser';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(180_000);

/** A real 1×1 PNG: the browser must be able to draw it as a thumbnail. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** Today on Tokyo's calendar, as the console writes dates (2026/04/01). */
function tokyoToday(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '/');
}

/** Issue 17 points 4–6 in the browser: 今すぐ来店を記録 on the karte, an image's thumbnail, 退会 and its badge. */
describe('visits and images on the karte', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let customerId: number;
  let adminName: string;

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    adminName = (await admin.get('/api/auth/me').expect(200)).body.name;
    customerId = (
      await admin
        .post('/api/customers', { lastName: '来店', firstName: '一郎', branch: '渋谷店' })
        .expect(201)
    ).body.id;
    // One earlier visit, so the summary shows a real average once the new one is added.
    await admin
      .post(`/api/customers/${customerId}/visits`, { visitedAt: '2026-01-10T10:00:00+09:00', amount: 1500 })
      .expect(201);
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('records a visit now in the prefilled dialog and the summary follows; an uploaded image shows as a thumbnail; 退会 shows its badge', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    let page: Page | undefined;
    try {
      page = await context.newPage();
      await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD, `/customers/${customerId}`);
      await waitForText(page.getByTestId('visit-summary-count'), '1回');
      await waitForText(page.getByTestId('visit-summary-total'), '1,500円');

      // 今すぐ来店を記録: the dialog already holds now, the signed-in user and the customer's branch.
      await page.getByTestId('visit-record-now').click();
      const dialog = await dialogReady(page, 'visit-visited-at');
      const at = await dialog.getByTestId('visit-visited-at').inputValue();
      expect(at.slice(0, 10).replace(/-/g, '/')).toBe(tokyoToday());
      expect(await dialog.getByTestId('visit-staff').textContent()).toContain(adminName);
      expect(await dialog.getByTestId('visit-branch').inputValue()).toBe('渋谷店');
      await dialog.getByTestId('visit-amount').fill('4500');
      await dialog.getByTestId('visit-service-memo').fill('髪を短めに');
      await dialog.getByTestId('visit-save').click();
      await dialog.waitFor({ state: 'detached' });

      await waitForText(page.getByTestId('visit-summary-count'), '2回');
      await waitForText(page.getByTestId('visit-summary-total'), '6,000円');
      await waitForText(page.getByTestId('visit-summary-average'), '3,000円');
      await waitForText(page.getByTestId('visit-summary-last'), tokyoToday());
      await waitForText(page.getByTestId('visit-row').first(), '髪を短めに');

      // Deleting asks first; cancelling keeps the visit.
      await page.getByTestId('visit-delete').first().click();
      await page.getByTestId('confirm-cancel').click();
      await waitForText(page.getByTestId('visit-summary-count'), '2回');

      // An image: its thumbnail is drawn from the server's bytes.
      await page.getByTestId('images-empty').waitFor();
      await page
        .getByTestId('image-file')
        .setInputFiles({ name: '来店写真.png', mimeType: 'image/png', buffer: PNG });
      const thumbnail = page.getByTestId('image-thumbnail');
      await thumbnail.waitFor();
      await waitUntil(
        'the thumbnail to load',
        async () =>
          (await thumbnail.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)) > 0,
      );
      expect(await page.getByTestId('image-name').textContent()).toContain('来店写真.png');

      // A web page named .png is refused, in Japanese.
      await page
        .getByTestId('image-file')
        .setInputFiles({
          name: 'fake.png',
          mimeType: 'image/png',
          buffer: Buffer.from('<!doctype html><script>alert(1)</script>'),
        });
      await waitForText(page.getByTestId('image-upload-error'), 'jpg・png・gif・webp・pdf');
      expect(await page.getByTestId('image-tile').count()).toBe(1);

      // 退会 asks first, then the karte says 「退会済み」; 再入会 takes it back.
      await page.getByTestId('customer-withdraw').click();
      await page.getByTestId('confirm-ok').click();
      await waitForText(page.getByTestId('customer-withdrawn-badge'), '退会済み');
      expect((await admin.get(`/api/customers/${customerId}`).expect(200)).body.withdrawnAt).not.toBeNull();
      await page.getByTestId('customer-reinstate').click();
      await page.getByTestId('confirm-ok').click();
      await page.getByTestId('customer-withdrawn-badge').waitFor({ state: 'detached' });
      expect((await admin.get(`/api/customers/${customerId}`).expect(200)).body.withdrawnAt).toBeNull();
    } catch (e) {
      await screenshotOnFailure(page, 'customer-visits');
      throw e;
    } finally {
      await context.close();
    }
  });
});
