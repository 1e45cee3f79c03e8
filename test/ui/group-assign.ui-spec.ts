import { IntakeService } from '@madoguchi/mail';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser } from 'playwright-core';
import { launchBrowser, screenshotOnFailure } from '@test/support/browser';
import { rawMail } from '@test/support/mail-builder';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

/** Issue 13 point 1 in the browser: assigning a ticket to a group from the ticket page; the group's name on the ticket and the row. */
describe('assigning a ticket to a group in the browser', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let mailbox: { id: number; address: string };
  let groupId: number;

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    const res = await admin.post('/api/mailboxes', { name: 'お問い合わせ', address: 'group@example.jp' }).expect(201);
    mailbox = { id: res.body.id, address: 'group@example.jp' };
    groupId = (
      await admin
        .post('/api/groups', { name: '営業チーム', rights: [], mailboxRights: [{ mailboxId: mailbox.id, view: true, reply: true, approve: false, manage: false }] })
        .expect(201)
    ).body.id;
    // A group without a right on the mailbox is not offered.
    await admin.post('/api/groups', { name: '無関係チーム', rights: [], mailboxRights: [] }).expect(201);
    await t.app
      .get(IntakeService)
      .ingest(mailbox, rawMail({ from: 'hanako@example.jp', fromName: '山田 花子', to: mailbox.address, subject: '見積のお願い', body: '本文', messageId: 'group-ui-1@example.jp' }), { kind: 'smtp' });
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('offers the mailbox’s groups in the assignee menu, shows the group on the ticket and the row, and removes it', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/inbox`);
      await page.waitForURL(/\/login/);
      await page.getByTestId('login-email').fill(ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/inbox/);
      await page.getByTestId('ticket-row').first().click();
      await page.waitForURL(/\/tickets\//);
      await page.getByTestId('ticket-assign-menu').click();
      const option = page.locator(`[data-testid="ticket-assign-group"][data-group-id="${groupId}"]`);
      await option.waitFor();
      const offered = (await page.getByTestId('ticket-assign-group').allTextContents()).join(' ');
      expect(offered).toContain('営業チーム');
      expect(offered).not.toContain('無関係チーム');
      await option.click();
      await page.getByTestId('ticket-assignee-group').filter({ hasText: '営業チーム' }).waitFor();
      const ticket = (await admin.get('/api/tickets').expect(200)).body.items[0];
      expect(ticket.assigneeGroup).toEqual({ id: groupId, name: '営業チーム' });

      await page.goto(`${base}/inbox`);
      await page.getByTestId('ticket-row-assignee').filter({ hasText: '営業チーム' }).waitFor();

      await page.goto(`${base}/tickets/${ticket.id}`);
      await page.getByTestId('ticket-unassign-group').click();
      await page.getByTestId('ticket-assignee-group').waitFor({ state: 'detached' });
      expect((await admin.get(`/api/tickets/${ticket.id}`).expect(200)).body.assigneeGroup).toBeNull();
    } catch (e) {
      await screenshotOnFailure(page, 'group-assign');
      throw e;
    } finally {
      await context.close();
    }
  });
});
