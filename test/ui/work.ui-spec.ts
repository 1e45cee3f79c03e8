import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure, waitUntil, waitForText, dialogReady } from '@test/support/browser';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(180_000);

/** Issue 12 point 6 in the browser: my open work, overdue marked, opened on the karte, completed, gone. */
describe('作業管理 in the browser', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let customer: { id: number; code: string };
  let overdueId: number;
  let colleagueId: number;

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    const created = await admin.post('/api/customers', { lastName: '鈴木', firstName: '一郎' }).expect(201);
    customer = { id: created.body.id, code: created.body.code };
    colleagueId = (
      await admin
        .post('/api/users', {
          email: 'sato@test.local',
          name: '佐藤',
          password: 'colleague-password-1',
          active: true,
          groupIds: [],
        })
        .expect(201)
    ).body.id;
    const day = 24 * 60 * 60 * 1000;
    // Mine (the admin's, as 担当 by default): one overdue, one due tomorrow, one done.
    overdueId = (
      await admin
        .post(`/api/customers/${customer.id}/history`, {
          title: '折り返し電話のお約束',
          state: 'waiting',
          kind: 'call',
          nextScheduledAt: new Date(Date.now() - day).toISOString(),
        })
        .expect(201)
    ).body.id;
    await admin
      .post(`/api/customers/${customer.id}/history`, {
        title: '見積書の送付',
        state: 'in_progress',
        nextScheduledAt: new Date(Date.now() + day).toISOString(),
      })
      .expect(201);
    await admin
      .post(`/api/customers/${customer.id}/history`, { title: '済んだ作業', state: 'done' })
      .expect(201);
    // A colleague's, which my list does not show.
    await admin
      .post(`/api/customers/${customer.id}/history`, {
        title: '佐藤さんの作業',
        state: 'waiting',
        staffId: colleagueId,
      })
      .expect(201);
    const readers = (
      await admin.post('/api/groups', { name: '閲覧のみ', rights: ['customers.read'] }).expect(201)
    ).body.id;
    await admin
      .post('/api/users', {
        email: 'reader@test.local',
        name: '閲覧者',
        password: 'reader-password-1',
        active: true,
        groupIds: [readers],
      })
      .expect(201);
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('shows my open work by 次回予定 with the overdue one marked, opens it on the karte, and drops it once done', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/work`);
      await page.waitForURL(/\/login/);
      await page.getByTestId('login-email').fill(ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/work$/);

      const rows = page.getByTestId('work-row');
      await waitUntil('two rows', async () => (await rows.count()) === 2);
      expect(await rows.nth(0).getByTestId('work-row-title').textContent()).toContain('折り返し電話のお約束');
      expect(await rows.nth(1).getByTestId('work-row-title').textContent()).toContain('見積書の送付');
      expect(await rows.nth(0).getByTestId('work-row-customer').textContent()).toContain(customer.code);
      expect(await rows.nth(0).getByTestId('work-row-customer').textContent()).toContain('鈴木 一郎');
      expect(await rows.nth(0).getByTestId('work-row-overdue').textContent()).toContain('期限超過');
      expect(await rows.nth(0).getAttribute('class')).toContain('overdue');
      expect(await rows.nth(1).getByTestId('work-row-overdue').count()).toBe(0);
      await waitForText(page.getByTestId('work-paginator'), '2件中');

      // Another staff member's work, by the staff filter.
      await page.getByTestId('work-filter-staff').locator('xpath=ancestor::mat-form-field').click();
      await page.getByRole('option', { name: '佐藤', exact: true }).click();
      await page.locator('.cdk-overlay-transparent-backdrop').waitFor({ state: 'detached' });
      await page.getByTestId('work-filter-apply').click();
      await waitForText(rows.first().getByTestId('work-row-title'), '佐藤さんの作業');
      expect(await rows.count()).toBe(1);
      await page.reload();

      // The row opens the karte at that entry.
      await waitUntil('my two rows', async () => (await rows.count()) === 2);
      await rows.nth(0).click();
      await page.waitForURL(new RegExp(`/customers/${customer.id}\\?entry=${overdueId}$`));
      const selected = page.getByTestId('history-selected');
      await waitForText(selected.getByTestId('history-selected-title'), '折り返し電話のお約束');
      expect(await selected.getAttribute('data-entry-id')).toBe(String(overdueId));
      await waitForText(selected.getByTestId('history-selected-state'), '作業待ち');

      // The agent completes it.
      await selected.getByTestId('history-edit').click();
      const dialog = await dialogReady(page, 'history-entry-title');
      await dialog.getByTestId('history-entry-state').locator('xpath=ancestor::mat-form-field').click();
      await page.getByTestId('history-entry-state-done').click();
      await page.locator('.cdk-overlay-transparent-backdrop').waitFor({ state: 'detached' });
      await dialog.getByTestId('history-entry-save').click();
      await dialog.waitFor({ state: 'detached' });
      await waitForText(selected.getByTestId('history-selected-state'), '完了');
      expect((await admin.get(`/api/history/${overdueId}`).expect(200)).body.state).toBe('done');

      // 作業管理 no longer shows it.
      await page.getByTestId('nav-work').click();
      await page.waitForURL(/\/work$/);
      await waitUntil(
        'one row',
        async () =>
          (await rows.count()) === 1 && ((await rows.first().textContent()) ?? '').includes('見積書の送付'),
      );
      expect(await page.getByTestId('work-row-overdue').count()).toBe(0);
    } catch (e) {
      await screenshotOnFailure(page, 'work');
      throw e;
    } finally {
      await context.close();
    }
  });

  it('shows a reader the entry on the karte without the write actions, and no settings', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/customers/${customer.id}?entry=${overdueId}`);
      await page.waitForURL(/\/login/);
      await page.getByTestId('login-email').fill('reader@test.local');
      await page.getByTestId('login-password').fill('reader-password-1');
      await page.getByTestId('login-submit').click();
      await page.waitForURL(new RegExp(`/customers/${customer.id}\\?entry=${overdueId}$`));
      await waitForText(page.getByTestId('history-selected-title'), '折り返し電話のお約束');
      await page.getByTestId('history-row').first().waitFor();
      for (const id of ['history-new', 'history-edit', 'history-delete', 'history-detail-add'])
        expect(await page.getByTestId(id).count()).toBe(0);
      expect(await page.getByTestId('history-export').count()).toBe(1);
      expect(await page.getByTestId('nav-settings').count()).toBe(0);
      await page.getByTestId('nav-work').click();
      await page.getByTestId('work-empty').waitFor();
    } catch (e) {
      await screenshotOnFailure(page, 'work-reader');
      throw e;
    } finally {
      await context.close();
    }
  });
});
