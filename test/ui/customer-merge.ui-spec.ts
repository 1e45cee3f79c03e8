import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import iconv from 'iconv-lite';
import { Browser } from 'playwright-core';
import { launchBrowser, screenshotOnFailure, signIn, waitForText, waitUntil } from '@test/support/browser';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(240_000);

/**
 * A Shift_JIS member list as Excel writes it, with the same person entered twice over the years
 * (a different phone style, a half-width kana, a new address on the later row) among 1,500 others,
 * so the import runs long enough to show its progress.
 */
function memberList(): Buffer {
  const lines = ['顧客コード,姓,名,セイ,メイ,メールアドレス,携帯,住所,支店'];
  lines.push('770001,重松,清,シゲマツ,キヨシ,kiyoshi@example.jp,090-7700-0001,東京都品川区1-1,本店');
  lines.push(
    '770002,重松,清,ｼｹﾞﾏﾂ,ｷﾖｼ,shige.k@example.jp,09077000001,"神奈川県横浜市西区2-2',
    'グランドメゾン305",横浜支店',
  );
  const kana = 'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリ'.split('');
  for (let i = 0; i < 1500; i++) {
    const n = String(i).padStart(4, '0');
    const sei = `${kana[i % 40]}${kana[Math.floor(i / 40) % 40]}ダ`;
    lines.push(
      `78${n},会員${n},花子,${sei},ハナコ,member${n}@example.jp,080-78${n.slice(0, 2)}-${n},大阪府大阪市${i}番,大阪支店`,
    );
  }
  return iconv.encode(lines.join('\r\n') + '\r\n', 'cp932');
}

/** Issue 17 point 10's browser test: a Shift_JIS import with mapping, preview and progress, then two duplicates merged choosing fields. */
describe('重複会員統合 in the console', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
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

  it('imports a Shift_JIS list with progress, finds the duplicate by phone and merges it keeping the chosen values', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD, '/customers');
      await page.getByTestId('customer-import-link').click();
      await page
        .getByTestId('customer-import-file')
        .setInputFiles({ name: '会員一覧.csv', mimeType: 'text/csv', buffer: memberList() });
      await waitForText(page.getByTestId('customer-import-facts'), 'Shift_JIS');
      expect(await page.getByTestId('customer-import-map-0').textContent()).toContain('顧客コード');
      expect(await page.getByTestId('customer-import-mapping').textContent()).toContain('グランドメゾン305');
      await page.getByTestId('customer-import-run').click();
      await page.getByTestId('customer-import-progress').waitFor({ state: 'visible' });
      await waitForText(page.getByTestId('customer-import-done'), '取込が完了しました', 60_000);
      expect(await page.getByTestId('customer-import-created').textContent()).toContain('1502');

      const [first, second] = (
        await admin.get('/api/customers').query({ code: '77000', sort: 'code' }).expect(200)
      ).body.items as { id: number; code: string }[];
      await admin
        .post(`/api/customers/${second.id}/history`, { title: '横浜で来店相談', state: 'done' })
        .expect(201);

      await page.goto(`${base}/customers`);
      await page.getByTestId('customer-duplicates-link').click();
      await page.waitForURL(/\/customers\/duplicates$/);
      // The page opens on the default key's result, nothing to press first.
      await page
        .locator('[data-testid="duplicates-range"], [data-testid="duplicates-none"]')
        .first()
        .waitFor();
      await page.getByTestId('duplicates-key-phone').click();
      const group = page.locator('[data-testid="duplicate-group"][data-key="09077000001"]');
      await group.waitFor();
      await waitForText(page.getByTestId('duplicates-range'), '1グループ中');
      const entries = (await admin.get(`/api/customers/${second.id}/history`).expect(200)).body
        .total as number;
      await waitForText(group.getByTestId('related-770002'), `対応履歴: ${entries}`);
      await group.getByTestId('details-770002').click();
      await waitForText(group.getByTestId('details-panel-770002'), '横浜で来店相談');

      // Keep the first entry, but take the later row's address, branch and mail address.
      await group.getByTestId('survivor-770001').locator('input').check();
      for (const field of ['address', 'branch', 'email'])
        await group.getByTestId(`field-${field}-770002`).locator('input').check();
      await group.getByTestId('duplicates-merge').click();
      await waitForText(page.locator('mat-dialog-container'), '770002 を 770001 重松 清 に統合します');
      await page.getByTestId('confirm-ok').click();
      await waitForText(page.getByTestId('duplicates-merged'), '770001 に統合しました');
      await page.getByTestId('duplicates-none').waitFor();

      const survivor = (await admin.get(`/api/customers/${first.id}`).expect(200)).body;
      expect(survivor).toMatchObject({
        email: 'shige.k@example.jp',
        branch: '横浜支店',
        lastNameKana: 'シゲマツ',
        mobile: '090-7700-0001',
      });
      expect(survivor.address).toContain('グランドメゾン305');
      expect(survivor.comment).toContain('kiyoshi@example.jp');

      // The merged code's karte says where it went and links there; the survivor has its history.
      await page.goto(`${base}/customers/${second.id}`);
      await waitForText(page.getByTestId('customer-merged-into'), 'このお客様は 770001 に統合されました');
      // A pointer is read only: nothing is saved, withdrawn, mailed or texted from it.
      for (const id of [
        'customer-save',
        'customer-delete',
        'customer-new-mail',
        'customer-send-sms',
        'postal-lookup',
      ])
        expect(await page.getByTestId(id).count()).toBe(0);
      expect(await page.getByTestId('field-lastName').isDisabled()).toBe(true);
      await page.getByTestId('customer-merged-into-link').click();
      await page.waitForURL(new RegExp(`/customers/${first.id}$`));
      await waitUntil('the survivor karte to show the moved history', async () =>
        ((await page.locator('mg-customer-history').textContent()) ?? '').includes('横浜で来店相談'),
      );
      expect(await page.locator('mg-customer-history').textContent()).toContain(
        '顧客を統合しました（770002）',
      );
    } catch (e) {
      await screenshotOnFailure(page, 'customer-merge');
      throw e;
    } finally {
      await context.close();
    }
  });
});
