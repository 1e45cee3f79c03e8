import { IntakeService } from '@madoguchi/mail';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure } from '@test/support/browser';
import { rawMail } from '@test/support/mail-builder';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

async function waitForCount(page: Page, testId: string, n: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await page.getByTestId(testId).count()) !== n) {
    if (Date.now() > until)
      throw new Error(`expected ${n} × ${testId}, saw ${await page.getByTestId(testId).count()}`);
    await page.waitForTimeout(50);
  }
}

/** Issue 13 point 1 in the browser: 自分に割り当て on the ticket, the name in the list, the 自分の担当 filter. */
describe('assigning a ticket in the browser', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let adminName: string;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let mailbox: { id: number; address: string };

  const deliver = (subject: string, messageId: string) =>
    t.app
      .get(IntakeService)
      .ingest(
        mailbox,
        rawMail({
          from: 'hanako@example.jp',
          fromName: '山田 花子',
          to: mailbox.address,
          subject,
          body: `${subject}の本文`,
          messageId,
        }),
        { kind: 'smtp' },
      );

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    adminName = (await admin.get('/api/auth/me').expect(200)).body.name;
    const res = await admin
      .post('/api/mailboxes', { name: 'お問い合わせ', address: 'assign@example.jp' })
      .expect(201);
    mailbox = { id: res.body.id, address: 'assign@example.jp' };
    await deliver('見積のお願い', 'assign-ui-1@example.jp');
    await deliver('納期について', 'assign-ui-2@example.jp');
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('assigns a ticket to me in one click; the list shows my name and 自分の担当 finds it', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/inbox`);
      await page.waitForURL(/\/login/);
      await page.getByTestId('login-email').fill(ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/inbox/);
      await waitForCount(page, 'ticket-row', 2);

      await page.getByTestId('ticket-row').filter({ hasText: '見積のお願い' }).click();
      await page.waitForURL(/\/tickets\/\d+$/);
      expect(await page.getByTestId('ticket-assignee-name').textContent()).toContain('未割り当て');
      // Reachable by keyboard: the button takes the focus and Enter presses it.
      await page.getByTestId('ticket-assign-me').focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('ticket-unassign').waitFor();
      expect(await page.getByTestId('ticket-assignee-name').textContent()).toContain(adminName);
      await page.getByTestId('ticket-assign-me').waitFor({ state: 'detached' });

      await page.getByTestId('ticket-back').click();
      await page.waitForURL(/\/inbox\/\d+/);
      await waitForCount(page, 'ticket-row', 2);
      const row = page.getByTestId('ticket-row').filter({ hasText: '見積のお願い' });
      expect(await row.getByTestId('ticket-row-assignee').textContent()).toContain(adminName);

      await page.getByTestId('inbox-assignee-filter').click();
      await page.getByTestId('inbox-assignee-me').click();
      await page.waitForURL(/assignee=me/);
      await waitForCount(page, 'ticket-row', 1);
      expect(await page.getByTestId('ticket-row').first().textContent()).toContain('見積のお願い');
      await page.getByTestId('inbox-assignee-me').waitFor({ state: 'detached' });

      await page.getByTestId('inbox-assignee-filter').click();
      await page.getByTestId('inbox-assignee-none').click();
      await page.waitForURL(/assignee=none/);
      await waitForCount(page, 'ticket-row', 1);
      expect(await page.getByTestId('ticket-row').first().textContent()).toContain('納期について');
    } catch (e) {
      await screenshotOnFailure(page, 'ticket-assign');
      throw e;
    } finally {
      await context.close();
    }
  });
});
