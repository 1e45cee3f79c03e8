import { fromEmail } from '@madoguchi/mail';
import { TicketsService } from '@madoguchi/tickets';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure, signIn, waitForText, waitUntil } from '@test/support/browser';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';
import { DataSource } from 'typeorm';

jest.setTimeout(180_000);

/**
 * Issue 17 point 6 in the browser: a ブラック customer's badge in the ticket view, the MYPAGE
 * thread list and the SMS dialog, and replying or texting them asks first (cancel sends nothing).
 */
describe('list flags (グレー / ブラック) where the customer appears', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let page: Page | undefined;
  let customerId: number;
  let ticketId: number;
  let mailboxId: number;

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    mailboxId = (
      await admin.post('/api/mailboxes', { name: '注意窓口', address: 'care@example.jp' }).expect(201)
    ).body.id;
    await admin
      .put('/api/mypage/settings', { mailboxId, customersMayStartThreads: false, fallbackRecipients: [] })
      .expect(200);
    await admin.put('/api/sms/settings', { provider: 'local', mailboxId }).expect(200);
    customerId = (
      await admin
        .post('/api/customers', {
          lastName: '要注意',
          firstName: '太郎',
          email: 'caution@example.jp',
          mobile: '090-6666-0001',
          listFlag: 'black',
        })
        .expect(201)
    ).body.id;
    await admin
      .post('/api/mypage/threads', { customerId, title: '契約の件', post: { text: 'ご確認ください。' } })
      .expect(201);
    const [filed] = await t.app
      .get(DataSource)
      .transaction((m) =>
        t.app
          .get(TicketsService)
          .receive(m, [
            fromEmail(
              {
                mailboxId,
                rawMessageId: null,
                messageId: 'caution-1@example.jp',
                inReplyTo: [],
                references: [],
                from: { address: 'caution@example.jp', name: '要注意 太郎' },
                to: [{ address: 'care@example.jp', name: '' }],
                cc: [],
                subject: '請求について',
                text: '請求書が届きません。',
                html: null,
                attachments: [],
                classification: 'normal',
                receivedAt: new Date(),
              },
              null,
            ),
          ]),
      );
    ticketId = filed.ticketId;
    expect((await admin.get(`/api/tickets/${ticketId}`).expect(200)).body.customerId).toBe(customerId);
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('shows the badge and asks before a reply or an SMS goes to a black-listed customer', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    page = await context.newPage();
    try {
      await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD, `/tickets/${ticketId}`);
      const badge = page.getByTestId('customer-panel').getByTestId('list-flag-badge');
      await waitForText(badge, 'ブラック');

      await page.getByTestId('reply-text').fill('確認して折り返しご連絡します。');
      await page.getByTestId('reply-send').click();
      const dialog = page.locator('mat-dialog-container');
      await waitForText(dialog, '要注意 太郎 様はブラックリストに登録されています。それでも返信しますか？');
      await page.getByTestId('confirm-cancel').click();
      await dialog.waitFor({ state: 'detached' });
      expect((await admin.get(`/api/tickets/${ticketId}/replies`).expect(200)).body).toHaveLength(0);
      await page.getByTestId('reply-send').click();
      await waitForText(dialog, 'ブラックリスト');
      await page.getByTestId('confirm-ok').click();
      await waitUntil(
        'the reply to be created',
        async () => (await admin.get(`/api/tickets/${ticketId}/replies`).expect(200)).body.length === 1,
      );

      await page.goto(`${base}/messages`);
      await waitForText(page.getByTestId('thread-customer').first(), '要注意 太郎');
      await waitForText(
        page
          .locator('tr', { has: page.getByTestId('thread-customer') })
          .first()
          .getByTestId('list-flag-badge'),
        'ブラック',
      );

      await page.goto(`${base}/customers/${customerId}`);
      await page.getByTestId('customer-send-sms').click();
      const sms = page.locator('mat-dialog-container');
      await waitForText(sms.getByTestId('sms-recipient'), 'ブラック');
      await sms.getByTestId('sms-body').fill('お電話ください。');
      await sms.getByTestId('sms-send').click();
      await waitForText(page.locator('mat-dialog-container').last(), 'それでもSMSを送信しますか？');
      await page.locator('mat-dialog-container').last().getByTestId('confirm-cancel').click();
      expect((await admin.get(`/api/sms/messages?customerId=${customerId}`).expect(200)).body.total).toBe(0);
    } catch (e) {
      await screenshotOnFailure(page, 'list-flags');
      throw e;
    } finally {
      await context.close();
    }
  });
});
