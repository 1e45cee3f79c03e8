import { IntakeService } from '@madoguchi/mail';
import { launchBrowser, screenshotOnFailure } from '@test/support/browser';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';
import { existsSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';

jest.setTimeout(120_000);

const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * Every CSP violation and console error of a page: the console must run under its
 * Content-Security-Policy without one (no inline script, no style sheet left on media=print, no
 * remote image).
 */
async function watchPolicy(context: BrowserContext, page: Page): Promise<string[]> {
  const problems: string[] = [];
  await context.addInitScript(
    "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
  );
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy|CSP violation|Refused to/i.test(m.text()))
      problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return problems;
}

describe('remote images and the security policy in the browser', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let images: Server;
  const hits: { path: string; referer?: string; cookie?: string }[] = [];
  const address = 'ui-images@example.jp';

  beforeAll(async () => {
    const built = resolve(__dirname, '../../dist/frontend/console/browser/index.html');
    if (!existsSync(built))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    images = createServer((req, res) => {
      hits.push({ path: req.url ?? '', referer: req.headers.referer, cookie: req.headers.cookie });
      res.writeHead(200, { 'Content-Type': 'image/png' }).end(PIXEL);
    });
    await new Promise<void>((done) => images.listen(0, '127.0.0.1', done));
    const imagePort = (images.address() as AddressInfo).port;
    t = await startTestApp('sqlite', { REMOTE_IMAGE_ALLOWED_HOSTS: '127.0.0.1' });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    const mailboxId = (await admin.post('/api/mailboxes', { name: '画像', address }).expect(201)).body.id;
    const html = `<p>今月のお知らせです。</p><img src="http://127.0.0.1:${imagePort}/banner.png?id=42" alt="バナー" width="20" height="20"><div style="position:fixed;top:0;left:0;width:100%;height:100%;z-index:99999;background-color:red">偽のログイン画面</div>`;
    const raw = Buffer.from(
      [
        'From: news@shop.example.com',
        `To: ${address}`,
        'Subject: =?UTF-8?B?' + Buffer.from('画像つきのお知らせ').toString('base64') + '?=',
        'Message-ID: <ui-images@shop.example.com>',
        'MIME-Version: 1.0',
        'Content-Type: text/html; charset=UTF-8',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from(html).toString('base64').replace(/.{76}/g, '$&\r\n'),
        '',
      ].join('\r\n'),
    );
    await t.app.get(IntakeService).ingest({ id: mailboxId, address }, raw, { kind: 'smtp' });
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
    await new Promise((done) => images?.close(done));
  });

  it('loads the console with no policy violation, holds the image back, and shows it through the server on 「画像を表示」', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    const problems = await watchPolicy(context, page);
    try {
      await page.goto(`${base}/inbox`);
      await page.waitForURL(/\/login/);
      // Styles applied: the production build links its style sheet without an inline onload handler.
      expect(
        await page.evaluate(
          "[...document.styleSheets].some((s) => (s.href || '').includes('styles') && s.media.mediaText !== 'print')",
        ),
      ).toBe(true);
      await page.getByTestId('login-email').fill(ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/inbox/);
      await page.getByTestId('ticket-row').filter({ hasText: '画像つきのお知らせ' }).click();
      await page.waitForURL(/\/tickets\/\d+$/);
      const body = page.getByTestId('article-html');
      await body.waitFor();
      expect(await body.textContent()).toContain('今月のお知らせです。');

      // Nothing loaded from the sender on opening; the overlay came in as plain, unpositioned text.
      expect(hits).toEqual([]);
      expect(await body.locator('img').count()).toBe(1);
      expect(await body.locator('img').getAttribute('src')).toBeNull();
      const overlay = body.getByText('偽のログイン画面');
      expect(
        await overlay.evaluate(
          (el) =>
            (
              globalThis as unknown as { getComputedStyle(e: unknown): { position: string } }
            ).getComputedStyle(el).position,
        ),
      ).toBe('static');
      await expect(page.getByTestId('article-remote-images').textContent()).resolves.toContain(
        '外部画像 1 件を読み込んでいません',
      );

      await page.getByTestId('article-show-images').click();
      const img = body.locator('img');
      // Polled with evaluate (a DevTools call, outside the page's CSP): waitForFunction compiles
      // its predicate inside the page, which the console's script-src 'self' rightly refuses.
      await img.waitFor();
      for (let i = 0; !(await img.evaluate((el) => { const e = el as unknown as { complete: boolean; naturalWidth: number }; return e.complete && e.naturalWidth > 0; })); i++) {
        if (i > 100) throw new Error('the image did not load');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await img.getAttribute('src')).toMatch(
        /^\/api\/articles\/\d+\/remote-image\?url=http%3A%2F%2F127\.0\.0\.1%3A\d+%2Fbanner\.png%3Fid%3D42$/,
      );
      expect(await img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
      // The sender's server saw the server's request, not the agent's browser.
      expect(hits).toEqual([{ path: '/banner.png?id=42', referer: undefined, cookie: undefined }]);
      expect(await page.getByTestId('article-show-images').textContent()).toContain('画像を隠す');

      expect(problems).toEqual([]);
    } catch (e) {
      await screenshotOnFailure(page, 'remote-images');
      throw e;
    } finally {
      await context.close();
    }
  });

  it('blocks a remote image that reaches the page without the proxy (older mail): the policy allows images only from the server', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = await watchPolicy(context, page);
    try {
      await page.goto(`${base}/login`);
      const src = `http://127.0.0.1:${(images.address() as AddressInfo).port}/direct.png`;
      const loaded = await page.evaluate(
        `new Promise((r) => { const img = new Image(); img.onload = () => r(true); img.onerror = () => r(false); img.src = ${JSON.stringify(src)}; document.body.appendChild(img); })`,
      );
      expect(loaded).toBe(false);
      expect(hits.some((h) => h.path === '/direct.png')).toBe(false);
      expect(problems.join('\n')).toMatch(/img-src/);
    } finally {
      await context.close();
    }
  });

  it('shows the API docs to signed-in staff under the policy', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = await watchPolicy(context, page);
    try {
      const anonymous = await page.goto(`${base}/api/docs`);
      expect(anonymous?.status()).toBe(401);
      await page.goto(`${base}/login`);
      await page.getByTestId('login-email').fill(ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL((url) => !url.pathname.startsWith('/login'));
      await page.goto(`${base}/api/docs`);
      await page.locator('.swagger-ui .info .title').waitFor({ timeout: 15_000 });
      expect(await page.locator('.swagger-ui .info .title').textContent()).toContain('Madoguchi API');
      expect(problems).toEqual([]);
    } catch (e) {
      await screenshotOnFailure(page, 'api-docs');
      throw e;
    } finally {
      await context.close();
    }
  });
});
