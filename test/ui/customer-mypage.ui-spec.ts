import { OutboxDispatcher } from '@madoguchi/core';
import { simpleParser } from 'mailparser';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure, signIn, waitForText } from '@test/support/browser';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

/**
 * MYPAGE on the karte (issue #15 point 1): an agent invites the customer (the mail with its
 * one-time link reaches the SMTP server), sees the state, and disables and enables access.
 */
describe('MYPAGE access on the karte', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let sink: SmtpSink;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let page: Page | undefined;

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    sink = await startSmtpSink();
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    await admin.post('/api/mailboxes', { name: '受付', address: 'desk@example.jp', smtp: { host: sink.host, port: sink.port, secure: false } }).expect(201);
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
    await sink?.stop();
  });

  it('invites the customer by mail, then disables and enables their access', async () => {
    const customerId = (await admin.post('/api/customers', { lastName: '招待', firstName: '花子', email: 'hanako@example.jp' }).expect(201)).body.id;
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    page = await context.newPage();
    try {
      await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD, `/customers/${customerId}`);
      const state = page.getByTestId('customer-mypage-state');
      await waitForText(state, '未招待');
      await page.getByTestId('customer-mypage-invite').click();
      await page.getByTestId('confirm-ok').click();
      await waitForText(state, '招待中');
      await waitForText(state, '招待リンクの有効期限');
      await t.app.get(OutboxDispatcher).dispatchDue();
      const [mail] = await sink.waitFor(1);
      expect(mail.envelope.rcptTo).toEqual(['hanako@example.jp']);
      const parsed = await simpleParser(mail.raw);
      expect(parsed.subject).toContain('お客様マイページ');
      expect(parsed.text).toContain('/mypage/set-password?token=');

      await page.getByTestId('customer-mypage-disable').click();
      await page.getByTestId('confirm-ok').click();
      await waitForText(state, '利用停止中');
      expect((await admin.get(`/api/customers/${customerId}/portal-access`).expect(200)).body.state).toBe('disabled');
      await page.getByTestId('customer-mypage-enable').click();
      await waitForText(state, '招待中');
    } catch (e) {
      await screenshotOnFailure(page, 'customer-mypage');
      throw e;
    } finally {
      await context.close();
    }
  });

  it('says why a customer without an email address cannot be invited', async () => {
    const customerId = (await admin.post('/api/customers', { lastName: '電話', tel: '03-1234-5678' }).expect(201)).body.id;
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    page = await context.newPage();
    try {
      await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD, `/customers/${customerId}`);
      await waitForText(page.getByTestId('customer-mypage-no-email'), 'メールアドレスが登録されていない');
      expect(await page.getByTestId('customer-mypage-invite').isDisabled()).toBe(true);
    } catch (e) {
      await screenshotOnFailure(page, 'customer-mypage-no-email');
      throw e;
    } finally {
      await context.close();
    }
  });
});
