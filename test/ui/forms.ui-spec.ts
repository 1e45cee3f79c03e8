import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure, waitUntil } from '@test/support/browser';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(90_000);

/** Page object for a form's public page, as a customer uses it. */
class PublicForm {
  constructor(readonly page: Page) {}

  field(key: string) {
    return this.page.getByTestId(`field-${key}`);
  }

  error(key: string) {
    return this.page.getByTestId(`error-${key}`);
  }

  async confirm(): Promise<void> {
    await this.page.getByTestId('confirm').click();
  }

  confirmed(key: string) {
    return this.page.getByTestId(`confirm-${key}`);
  }
}

describe('inquiry forms in the browser', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let mailboxId: number;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    const built = resolve(__dirname, '../../dist/frontend/console/browser/index.html');
    if (!existsSync(built)) throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '窓口サポート', address: 'support@example.jp' }).expect(201)).body.id;
    await admin
      .post(`/api/mailboxes/${mailboxId}/forms`, {
        name: 'お問い合わせ',
        slug: 'contact',
        description: 'ご質問はこちらから。<通常2営業日以内に回答>',
        fields: [
          { key: 'name', label: 'お名前', type: 'text', required: true },
          { key: 'email', label: 'メールアドレス', type: 'email', required: true },
          { key: 'topic', label: 'ご用件', type: 'select', required: true, options: ['見積', '資料請求', 'その他'] },
          { key: 'contact', label: '連絡方法', type: 'checkbox', required: false, options: ['メール', '電話'] },
          { key: 'plan', label: 'プラン', type: 'radio', required: false, options: ['ライト', 'スタンダード'] },
          { key: 'day', label: 'ご希望日', type: 'date', required: false },
          { key: 'body', label: 'お問い合わせ内容', type: 'textarea', required: true },
        ],
        replyEmailField: 'email',
      })
      .expect(201);
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  function uiTest(name: string, body: (page: Page) => Promise<void>, viewport = { width: 390, height: 844 }): void {
    it(name, async () => {
      const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport });
      const page = await context.newPage();
      try {
        await body(page);
      } catch (e) {
        await screenshotOnFailure(page, name);
        throw e;
      } finally {
        await context.close();
      }
    });
  }

  uiTest('shows the server’s message next to a required field left empty, and files nothing', async (page) => {
    const f = new PublicForm(page);
    await page.goto(`${base}/forms/contact`);
    await expect(page.getByTestId('form-title').textContent()).resolves.toBe('お問い合わせ');
    await expect(page.locator('.desc').textContent()).resolves.toBe('ご質問はこちらから。<通常2営業日以内に回答>');
    await f.field('email').fill('hanako@example.jp');
    await f.field('topic').selectOption('見積');
    await f.field('body').fill('見積をお願いします');
    await f.confirm();
    await f.error('name').waitFor();
    await expect(f.error('name').textContent()).resolves.toBe('必須項目です');
    await expect(page.getByTestId('step-confirm').isHidden()).resolves.toBe(true);
    // The page has no checks of its own: a bad address is also the server's verdict.
    await f.field('name').fill('山田 花子');
    await f.field('email').fill('hanako@');
    await f.confirm();
    await f.error('email').waitFor();
    await expect(f.error('email').textContent()).resolves.toBe('メールアドレスの形式が正しくありません');
    await expect(f.error('name').isHidden()).resolves.toBe(true);
    expect((await admin.get('/api/tickets').query({ mailboxId }).expect(200)).body.total).toBe(0);
  });

  uiTest('fills the form, confirms, goes back to change a value, sends, and shows the done screen with the code', async (page) => {
    const f = new PublicForm(page);
    await page.goto(`${base}/forms/contact`);
    await f.field('name').fill('山田 花子');
    await f.field('email').fill('hanako@example.jp');
    await f.field('topic').selectOption('資料請求');
    await page.getByTestId('field-contact-1').check();
    await page.getByTestId('field-plan-0').check();
    await f.field('day').fill('2026-12-24');
    await f.field('body').fill('カタログを送ってください。\n<b>至急</b>');
    await f.confirm();

    await page.getByTestId('step-confirm').waitFor();
    await expect(f.confirmed('topic').textContent()).resolves.toBe('資料請求');
    await expect(f.confirmed('contact').textContent()).resolves.toBe('電話');
    await expect(f.confirmed('day').textContent()).resolves.toBe('2026/12/24');
    await expect(f.confirmed('body').textContent()).resolves.toBe('カタログを送ってください。\n<b>至急</b>');

    await page.getByTestId('back').click();
    await page.getByTestId('step-input').waitFor();
    // What was entered is still there; change the topic and add a contact method.
    await expect(f.field('name').inputValue()).resolves.toBe('山田 花子');
    await f.field('topic').selectOption('見積');
    await page.getByTestId('field-contact-0').check();
    await f.confirm();
    await page.getByTestId('step-confirm').waitFor();
    await expect(f.confirmed('topic').textContent()).resolves.toBe('見積');
    await expect(f.confirmed('contact').textContent()).resolves.toBe('メール、電話');

    await page.getByTestId('send').click();
    await page.getByTestId('step-done').waitFor();
    await expect(page.getByTestId('step-done').textContent()).resolves.toContain('送信完了');
    const code = await page.getByTestId('done-code').textContent();
    expect(code).toMatch(/^IQ\d{6}$/);

    const list = (await admin.get('/api/tickets').query({ mailboxId }).expect(200)).body;
    expect(list.items).toHaveLength(1);
    const ticket = (await admin.get(`/api/tickets/${list.items[0].id}`).expect(200)).body;
    expect(ticket).toMatchObject({ code, channel: 'form', subject: 'お問い合わせ: 見積' });
    expect(ticket.articles[0].text).toContain('連絡方法: メール、電話');
  });

  uiTest(
    'builds a form in the console: a select field, the reply field, a refused placeholder shown under the body, then the public page',
    async (page) => {
      await page.goto(`${base}/settings/forms?mailboxId=${mailboxId}`);
      await page.waitForURL(/\/login/);
      await page.getByTestId('login-email').fill(ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/settings\/forms/);
      await page.getByTestId('form-row').first().waitFor();
      await page.getByTestId('form-new').click();
      await page.waitForURL(/\/settings\/forms\/\d+\/new$/);

      await page.getByTestId('field-name').fill('Catalog Request');
      // The new form starts with name, email, message and the required privacy consent; add a select as the second field.
      await expect(page.getByTestId('form-field').count()).resolves.toBe(4);
      await expect(page.getByTestId('form-field').nth(3).getByTestId('form-field-key').inputValue()).resolves.toBe('consent');
      await page.getByTestId('form-add-field').click();
      const added = page.getByTestId('form-field').nth(4);
      await added.getByTestId('form-field-label').fill('ご希望の資料');
      await added.getByTestId('form-field-key').fill('catalog');
      await added.getByTestId('form-field-type').click();
      await page.getByTestId('form-field-type-select').click();
      await added.getByTestId('form-field-options').fill('総合カタログ\n価格表');
      await added.getByTestId('form-field-required').locator('input').check();
      // Up twice: the card moves, so it is found by its place each time.
      for (const at of [4, 3, 2]) {
        await page.getByTestId('form-field').nth(at).getByTestId('form-field-up').click();
        // Each move is drawn before the next click finds the card by its new place.
        await waitUntil(`the card moved to ${at - 1}`, async () => (await page.getByTestId('form-field').nth(at - 1).getByTestId('form-field-key').inputValue()) === 'catalog');
      }
      await expect(page.getByTestId('form-field').nth(1).getByTestId('form-field-key').inputValue()).resolves.toBe('catalog');

      await page.getByTestId('field-thankYou-body').fill('{{field.name}} 様 {{customer.name}}');
      await page.getByTestId('form-save').click();
      await page.getByTestId('error-thankYou-body').waitFor();
      await expect(page.getByTestId('error-thankYou-body').textContent()).resolves.toContain('{{customer.name}}');

      await page.getByTestId('field-thankYou-body').fill('{{field.name}} 様\n');
      await page.getByTestId('form-placeholder-{{field.catalog}}').click();
      await page.getByTestId('form-save').click();
      await page.waitForURL(/\/settings\/forms\/\d+\/\d+$/);

      const forms = (await admin.get(`/api/mailboxes/${mailboxId}/forms`).expect(200)).body as { slug: string; fields: { key: string; type: string; options?: string[] }[]; replyEmailField: string; thankYou: { body: string } }[];
      const saved = forms.find((x) => x.slug === 'catalog-request')!;
      expect(saved.fields.map((x) => x.key)).toEqual(['name', 'catalog', 'email', 'body', 'consent']);
      expect(saved.fields[4]).toMatchObject({ type: 'checkbox', required: true, options: ['個人情報の取り扱いに同意する'] });
      expect(saved.fields[1]).toMatchObject({ type: 'select', options: ['総合カタログ', '価格表'] });
      expect(saved.replyEmailField).toBe('email');
      expect(saved.thankYou.body).toBe('{{field.name}} 様\n{{field.catalog}}');

      const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByTestId('form-open-page').click()]);
      await popup.waitForLoadState();
      expect(new URL(popup.url()).pathname).toBe('/forms/catalog-request');
      await expect(popup.getByTestId('form-title').textContent()).resolves.toBe('Catalog Request');
      await expect(popup.getByTestId('field-catalog').locator('option').allTextContents()).resolves.toEqual(['選択してください', '総合カタログ', '価格表']);
      await expect(popup.getByText('個人情報の取り扱いに同意する').count()).resolves.toBeGreaterThan(0);
    },
    { width: 1280, height: 900 },
  );
});
