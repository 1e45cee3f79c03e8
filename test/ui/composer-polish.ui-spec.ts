import { IntakeService } from '@madoguchi/mail';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { dialogReady, launchBrowser, screenshotOnFailure, signIn, waitForText, waitUntil } from '@test/support/browser';
import { rawMail } from '@test/support/mail-builder';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

const PASSWORD = 'polish-pass-12345';

/**
 * Issue 13 point 11, what a first-time agent ran into, in the browser: a reply of only the
 * signature is refused; a form's 「入力内容を確認」 banner goes once the field is fixed; a rich
 * draft keeps its formatting over a reload; templates in 新規メール作成; the notice settings
 * screen; a form's ticket subject field; the list and the settings tables at 390 px.
 */
describe('composer and console polish in the browser', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let agent: Session;
  let mailboxId: number;
  let ticketId: number;
  let agentId: number;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '横浜ショールーム受付窓口', address: 'showroom@example.jp', smtp: { host: '127.0.0.1', port: 9, secure: false } }).expect(201)).body.id;
    const group = await admin
      .post('/api/groups', { name: '担当', rights: ['customers.read'], mailboxRights: [{ mailboxId, view: true, reply: true, approve: false, manage: false }] })
      .expect(201);
    agentId = (await admin.post('/api/users', { email: 'polish@test.local', name: '佐藤 花子', password: PASSWORD, groupIds: [group.body.id], active: true }).expect(201)).body.id;
    agent = await t.login('polish@test.local', PASSWORD);
    await agent.put('/api/me/signature', { signature: '株式会社まどぐち\n佐藤' }).expect(200);
    await t.app.get(IntakeService).ingest(
      { id: mailboxId, address: 'showroom@example.jp' },
      rawMail({ from: 'yamada@customer.example.jp', fromName: '山田 太郎', to: 'showroom@example.jp', subject: '試乗の予約', body: '土曜に試乗できますか', messageId: 'polish-ui-1@example.jp' }),
      { kind: 'smtp' },
    );
    ticketId = (await admin.get('/api/tickets').expect(200)).body.items[0].id;
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  /** A fresh context signed in as the agent (or the admin), at `path`; the test gets its page. */
  const withPage = async (name: string, run: (page: Page) => Promise<void>, opts: { admin?: boolean; width?: number; path?: string; landing?: RegExp } = {}) => {
    const context: BrowserContext = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: opts.width ?? 1280, height: 900 } });
    const page = await context.newPage();
    try {
      await signIn(page, base, opts.admin ? ADMIN_EMAIL : 'polish@test.local', opts.admin ? ADMIN_PASSWORD : PASSWORD, opts.path ?? '/inbox', opts.landing);
      await run(page);
    } catch (e) {
      await screenshotOnFailure(page, name);
      throw e;
    } finally {
      await context.close();
    }
  };
  const replyText = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as { document: { querySelector(s: string): { value: string } | null } }).document.querySelector('[data-testid="reply-text"]')?.value ?? '');

  it('refuses a reply that is only the signature, and drops the message as soon as something is written', async () => {
    await withPage('polish-signature-only', async (page) => {
      await page.goto(`${base}/tickets/${ticketId}`);
      await page.getByTestId('reply-text').waitFor();
      await waitUntil('the signature in the body', async () => (await replyText(page)).includes('株式会社まどぐち'));
      await page.getByTestId('reply-send').click();
      await waitForText(page.getByTestId('reply-error'), '署名だけ');
      await waitForText(page.getByTestId('error-text'), '署名だけ');
      expect((await agent.get(`/api/tickets/${ticketId}/replies`).expect(200)).body).toHaveLength(0);

      await page.getByTestId('reply-text').focus();
      await page.keyboard.press('Control+Home');
      await page.keyboard.type('山田様');
      await waitUntil('the banner to go', async () => (await page.getByTestId('reply-error').count()) === 0);
      expect(await page.getByTestId('error-text').count()).toBe(0);
    });
  });

  it('keeps a rich draft bold over a reload', async () => {
    await withPage('polish-rich-draft', async (page) => {
      await page.goto(`${base}/tickets/${ticketId}`);
      await page.getByTestId('reply-text').waitFor();
      await waitUntil('the signature in the body', async () => (await replyText(page)).includes('株式会社まどぐち'));
      await page.getByTestId('composer-rich-toggle').click();
      const editor = page.getByTestId('reply-rich-text');
      await editor.waitFor();
      await editor.focus();
      await page.keyboard.press('Control+Home');
      await page.keyboard.press('Control+b');
      await page.keyboard.type('大切なご案内');
      await waitUntil('the rich draft on the server', async () => {
        const res = await agent.get(`/api/tickets/${ticketId}/draft`);
        return res.status === 200 && /<(b|strong)>大切なご案内<\/(b|strong)>/.test(res.body.bodyHtml ?? '');
      });
      await page.reload();
      const restored = page.getByTestId('reply-rich-text');
      await restored.waitFor();
      await waitUntil('the bold text back in the editor', async () => /<(b|strong)>大切なご案内<\/(b|strong)>/.test(await restored.innerHTML()));
      await agent.delete(`/api/tickets/${ticketId}/draft`).expect(204);
    });
  });

  it('inserts a template, filled for the customer, into a new mail', async () => {
    const template = (await admin.post('/api/templates', { mailboxId, kind: 'body', name: '試乗のご案内', body: '{{customer.name}}様\n{{mailbox.name}}の{{agent.name}}です。' }).expect(201)).body.id as number;
    const customerId = (await admin.post('/api/customers', { lastName: '鈴木', firstName: '一郎', email: 'suzuki@customer.example.jp' }).expect(201)).body.id as number;
    await withPage(
      'polish-new-mail-template',
      async (page) => {
        await page.getByTestId('customer-new-mail').click();
        const dialog = await dialogReady(page, 'new-mail-subject');
        await waitForText(dialog.getByTestId('new-mail-mailbox'), '横浜ショールーム');
        await dialog.getByTestId('new-mail-template').click();
        await page.getByTestId(`new-mail-template-${template}`).click();
        await waitUntil('the template in the body', async () => (await dialog.getByTestId('new-mail-text').inputValue()).includes('鈴木 一郎様'));
        expect(await dialog.getByTestId('new-mail-text').inputValue()).toBe('鈴木 一郎様\n横浜ショールーム受付窓口の佐藤 花子です。');
      },
      { path: `/customers/${customerId}` },
    );
  });

  it('saves the notice settings on their screen and shows them again after a reload', async () => {
    await withPage(
      'polish-notification-settings',
      async (page) => {
        const assign = page.getByTestId('pref-mail-on-assign').locator('input');
        await assign.waitFor();
        await waitUntil('the settings loaded', async () => !(await page.getByTestId('notification-settings-save').isDisabled()));
        expect(await assign.isChecked()).toBe(false);
        await assign.check();
        await page.getByTestId('notification-settings-save').click();
        await waitUntil('the preference saved', async () => (await agent.get('/api/me/notification-preferences').expect(200)).body.mailOnAssign === true);
        expect((await agent.get('/api/me/notification-preferences').expect(200)).body).toMatchObject({ mailOnAssign: true, mailOnMention: false });
        await page.reload();
        await page.getByTestId('pref-mail-on-assign').locator('input').waitFor();
        await waitUntil('the saved choice shown', () => page.getByTestId('pref-mail-on-assign').locator('input').isChecked());
      },
      { path: '/settings/notifications' },
    );
    expect(agentId).toBeGreaterThan(0);
  });

  it('edits a form\'s ticket subject: an unknown field is refused under the field, the banner goes once fixed, the subject is saved', async () => {
    const formId = (
      await admin
        .post(`/api/mailboxes/${mailboxId}/forms`, {
          name: '試乗予約',
          slug: 'test-drive',
          fields: [
            { key: 'name', label: 'お名前', type: 'text', required: true },
            { key: 'email', label: 'メールアドレス', type: 'email', required: true },
          ],
          replyEmailField: 'email',
        })
        .expect(201)
    ).body.id as number;
    await withPage(
      'polish-form-subject',
      async (page) => {
        const subject = page.getByTestId('field-subjectTemplate');
        await subject.waitFor();
        await subject.fill('{{field.car}}の試乗予約');
        await page.getByTestId('form-save').click();
        await waitForText(page.getByTestId('error-subjectTemplate'), '{{field.car}}');
        await page.getByTestId('form-editor-error').waitFor();
        await subject.fill('{{field.name}}様の試乗予約');
        await waitUntil('the banner to go once the field is fixed', async () => (await page.getByTestId('form-editor-error').count()) === 0);
        await page.getByTestId('form-save').click();
        await waitUntil('the subject saved', async () => {
          const forms = (await admin.get(`/api/mailboxes/${mailboxId}/forms`).expect(200)).body as { id: number; subjectTemplate: string | null }[];
          return forms.find((f) => f.id === formId)?.subjectTemplate === '{{field.name}}様の試乗予約';
        });
      },
      { admin: true, path: `/settings/forms/${mailboxId}/${formId}` },
    );
  });

  it('previews a new template as it is typed, before saving it', async () => {
    const code = (await admin.get(`/api/tickets/${ticketId}`).expect(200)).body.code as string;
    await withPage(
      'polish-template-preview',
      async (page) => {
        await page.getByTestId('field-name').fill('試乗のお礼');
        await page.getByTestId('field-body').fill('{{customer.name}}様 {{ticket.subject}}');
        await page.getByTestId('preview-ticket').fill(code);
        await page.getByTestId('preview-run').click();
        await waitForText(page.getByTestId('preview-text'), '山田 太郎様 試乗の予約');
        // Typing on changes the preview without saving.
        await page.getByTestId('field-body').fill('{{customer.name}}様 ご来店ありがとうございました');
        await waitForText(page.getByTestId('preview-text'), '山田 太郎様 ご来店ありがとうございました');
        expect((await admin.get('/api/templates').query({ mailboxId }).expect(200)).body.some((x: { name: string }) => x.name === '試乗のお礼')).toBe(false);
      },
      { admin: true, path: `/settings/templates/new?mailboxId=${mailboxId}`, landing: /\/settings\/templates\/new/ },
    );
  });

  it('at 390 px: mailbox names read as words, and the list keeps its height while the first page loads', async () => {
    await withPage(
      'polish-390',
      async (page) => {
        const name = page.getByTestId('mailbox-row').first().locator('td').first();
        await name.waitFor();
        const box = await name.boundingBox();
        // One character a line would be ~16 px wide and over 100 px tall for this name.
        expect(box!.width).toBeGreaterThan(80);
        expect(box!.height).toBeLessThan(90);
        // The page itself does not scroll sideways (the toolbar's account links share a menu on a phone).
        expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
        await page.getByTestId('account-menu').click();
        await page.getByTestId('profile-link').waitFor();
        await page.keyboard.press('Escape');

        // The first page held back: placeholder lines keep the table's height meanwhile.
        let release: () => void = () => undefined;
        const held = new Promise<void>((r) => (release = r));
        await page.route(/\/api\/tickets\?/, async (route) => {
          await held;
          await route.continue();
        });
        await page.goto(`${base}/inbox`);
        const loading = page.getByTestId('inbox-loading');
        await loading.waitFor();
        expect((await loading.boundingBox())!.height).toBeGreaterThan(200);
        release();
        await page.getByTestId('ticket-row').first().waitFor();
        expect(await loading.count()).toBe(0);
      },
      { admin: true, width: 390, path: '/settings/mailboxes' },
    );
  });
});
