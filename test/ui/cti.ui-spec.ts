import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure } from '@test/support/browser';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

/** Incoming calls in the browser (issue #12 points 7 and 12): the pop-up card, linking, a new customer, the token settings. */
describe('incoming calls (CTI) in the browser', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let token: string;
  let customerId: number;
  let customerCode: string;
  let seq = 0;

  const ring = (from: string) =>
    t.http
      .post('/api/cti/calls')
      .set('Authorization', `Bearer ${token}`)
      .send({ callId: `ui-call-${++seq}`, from, event: 'ringing' });

  /** A console signed in as the administrator, on the inbox, its live stream connected. */
  async function signedIn(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    await page.goto(`${base}/inbox`);
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-email').fill(ADMIN_EMAIL);
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await page.getByTestId('current-user').waitFor();
    // The EventSource opens with the shell; give it a moment to be accepted by the server.
    await page.waitForTimeout(500);
    return { context, page };
  }

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    token = (await admin.post('/api/settings/cti-tokens', { name: 'UIテストPBX' }).expect(201)).body.token;
    const created = (
      await admin
        .post('/api/customers', {
          lastName: '電話',
          firstName: '花子',
          tel: '090-4169-1658',
          branch: '横浜支店',
        })
        .expect(201)
    ).body;
    customerId = created.id;
    customerCode = created.code;
    await admin
      .post(`/api/customers/${customerId}/history`, { title: '前回の来店', state: 'done', kind: 'visit' })
      .expect(201);
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('pops up the caller within a second with name and code, and opens the karte', async () => {
    const { context, page } = await signedIn();
    try {
      const posted = Date.now();
      const res = await ring('+81 90 4169 1658').expect(201);
      const card = page.getByTestId('call-card');
      await card
        .getByTestId('call-customer-code')
        .waitFor({ timeout: 1000 - Math.min(900, Date.now() - posted) });
      expect(Date.now() - posted).toBeLessThan(1000);
      expect(await card.getByTestId('call-customer-name').textContent()).toContain('電話 花子');
      expect(await card.getByTestId('call-customer-code').textContent()).toContain(customerCode);
      expect(await card.textContent()).toContain('横浜支店');
      const recent = await card.getByTestId('call-recent-history').textContent();
      expect(recent).toContain('電話着信あり 09041691658');
      expect(recent).toContain('前回の来店');
      expect(await card.getAttribute('data-entry-id')).toBe(String(res.body.entryId));

      await card.getByTestId('call-open-karte').click();
      await page.waitForURL(new RegExp(`/customers/${customerId}(\\?|$)`));
      expect(await page.getByTestId('call-card').count()).toBe(0);
    } catch (e) {
      await screenshotOnFailure(page, 'cti-known');
      throw e;
    } finally {
      await context.close();
    }
  });

  it('opens the karte at the call, where the agent completes it, and 作業管理 shows it gone', async () => {
    const adminId = (await admin.get('/api/auth/me').expect(200)).body.id as number;
    const caller = (
      await admin
        .post('/api/customers', {
          lastName: '完了',
          firstName: '確認',
          tel: '045-555-6666',
          assigneeIds: [adminId],
        })
        .expect(201)
    ).body;
    const { context, page } = await signedIn();
    try {
      const res = await ring('0455556666').expect(201);
      const card = page.getByTestId('call-card').filter({ hasText: caller.code });
      await card.getByTestId('call-open-karte').click({ timeout: 1000 });
      await page.waitForURL(new RegExp(`/customers/${caller.id}\\?entry=${res.body.entryId}`));
      const selected = page.locator(`[data-testid="history-selected"][data-entry-id="${res.body.entryId}"]`);
      await selected.waitFor();
      expect(await selected.getByTestId('history-selected-title').textContent()).toContain(
        '電話着信あり 0455556666',
      );

      await page.goto(`${base}/work`);
      const row = page.getByTestId('work-row').filter({ hasText: '電話着信あり 0455556666' });
      await row.waitFor();

      await page.goto(`${base}/customers/${caller.id}?entry=${res.body.entryId}`);
      await selected.getByTestId('history-edit').click();
      await page.getByTestId('history-entry-state').click();
      await page.getByTestId('history-entry-state-done').click();
      await page.getByTestId('history-entry-save').click();
      await page.getByTestId('history-entry-save').waitFor({ state: 'detached' });
      expect((await admin.get(`/api/history/${res.body.entryId}`).expect(200)).body.state).toBe('done');

      await page.goto(`${base}/work`);
      await page.getByTestId('work-list').or(page.getByTestId('work-empty')).first().waitFor();
      await page.waitForTimeout(300);
      expect(await page.getByTestId('work-row').filter({ hasText: '電話着信あり 0455556666' }).count()).toBe(
        0,
      );
    } catch (e) {
      await screenshotOnFailure(page, 'cti-complete');
      throw e;
    } finally {
      await context.close();
    }
  });

  it('offers an unknown caller a customer search and links the call to the customer chosen', async () => {
    const { context, page } = await signedIn();
    try {
      const res = await ring('03-5555-1212').expect(201);
      const card = page.getByTestId('call-card');
      await card.getByTestId('call-unknown').waitFor({ timeout: 1000 });
      await card.getByTestId('call-new-customer').waitFor();
      await card.getByTestId('call-link').click();
      await card.getByTestId('call-search').fill('電話');
      await card.getByTestId('call-search-submit').click();
      await card.getByTestId('call-search-result').first().getByTestId('call-choose').click();
      // The card turns into the customer's.
      await card.getByTestId('call-customer-code').waitFor();
      expect(await card.getByTestId('call-customer-code').textContent()).toContain(customerCode);
      const entry = (await admin.get(`/api/history/${res.body.entryId}`).expect(200)).body;
      expect(entry.customerId).toBe(customerId);
    } catch (e) {
      await screenshotOnFailure(page, 'cti-unknown-link');
      throw e;
    } finally {
      await context.close();
    }
  });

  it('opens a new customer form with the unknown number filled in', async () => {
    const { context, page } = await signedIn();
    try {
      await ring('080-7777-8888').expect(201);
      const card = page.getByTestId('call-card');
      await card.getByTestId('call-new-customer').click({ timeout: 1000 });
      await page.waitForURL(/\/customers\/new\?tel=08077778888/);
      await page.getByTestId('field-mobile').waitFor();
      expect(await page.getByTestId('field-mobile').inputValue()).toBe('08077778888');
      expect(await page.getByTestId('field-tel').inputValue()).toBe('');
    } catch (e) {
      await screenshotOnFailure(page, 'cti-new-customer');
      throw e;
    } finally {
      await context.close();
    }
  });

  it('lists the customers sharing a number and links the one chosen', async () => {
    const twin = (
      await admin
        .post('/api/customers', { lastName: '電話', firstName: '次郎', mobile: '09041691658' })
        .expect(201)
    ).body;
    const { context, page } = await signedIn();
    try {
      const res = await ring('09041691658').expect(201);
      expect(res.body.customerIds).toEqual([customerId, twin.id]);
      const card = page.getByTestId('call-card');
      await card.getByTestId('call-candidate').nth(1).waitFor({ timeout: 2000 });
      await card
        .locator(`[data-testid="call-candidate"][data-customer-id="${twin.id}"]`)
        .getByTestId('call-choose')
        .click();
      await card.getByTestId('call-customer-code').waitFor();
      expect(await card.getByTestId('call-customer-code').textContent()).toContain(twin.code);
      expect((await admin.get(`/api/history/${res.body.entryId}`).expect(200)).body.customerId).toBe(twin.id);
    } catch (e) {
      await screenshotOnFailure(page, 'cti-several');
      throw e;
    } finally {
      await context.close();
    }
  });

  it('creates a CTI token in settings, shows it once, and deletes it after asking', async () => {
    const { context, page } = await signedIn();
    try {
      await page.goto(`${base}/settings/cti-tokens`);
      await page.getByTestId('cti-token-name').fill('本社PBX');
      await page.getByTestId('cti-token-create').click();
      const shown = (await page.getByTestId('token-value').textContent())!.trim();
      expect(shown).toMatch(/^mdg_cti_/);
      await page.getByTestId('token-dialog-close').click();
      const row = page.getByTestId('cti-token-row').filter({ hasText: '本社PBX' });
      await row.waitFor();
      expect(await page.getByTestId('cti-token-row').count()).toBe(2);
      // The token works for calls until it is deleted.
      await t.http
        .post('/api/cti/calls')
        .set('Authorization', `Bearer ${shown}`)
        .send({ callId: 'ui-settings-1', from: '0311112222', event: 'ringing' })
        .expect(201);
      await row.getByTestId('cti-token-delete').click();
      await page.getByTestId('confirm-ok').click();
      await row.waitFor({ state: 'detached' });
      await t.http
        .post('/api/cti/calls')
        .set('Authorization', `Bearer ${shown}`)
        .send({ callId: 'ui-settings-2', from: '0311112222', event: 'ringing' })
        .expect(401);
    } catch (e) {
      await screenshotOnFailure(page, 'cti-settings');
      throw e;
    } finally {
      await context.close();
    }
  });
});
