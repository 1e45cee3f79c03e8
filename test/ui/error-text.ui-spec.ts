import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure } from '@test/support/browser';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(90_000);

/** The console words server errors by their code, in Japanese or English, never with the server's sentence. */
describe('console error texts', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    const built = resolve(__dirname, '../../dist/frontend/console/browser/index.html');
    if (!existsSync(built)) throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const admin = await t.login();
    await admin.post('/api/groups', { name: '営業', rights: [] }).expect(201);
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  async function tryDuplicateGroup(page: Page, lang: 'ja' | 'en'): Promise<string> {
    await page.addInitScript(`localStorage.setItem('madoguchi.lang', '${lang}')`);
    await page.goto(`${base}/settings/groups`);
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-email').fill(ADMIN_EMAIL);
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/settings\/groups/);
    await page.getByTestId('group-new').click();
    await page.getByTestId('group-name').fill('営業');
    await page.getByTestId('group-save').click();
    const error = page.getByTestId('group-form-error');
    await error.waitFor();
    return (await error.textContent()) ?? '';
  }

  for (const [lang, expected] of [
    ['ja', '「営業」という名前のグループはすでにあります'],
    ['en', 'A group named “営業” already exists'],
  ] as const) {
    it(`shows a duplicate group name by its code (GROUP_EXISTS) in ${lang}, not the server's message`, async () => {
      const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
      const page = await context.newPage();
      try {
        const text = await tryDuplicateGroup(page, lang);
        expect(text.trim()).toBe(expected);
        expect(text).not.toContain('A group named 営業 already exists');
      } catch (e) {
        await screenshotOnFailure(page, `error-text-${lang}`);
        throw e;
      } finally {
        await context.close();
      }
    });
  }
});
