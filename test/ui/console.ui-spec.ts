import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure, waitForText } from '@test/support/browser';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(90_000);

/** Page object for the console, as an agent uses it. */
class Console {
  constructor(
    readonly page: Page,
    readonly base: string,
  ) {}

  async login(email: string, password: string): Promise<void> {
    await this.page.goto(`${this.base}/customers`);
    await this.page.waitForURL(/\/login/);
    await this.page.getByTestId('login-email').fill(email);
    await this.page.getByTestId('login-password').fill(password);
    await this.page.getByTestId('login-submit').click();
  }

  async searchCustomers(q: string): Promise<void> {
    await this.page.getByTestId('customer-search').fill(q);
    await this.page.getByTestId('customer-search').press('Enter');
    await this.page.waitForURL((url) => new URL(url).searchParams.get('q') === q);
  }

  rows() {
    return this.page.getByTestId('customer-row');
  }

  /** Waits until the result table shows exactly n customers. */
  async waitForRows(n: number, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while ((await this.rows().count()) !== n) {
      if (Date.now() > until) throw new Error(`expected ${n} customer rows, saw ${await this.rows().count()}`);
      await this.page.waitForTimeout(50);
    }
  }
}

describe('console in the browser', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    const built = resolve(__dirname, '../../dist/frontend/console/browser/index.html');
    if (!existsSync(built)) throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    for (const c of [
      { lastName: '田中', firstName: '太郎', lastNameKana: 'タナカ', firstNameKana: 'タロウ', email: 'taro@example.jp', mobile: '090-1234-5678', branch: '東京本店' },
      { lastName: '山田', firstName: '花子', lastNameKana: 'ヤマダ', firstNameKana: 'ハナコ', email: 'hanako@example.jp', branch: '大阪支店' },
      { lastName: '鈴木', firstName: '一郎', lastNameKana: 'スズキ', firstNameKana: 'イチロウ', email: 'ichiro@example.jp', branch: '名古屋支店' },
    ]) {
      await admin.post('/api/customers', c).expect(201);
    }
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  /** A test in a fresh browser context; a failing one leaves a screenshot in test-results/. */
  function uiTest(name: string, body: (c: Console) => Promise<void>): void {
    it(name, async () => {
      const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
      const c = new Console(await context.newPage(), base);
      try {
        await body(c);
      } catch (e) {
        await screenshotOnFailure(c.page, name);
        throw e;
      } finally {
        await context.close();
      }
    });
  }

  uiTest('opens 受信箱 after signing in from the start page', async (c) => {
    await c.page.goto(`${base}/`);
    await c.page.waitForURL(/\/login/);
    await c.page.getByTestId('login-email').fill(ADMIN_EMAIL);
    await c.page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await c.page.getByTestId('login-submit').click();
    await c.page.waitForURL(/\/inbox/);
  });

  uiTest('refuses a wrong password with a readable message', async (c) => {
    await c.login(ADMIN_EMAIL, 'wrong-password');
    await expect(c.page.getByTestId('login-error').textContent()).resolves.toContain('メールアドレスまたはパスワードが違います');
  });

  uiTest('signs in, finds customers by one kanji, opens one, edits and saves it', async (c) => {
    await c.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    await c.page.waitForURL(/\/customers/);
    await c.rows().first().waitFor();

    await c.searchCustomers('田');
    await c.waitForRows(2);
    const names = await c.rows().allTextContents();
    expect(names.some((n) => n.includes('田中'))).toBe(true);
    expect(names.some((n) => n.includes('山田'))).toBe(true);
    expect(names.some((n) => n.includes('鈴木'))).toBe(false);

    await c.rows().filter({ hasText: '田中' }).click();
    await c.page.waitForURL(/\/customers\/\d+$/);
    const lastName = c.page.getByTestId('field-lastName');
    await expect(lastName.inputValue()).resolves.toBe('田中');

    // A bad value is refused next to its field and nothing is saved.
    const email = c.page.getByTestId('field-email');
    await email.fill('not-an-email');
    await email.blur();
    await c.page.getByTestId('error-email').waitFor();

    await email.fill('taro.tanaka@example.jp');
    await c.page.getByTestId('field-address').fill('東京都千代田区丸の内1-1-1');
    await c.page.getByTestId('customer-save').click();

    const id = Number(new URL(c.page.url()).pathname.split('/').pop());
    for (let i = 0; i < 50; i++) {
      const res = await admin.get(`/api/customers/${id}`);
      if (res.body.address === '東京都千代田区丸の内1-1-1') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const saved = await admin.get(`/api/customers/${id}`).expect(200);
    expect(saved.body).toMatchObject({ email: 'taro.tanaka@example.jp', address: '東京都千代田区丸の内1-1-1', lastName: '田中' });
  });

  uiTest('keeps the search in the URL across a reload, and switches to English', async (c) => {
    await c.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    await c.page.waitForURL(/\/customers/);
    await c.searchCustomers('鈴木');
    await c.waitForRows(1);
    await c.page.reload();
    await c.waitForRows(1);
    await expect(c.page.getByTestId('customer-search').inputValue()).resolves.toBe('鈴木');

    await c.page.getByTestId('lang-en').click();
    // The switch re-renders the shell: wait for the new words rather than reading at once.
    await waitForText(c.page.getByTestId('nav-customers'), 'Customers');
  });

  uiTest('keeps MYPAGE\'s メッセージ管理 at /messages, apart from the customer portal at /mypage', async (c) => {
    await c.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    await c.page.waitForURL(/\/(inbox|customers)/);
    await c.page.getByTestId('nav-messages').click();
    await c.page.waitForURL(/\/messages$/);
    await c.page.reload();
    await c.page.getByTestId('nav-messages').waitFor();
    // The same browser at /mypage gets the portal, not the console (a staff session is no portal session).
    await c.page.goto(`${base}/mypage`);
    await c.page.waitForURL(/\/mypage\/login/);
    expect(await c.page.getByTestId('nav-messages').count()).toBe(0);
  });
});
