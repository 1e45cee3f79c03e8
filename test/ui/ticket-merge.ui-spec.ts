import { IntakeService } from '@madoguchi/mail';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure, waitUntil } from '@test/support/browser';
import { rawMail } from '@test/support/mail-builder';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

/** Issue 13 points 4 and 5 in the browser: 統合 two tickets (asking first), a merged ticket's URL, 迷惑メール with blocking, the blocked list. */
describe('merge and spam in the browser', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let mailboxId: number;
  let survivor: { id: number; code: string };
  let merged: { id: number; code: string };
  const address = 'merge-ui@example.jp';

  const ingest = async (from: string, subject: string, messageId: string) =>
    (await t.app.get(IntakeService).ingest({ id: mailboxId, address }, rawMail({ from, to: address, subject, body: subject, messageId }), { kind: 'smtp' })).ticketId!;

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '統合テスト', address }).expect(201)).body.id;
    const a = await ingest('hanako@example.jp', '見積のお願い', 'merge-ui-1@example.jp');
    const b = await ingest('hanako@example.jp', '見積の追加', 'merge-ui-2@example.jp');
    const code = async (id: number) => ({ id, code: (await admin.get(`/api/tickets/${id}`).expect(200)).body.code as string });
    survivor = await code(a);
    merged = await code(b);
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  const emails = (page: Page) => page.locator('[data-testid="article"][data-kind="email"]').count();

  it('merges a ticket by its code after saying what moves, and sends a merged ticket’s URL to the survivor', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/tickets/${survivor.id}`);
      await page.waitForURL(/\/login/);
      await page.getByTestId('login-email').fill(ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/inbox|\/tickets/);
      await page.goto(`${base}/tickets/${survivor.id}`);
      await waitUntil('the ticket', async () => (await emails(page)) === 1);

      await page.getByTestId('ticket-merge').click();
      await page.getByTestId('merge-codes').fill('IQ999999');
      await page.getByTestId('merge-look-up').click();
      await page.getByTestId('merge-error').waitFor();
      expect(await page.getByTestId('merge-error').textContent()).toContain('IQ999999');

      await page.getByTestId('merge-codes').fill(merged.code);
      await page.getByTestId('merge-look-up').click();
      // Asking first: nothing has moved yet, the dialog says what will.
      const confirmText = await page.getByTestId('merge-confirm-text').textContent();
      expect(confirmText).toContain(merged.code);
      expect(confirmText).toContain(survivor.code);
      expect((await admin.get(`/api/tickets/${merged.id}`).expect(200)).body.mergedInto).toBeNull();
      await page.getByTestId('merge-confirm').click();
      await waitUntil('both mails on the survivor', async () => (await emails(page)) === 2);
      expect((await admin.get(`/api/tickets/${merged.id}`).expect(200)).body.mergedInto).toEqual(survivor);

      await page.goto(`${base}/tickets/${merged.id}`);
      await page.waitForURL(new RegExp(`/tickets/${survivor.id}$`));
      expect(await page.getByTestId('ticket-code').textContent()).toContain(survivor.code);
    } catch (e) {
      await screenshotOnFailure(page, 'ticket-merge');
      throw e;
    } finally {
      await context.close();
    }
  });

  it('marks a ticket 迷惑メール blocking its sender, lists the block in settings, and removes it', async () => {
    const id = await ingest('spammer@junk.example', '儲け話', 'merge-ui-3@example.jp');
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/login`);
      await page.getByTestId('login-email').fill(ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/inbox/);
      await page.goto(`${base}/tickets/${id}`);
      await page.getByTestId('ticket-spam').click();
      await page.getByTestId('spam-block-domain').locator('input').check();
      await page.getByTestId('spam-confirm').click();
      await page.getByTestId('ticket-spam-flag').waitFor();
      await page.getByTestId('ticket-not-spam').waitFor();
      expect((await admin.get(`/api/tickets/${id}`).expect(200)).body.spam).toBe(true);
      const blocked = (await admin.get(`/api/mailboxes/${mailboxId}/blocked-senders`).expect(200)).body as { pattern: string }[];
      expect(blocked.map((b) => b.pattern)).toEqual(['@junk.example']);

      await page.goto(`${base}/settings/mailboxes/${mailboxId}/automation?tab=blocked-senders`);
      const row = page.getByTestId('blocked-sender').filter({ hasText: '@junk.example' });
      await row.waitFor();
      await page.getByTestId('blocked-sender-pattern').fill('not an address');
      await page.getByTestId('blocked-sender-add').click();
      await page.getByTestId('blocked-sender-error').waitFor();
      await page.getByTestId('blocked-sender-pattern').fill('taro@example.net');
      await page.getByTestId('blocked-sender-add').click();
      await page.getByTestId('blocked-sender').filter({ hasText: 'taro@example.net' }).waitFor();

      await row.getByTestId('blocked-sender-remove').click();
      await page.getByTestId('confirm-ok').click();
      await waitUntil('the block removed', async () => (await row.count()) === 0);
      const list = (await admin.get(`/api/mailboxes/${mailboxId}/blocked-senders`).expect(200)).body as { pattern: string }[];
      expect(list.map((b) => b.pattern)).toEqual(['taro@example.net']);

      await page.goto(`${base}/tickets/${id}`);
      await page.getByTestId('ticket-not-spam').click();
      await page.getByTestId('ticket-spam').waitFor();
      expect((await admin.get(`/api/tickets/${id}`).expect(200)).body.spam).toBe(false);
    } catch (e) {
      await screenshotOnFailure(page, 'ticket-spam');
      throw e;
    } finally {
      await context.close();
    }
  });
});
