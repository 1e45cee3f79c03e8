import { startTestApp, TestApp } from '@test/support/test-app';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

jest.setTimeout(60_000);

const portalDir = resolve(__dirname, '../../dist/frontend/portal/browser');
const consoleDir = resolve(__dirname, '../../dist/frontend/console/browser');

/** Every script and style file of a built Angular application. */
function bundleFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(m?js|css)$/.test(f));
}

/**
 * The customer portal (MYPAGE, issue #15 point 9) is its own Angular application, served by the
 * same server at /mypage: its index.html for its client routes, its files under /mypage, and no
 * staff console code in what reaches the customer's browser.
 */
describe('the customer portal at /mypage', () => {
  let t: TestApp;

  beforeAll(async () => {
    for (const dir of [portalDir, consoleDir]) {
      if (!existsSync(join(dir, 'index.html')))
        throw new Error(`${dir} is not built: run npm run build:frontend (npm test does it)`);
    }
    t = await startTestApp('sqlite');
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers the portal's index.html (base /mypage/) for its client routes, never the console's", async () => {
    const portalIndex = readFileSync(join(portalDir, 'index.html'), 'utf8');
    for (const path of [
      '/mypage',
      '/mypage/',
      '/mypage/login',
      '/mypage/threads/12',
      '/mypage/set-password?token=abc',
    ]) {
      const res = await t.http.get(path).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toBe(portalIndex);
      expect(res.text).toMatch(/<base href="\/mypage\/"\s*\/?>/);
      expect(res.text).toContain('<mp-root>');
      expect(res.text).not.toContain('<mg-root>');
      expect(res.headers['cache-control']).toBe('no-cache');
      // The same strict headers as the console: scripts from the server only, not framable.
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('serves the portal bundle under /mypage and answers 404 (not the page) for a missing file', async () => {
    const main = bundleFiles(portalDir).find((f) => /^main-[\w]+\.js$/.test(f));
    expect(main).toBeDefined();
    const res = await t.http.get(`/mypage/${main}`).expect(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    await t.http.get('/mypage/chunk-DOESNOTEXIST.js').expect(404);
    // The console's own files are not reachable under /mypage.
    const consoleMain = bundleFiles(consoleDir).find((f) => /^main-[\w]+\.js$/.test(f));
    await t.http.get(`/mypage/${consoleMain}`).expect(404);
  });

  it('leaves the console where it was, and its fallback never answers a /mypage path', async () => {
    const consoleIndex = readFileSync(join(consoleDir, 'index.html'), 'utf8');
    expect((await t.http.get('/inbox').expect(200)).text).toBe(consoleIndex);
    expect((await t.http.get('/login').expect(200)).text).toBe(consoleIndex);
    expect((await t.http.get('/mypage/login').expect(200)).text).not.toBe(consoleIndex);
    // Not a prefix match: /mypage-something is the console's.
    expect((await t.http.get('/mypagex').expect(200)).text).toBe(consoleIndex);
    // The API stays the API.
    await t.http.get('/api/portal/auth/me').expect(401);
  });

  it('ships no staff console code to the customer', () => {
    const portal = bundleFiles(portalDir);
    const consoleFiles = new Set(bundleFiles(consoleDir));
    // No chunk of the console's build among the portal's files.
    expect(portal.filter((f) => consoleFiles.has(f) && !/^styles-/.test(f))).toEqual([]);
    const text = portal.map((f) => readFileSync(join(portalDir, f), 'utf8')).join('\n');
    // Words and keys only the console has: approvals, the staff inbox, staff settings, the console's root.
    for (const staff of [
      /approval/i,
      /承認/,
      /受信箱/,
      /mg-root/,
      /\/api\/auth\/login/,
      /\/api\/tickets/,
      /\/api\/events/,
      /customers\.write/,
    ]) {
      expect({ pattern: String(staff), found: staff.test(text) }).toEqual({
        pattern: String(staff),
        found: false,
      });
    }
    expect(text).toContain('/api/portal/auth/login');
    expect(text).toContain('PORTAL-XSRF-TOKEN');
  });
});
