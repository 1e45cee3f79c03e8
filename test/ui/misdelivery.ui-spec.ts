import { IntakeService } from '@madoguchi/mail';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure } from '@test/support/browser';
import { rawMail } from '@test/support/mail-builder';
import { Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

const PASSWORD = 'misdelivery-pass-123';

/** Issue 13 point 11 in the browser: 誤送信防止 before sending, the personal signature, rich text replies. */
describe('misdelivery check, signature and rich text in the composer', () => {
  let t: TestApp;
  let base: string;
  let agent: Session;
  let ticketId: number;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  const replies = async () => (await agent.get(`/api/tickets/${ticketId}/replies`).expect(200)).body as { text: string; html: string | null; cc: string[]; attachments: { filename: string }[] }[];

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const admin = await t.login();
    const box = await admin.post('/api/mailboxes', { name: 'お問い合わせ', address: 'support@example.jp', smtp: { host: '127.0.0.1', port: 9, secure: false } }).expect(201);
    const group = await admin
      .post('/api/groups', { name: '担当', rights: [], mailboxRights: [{ mailboxId: box.body.id, view: true, reply: true, approve: false, manage: false }] })
      .expect(201);
    await admin.post('/api/users', { email: 'agent@test.local', name: '佐藤 花子', password: PASSWORD, groupIds: [group.body.id], active: true }).expect(201);
    agent = await t.login('agent@test.local', PASSWORD);
    await agent.put('/api/me/signature', { signature: '株式会社まどぐち\n佐藤' }).expect(200);
    await t.app.get(IntakeService).ingest(
      { id: box.body.id, address: 'support@example.jp' },
      rawMail({ from: 'yamada@customer.example.jp', fromName: '山田 太郎', to: 'support@example.jp', subject: '見積のお願い', body: '見積をください', messageId: 'misdelivery-ui-1@example.jp' }),
      { kind: 'smtp' },
    );
    ticketId = (await admin.get('/api/tickets').expect(200)).body.items[0].id;
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  const signIn = async (page: Page) => {
    await page.goto(`${base}/inbox`);
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-email').fill('agent@test.local');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/inbox/);
  };

  it('asks before sending to an outside Cc with an attachment; going back keeps the draft, confirming sends', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await signIn(page);
      await page.goto(`${base}/tickets/${ticketId}`);
      const text = page.getByTestId('reply-text');
      await text.waitFor();
      // The personal signature is put in once, below an empty body.
      await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { value: string } | null } }).document.querySelector('[data-testid="reply-text"]')?.value.includes('株式会社まどぐち'));
      expect(await text.inputValue()).toBe('\n\n株式会社まどぐち\n佐藤');

      await text.focus();
      await page.keyboard.press('Control+Home');
      await page.keyboard.type('山田様 お見積りをお送りします。');
      await page.getByTestId('reply-cc').fill('partner@other.example.com');
      await page.getByTestId('composer-file-input').setInputFiles({ name: '見積書.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%test\n') });
      await page.getByTestId('composer-attachment').first().waitFor();
      // A reload finds the server draft: the signature is not put in a second time.
      await page.waitForTimeout(1_500);
      await page.reload();
      await page.getByTestId('draft-restored').waitFor();
      expect(await text.inputValue()).toBe('山田様 お見積りをお送りします。\n\n株式会社まどぐち\n佐藤');
      expect(await page.getByTestId('reply-cc').inputValue()).toBe('partner@other.example.com');
      await page.getByTestId('composer-file-input').setInputFiles({ name: '見積書.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%test\n') });
      await page.getByTestId('composer-attachment').first().waitFor();

      await page.getByTestId('reply-send').click();
      const dialog = page.getByTestId('misdelivery-dialog');
      await dialog.waitFor();
      const reasons = await page.getByTestId('misdelivery-reasons').locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('data-reason')));
      expect(reasons).toEqual(['outsideDomain', 'attachments', 'ccBccChanged']);
      const outside = page.getByTestId('misdelivery-recipient').filter({ hasText: 'partner@other.example.com' });
      expect(await outside.getAttribute('data-outside')).toBe('true');
      expect(await page.getByTestId('misdelivery-recipient').filter({ hasText: 'yamada@customer.example.jp' }).getAttribute('data-outside')).toBe('false');
      expect(await page.getByTestId('misdelivery-attachments').innerText()).toContain('見積書.pdf');
      // Sending needs the tick.
      expect(await page.getByTestId('misdelivery-send').isDisabled()).toBe(true);

      // Going back (Esc) sends nothing and keeps everything.
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await replies()).toHaveLength(0);
      expect(await text.inputValue()).toContain('山田様 お見積りをお送りします。');
      expect(await page.getByTestId('reply-cc').inputValue()).toBe('partner@other.example.com');

      // Confirming by keyboard sends.
      await page.getByTestId('reply-send').click();
      await dialog.waitFor();
      await page.getByTestId('misdelivery-confirm').locator('input').focus();
      await page.keyboard.press('Space');
      await page.getByTestId('misdelivery-send').click();
      await dialog.waitFor({ state: 'detached' });
      const until = Date.now() + 10_000;
      while ((await replies()).length !== 1) {
        if (Date.now() > until) throw new Error('the reply was not sent after confirming');
        await page.waitForTimeout(100);
      }
      const [reply] = await replies();
      expect(reply.cc).toEqual(['partner@other.example.com']);
      expect(reply.attachments.map((a) => a.filename)).toEqual(['見積書.pdf']);
      expect(reply.text).toBe('山田様 お見積りをお送りします。\n\n株式会社まどぐち\n佐藤');
    } catch (e) {
      await screenshotOnFailure(page, 'misdelivery');
      throw e;
    } finally {
      await context.close();
    }
  });

  it('sends a rich text reply as sanitised HTML, without asking when only the customer is addressed', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await signIn(page);
      await page.goto(`${base}/tickets/${ticketId}`);
      await page.getByTestId('reply-text').waitFor();
      await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { value: string } | null } }).document.querySelector('[data-testid="reply-text"]')?.value.includes('株式会社まどぐち'));
      await page.getByTestId('composer-rich-toggle').click();
      const editor = page.getByTestId('reply-rich-text');
      await editor.waitFor();
      await editor.focus();
      await page.keyboard.press('Control+Home');
      await page.keyboard.press('Control+b');
      await page.keyboard.type('重要なお知らせ');
      await page.getByTestId('reply-send').click();
      const until = Date.now() + 10_000;
      while ((await replies()).length !== 2) {
        if (Date.now() > until) throw new Error('the rich reply was not sent');
        await page.waitForTimeout(100);
      }
      expect(await page.getByTestId('misdelivery-dialog').count()).toBe(0);
      const rich = (await replies())[1];
      expect(rich.html).toMatch(/<b>重要なお知らせ<\/b>/);
      expect(rich.text).toContain('重要なお知らせ');
      expect(rich.text).toContain('株式会社まどぐち');
    } catch (e) {
      await screenshotOnFailure(page, 'misdelivery-rich');
      throw e;
    } finally {
      await context.close();
    }
  });
});
