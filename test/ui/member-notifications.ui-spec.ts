import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { OutboxDispatcher } from '@madoguchi/core';
import { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure, signIn, waitForText, waitUntil } from '@test/support/browser';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';
import { simpleParser } from 'mailparser';

jest.setTimeout(180_000);

/**
 * Issue 17 point 3 in the browser: 設定 > 通知メール — an unknown placeholder and a bad recipient
 * shown under their fields in Japanese, a preview with a customer picked from a search, a save;
 * then a customer entered by hand with 「登録通知メールを送る」 gets the mail.
 */
describe('notification mails settings in the console', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    sink = await startSmtpSink();
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    await admin
      .post('/api/mailboxes', {
        name: '会員窓口',
        address: 'members-ui@example.jp',
        smtp: { host: sink.host, port: sink.port, secure: false },
      })
      .expect(201);
    await admin
      .post('/api/customers', {
        lastName: '見本',
        firstName: '花子',
        email: 'mihon@example.jp',
        address: '大阪府大阪市',
      })
      .expect(201);
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
    await sink?.stop();
  });

  it('refuses an unknown placeholder and a bad recipient by field, previews with a real customer, saves, and the hand-entered customer gets the mail', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    let page: Page | undefined;
    try {
      page = await context.newPage();
      await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD, '/settings/member-notifications');
      const withdrawBody = page.getByTestId('member-notification-body-customerOnWithdraw');
      await waitUntil('the defaults to load', async () =>
        (await withdrawBody.inputValue()).includes('{name}'),
      );
      expect(
        await page.getByTestId('member-notification-placeholders-adminOnRegister').textContent(),
      ).toContain('{contents}');

      await withdrawBody.fill('{name} 様、{time} に退会しました。');
      await page.getByTestId('member-notification-recipients').fill('office@example.jp\nnot-an-address');
      await page.getByTestId('member-notifications-save').click();
      await waitForText(
        page.getByTestId('member-notification-body-error-customerOnWithdraw'),
        '使えない差し込み項目です: {time}',
      );
      await waitForText(
        page.getByTestId('member-notification-recipients-error'),
        'メールアドレスの形式が正しくありません',
      );

      await withdrawBody.fill('{name} 様、退会を承りました。');
      await page.getByTestId('member-notification-recipients').fill('office@example.jp; boss@example.jp');
      for (const t of ['adminOnRegister', 'customerOnRegister', 'customerOnWithdraw'])
        await page.getByTestId(`member-notification-enabled-${t}`).locator('button').click();

      // Preview with a customer found by name, the unsaved text.
      await page.getByTestId('member-notification-customer').fill('見本');
      await page.getByTestId('member-notification-customer-option').first().click();
      await page.getByTestId('member-notification-preview-adminOnRegister').click();
      await waitForText(page.getByTestId('member-notification-preview-body'), '姓: 見本');
      expect(await page.getByTestId('member-notification-preview-body').textContent()).toContain(
        '住所: 大阪府大阪市',
      );
      expect(await page.getByTestId('member-notification-preview-to').textContent()).toContain(
        'office@example.jp',
      );
      await page.getByTestId('member-notification-preview-customerOnWithdraw').click();
      await waitForText(
        page.getByTestId('member-notification-preview-body'),
        '見本 花子 様、退会を承りました。',
      );

      await page.getByTestId('member-notifications-save').click();
      await waitUntil(
        'the settings to be saved',
        async () =>
          (await admin.get('/api/settings/member-notifications').expect(200)).body.adminOnRegister.enabled ===
          true,
      );
      const saved = (await admin.get('/api/settings/member-notifications').expect(200)).body;
      expect(saved.adminOnRegister.recipients).toEqual(['office@example.jp', 'boss@example.jp']);
      expect(saved.customerOnWithdraw).toMatchObject({
        enabled: true,
        body: '{name} 様、退会を承りました。',
      });

      // A customer entered by hand with 「登録通知メールを送る」.
      await page.goto(`${base}/customers/new`);
      await page.getByTestId('field-lastName').fill('手入力');
      await page.getByTestId('field-email').fill('te@example.jp');
      await page.getByTestId('field-notify').locator('input').check();
      await page.getByTestId('customer-save').click();
      await page.waitForURL(/\/customers\/\d+$/);
      await waitUntil('the mails to go out', async () => {
        await t.app.get(OutboxDispatcher).dispatchDue();
        return sink.messages().length >= 2;
      });
      const mails = await Promise.all(
        sink
          .messages()
          .map(async (m) => ({ to: m.envelope.rcptTo, text: (await simpleParser(m.raw)).text ?? '' })),
      );
      expect(mails.find((m) => m.to.includes('te@example.jp'))).toBeDefined();
      expect(mails.find((m) => m.to.includes('office@example.jp'))!.text).toContain('姓: 手入力');
    } catch (e) {
      await screenshotOnFailure(page, 'member-notifications');
      throw e;
    } finally {
      await context.close();
    }
  });
});
