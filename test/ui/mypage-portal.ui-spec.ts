import { OutboxDispatcher } from '@madoguchi/core';
import { launchBrowser, screenshotOnFailure, waitForText, waitUntil } from '@test/support/browser';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';

jest.setTimeout(180_000);

const PHONE = { width: 390, height: 844 };
const PASSWORD = 'hoshigaki-no-aki-2026';
const EMAIL = 'portal-ui@example.jp';
/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** The element that has the focus, by its test id (or its tag when it has none). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = (
      globalThis as unknown as {
        document: { activeElement: { getAttribute(n: string): string | null; tagName: string } | null };
      }
    ).document.activeElement;
    return el?.getAttribute('data-testid') ?? el?.tagName ?? null;
  });

/** Whether the page is wider than the viewport (a horizontal scroll bar on a phone). */
const scrollsSideways = (page: Page) =>
  page.evaluate(() => {
    const doc = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
    ).document;
    return doc.documentElement.scrollWidth > doc.documentElement.clientWidth;
  });

/**
 * The customer portal (issue #15 point 9, and the customer side of 10 and 13) on a phone-sized
 * browser: a staff admin invites a customer, the customer sets a password from the mailed link
 * (captured locally, as on a fresh clone), lands signed in, signs out and in again, a wrong
 * password is told in Japanese, nothing scrolls sideways at 360 px, and the keyboard alone signs in.
 */
describe('the customer portal (MYPAGE) on a phone', () => {
  let t: TestApp;
  let admin: Session;
  let base: string;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let mailboxId: number;
  let customerId: number;

  const phoneContext = (): Promise<BrowserContext> =>
    browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: PHONE });

  /** The set-password link of the newest captured invitation, as a path on this server. */
  const invitationPath = async (): Promise<string> => {
    while ((await t.app.get(OutboxDispatcher).dispatchDue()) > 0);
    const list = (await admin.get(`/api/mailboxes/${mailboxId}/captured`).expect(200)).body as {
      items: { id: number }[];
    };
    expect(list.items.length).toBeGreaterThan(0);
    const read = (await admin.get(`/api/captured-mail/${list.items[0].id}`).expect(200)).body as {
      message: { subject: string; text: string };
    };
    expect(read.message.subject).toContain('[お客様マイページ]');
    const link = /https?:\/\/[^\s/]+(\/mypage\/set-password\?token=[A-Za-z0-9_%-]+)/.exec(read.message.text);
    if (!link) throw new Error(`no set-password link in: ${read.message.text}`);
    return link[1];
  };

  const signInOnPortal = async (page: Page, email: string, password: string) => {
    await page.getByTestId('login-email').fill(email);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
  };

  beforeAll(async () => {
    for (const app of ['portal', 'console']) {
      const built = resolve(__dirname, `../../dist/frontend/${app}/browser/index.html`);
      if (!existsSync(built))
        throw new Error(`The ${app} is not built: run npm run build:frontend (npm test does it)`);
    }
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    // A mailbox without an SMTP account: the invitation is captured locally (the embedded default).
    mailboxId = (
      await admin
        .post('/api/mailboxes', { name: 'お問い合わせ窓口', address: 'info-portal-ui@example.jp' })
        .expect(201)
    ).body.id;
    customerId = (
      await admin.post('/api/customers', { lastName: '柿本', firstName: '花子', email: EMAIL }).expect(201)
    ).body.id;
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('takes an invited customer from the mailed link to signed in, out, and in again; a wrong password is told in Japanese', async () => {
    await admin.post(`/api/customers/${customerId}/portal-invitation`).expect(201);
    const link = await invitationPath();
    const context = await phoneContext();
    const page = await context.newPage();
    try {
      await page.goto(`${base}${link}`);
      await page.getByTestId('set-password-password').waitFor();
      expect(await page.title()).toBe('パスワードの設定 | お客様マイページ');
      await page.getByTestId('set-password-password').fill(PASSWORD);
      await page.getByTestId('set-password-confirm').fill(PASSWORD);
      await page.getByTestId('set-password-submit').click();
      // Lands signed in on the thread list.
      await page.waitForURL(/\/mypage\/threads$/);
      await waitForText(page.getByTestId('threads-heading'), 'メッセージ');
      expect((await t.http.get(`/api/customers/${customerId}/portal-access`).expect(401)).body.error).toBe(
        'UNAUTHENTICATED',
      );
      expect((await admin.get(`/api/customers/${customerId}/portal-access`).expect(200)).body.state).toBe(
        'active',
      );

      // The link works once: opened again it says so, in Japanese.
      const again = await context.newPage();
      await again.goto(`${base}${link}`);
      await again.getByTestId('set-password-password').fill(PASSWORD);
      await again.getByTestId('set-password-confirm').fill(PASSWORD);
      await again.getByTestId('set-password-submit').click();
      await waitForText(
        again.getByTestId('set-password-error'),
        'このリンクは無効か、有効期限が切れています。',
      );
      await again.close();

      await page.getByTestId('nav-account').click();
      await page.waitForURL(/\/mypage\/account$/);
      await waitForText(page.getByTestId('account-who'), EMAIL);
      await page.getByTestId('sign-out').click();
      await page.waitForURL(/\/mypage\/login\?notice=signedOut$/);
      await waitForText(page.getByTestId('login-notice'), 'ログアウトしました。');

      // Signed out, the guard sends a visitor of a portal page to the sign-in page.
      await page.goto(`${base}/mypage/threads`);
      await page.waitForURL(/\/mypage\/login\?returnUrl=%2Fthreads$/);

      await signInOnPortal(page, EMAIL, 'not-the-password-1');
      await waitForText(
        page.getByTestId('login-error'),
        'メールアドレスまたはパスワードが正しくありません。',
      );
      expect(await page.getByTestId('login-error').textContent()).not.toMatch(/[A-Za-z]{4,}/);
      expect(await page.getByTestId('login-error').getAttribute('aria-live')).toBe('assertive');

      await signInOnPortal(page, EMAIL, PASSWORD);
      await page.waitForURL(/\/mypage\/threads$/);
      await page.getByTestId('nav-threads').waitFor();
      expect(await page.getByTestId('nav-threads').getAttribute('aria-current')).toBe('page');
    } catch (e) {
      await screenshotOnFailure(page, 'mypage-portal-sign-in');
      throw e;
    } finally {
      await context.close();
    }
  });

  it('does not scroll sideways at 360 px on any of its screens', async () => {
    const context = await browser.newContext({
      locale: 'ja-JP',
      timezoneId: 'Asia/Tokyo',
      viewport: { width: 360, height: 740 },
    });
    const page = await context.newPage();
    try {
      for (const [path, ready] of [
        ['/mypage/login', 'login-email'],
        ['/mypage/signup', 'signup-email'],
        ['/mypage/password-reset', 'reset-email'],
        ['/mypage/set-password?token=x', 'set-password-password'],
      ] as const) {
        await page.goto(`${base}${path}`);
        await page.getByTestId(ready).waitFor();
        expect({ path, sideways: await scrollsSideways(page) }).toEqual({ path, sideways: false });
      }
      await page.goto(`${base}/mypage/login`);
      await signInOnPortal(page, EMAIL, PASSWORD);
      await page.waitForURL(/\/mypage\/threads$/);
      await page.getByTestId('threads-heading').waitFor();
      expect({ path: 'threads', sideways: await scrollsSideways(page) }).toEqual({
        path: 'threads',
        sideways: false,
      });
      await page.getByTestId('nav-account').click();
      await page.getByTestId('account-current-password').waitFor();
      expect({ path: 'account', sideways: await scrollsSideways(page) }).toEqual({
        path: 'account',
        sideways: false,
      });
    } catch (e) {
      await screenshotOnFailure(page, 'mypage-portal-360');
      throw e;
    } finally {
      await context.close();
    }
  });

  it('signs in with the keyboard alone, in a logical focus order with a visible focus ring', async () => {
    const context = await phoneContext();
    const page = await context.newPage();
    try {
      await page.goto(`${base}/mypage/login`);
      await page.getByTestId('login-email').waitFor();
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('login-email');
      await page.keyboard.type(EMAIL);
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('login-password');
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('login-submit');
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('login-forgot');
      // The link reached by keyboard shows where the focus is.
      const outline = await page.getByTestId('login-forgot').evaluate((el) => {
        const style = (
          globalThis as unknown as {
            getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string };
          }
        ).getComputedStyle(el);
        return `${style.outlineStyle} ${style.outlineWidth}`;
      });
      expect(outline).toBe('solid 3px');
      await page.keyboard.press('Shift+Tab');
      expect(await focused(page)).toBe('login-submit');
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/mypage\/threads$/);
      await page.getByTestId('threads-heading').waitFor();
    } catch (e) {
      await screenshotOnFailure(page, 'mypage-portal-keyboard');
      throw e;
    } finally {
      await context.close();
    }
  });

  it('shows a thread with NEW, posts text in it, and shows a staff post live without reload', async () => {
    const dispatch = async () => {
      while ((await t.app.get(OutboxDispatcher).dispatchDue()) > 0);
    };
    const created = await admin.post('/api/mypage/threads', {
      customerId,
      title: '配送日のご相談',
      post: { text: 'ご注文の配送日についてご連絡します。' },
    });
    expect({ status: created.status, body: created.status === 201 ? null : created.body }).toEqual({
      status: 201,
      body: null,
    });
    const thread = created.body as { id: number; code: string };
    // The staff post is a reply: it reaches the portal when the outbox sends it (no approval here).
    await dispatch();
    const context = await phoneContext();
    const page = await context.newPage();
    try {
      await page.goto(`${base}/mypage/login`);
      await signInOnPortal(page, EMAIL, PASSWORD);
      await page.waitForURL(/\/mypage\/threads$/);
      const row = page.locator(`[data-thread-id="${thread.id}"]`);
      await row.waitFor();
      expect(await row.textContent()).toContain('配送日のご相談');
      expect(await row.getByTestId('thread-new-mark').count()).toBe(1);
      await row.click();
      await page.waitForURL(new RegExp(`/mypage/threads/${thread.id}$`));
      await waitForText(page.getByTestId('thread-title'), '配送日のご相談');
      const posts = page.getByTestId('post');
      await waitForText(posts.first(), 'ご注文の配送日についてご連絡します。');
      expect(await posts.first().getAttribute('data-author')).toBe('staff');

      // A text with its counter; the post shows as the customer's own.
      await page.getByTestId('post-text').fill('来週の火曜日でお願いします。');
      expect(await page.getByTestId('post-counter').textContent()).toContain('14 / 1000 文字');
      // Keyboard order in the post box: text, then the file chooser, then send.
      await page.getByTestId('post-text').focus();
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('post-file');
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('post-send');
      await page.keyboard.press('Enter');
      await waitUntil('the customer post', async () => (await posts.count()) === 2);
      await waitForText(posts.nth(1), '来週の火曜日でお願いします。');
      expect(await posts.nth(1).getAttribute('data-author')).toBe('customer');
      expect(await posts.nth(1).getByTestId('post-author').textContent()).toContain('あなた');
      expect(await page.getByTestId('post-text').inputValue()).toBe('');

      // Over 1,000 characters is refused before it is sent, in Japanese.
      await page.getByTestId('post-text').fill('あ'.repeat(1001));
      expect(await page.getByTestId('post-counter').textContent()).toContain('1001 / 1000 文字');
      await page.getByTestId('post-send').click();
      await waitForText(page.getByTestId('post-error'), '1000文字以内で入力してください（いま 1001 文字）。');
      await page.getByTestId('post-text').fill('');

      // One image, shown inline and scaled to the phone; one file, a download with its name.
      const file = page.getByTestId('post-file');
      await file.setInputFiles({ name: '現場の写真.png', mimeType: 'image/png', buffer: PNG });
      await waitForText(page.getByTestId('post-file-name'), '現場の写真.png');
      await page.getByTestId('post-send').click();
      await waitUntil('the image post', async () => (await posts.count()) === 3);
      const image = posts.nth(2).getByTestId('post-image');
      await image.waitFor();
      expect(await image.getAttribute('src')).toMatch(
        new RegExp(`^/api/portal/threads/${thread.id}/posts/\\d+/file$`),
      );
      await waitUntil('the image to load', () =>
        image.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth > 0),
      );
      expect(
        await image.evaluate(
          (el) =>
            (el as unknown as { getBoundingClientRect(): { width: number } }).getBoundingClientRect().width,
        ),
      ).toBeLessThanOrEqual(PHONE.width);
      await file.setInputFiles({
        name: '見積書.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('お見積り 12,000円\n'),
      });
      await page.getByTestId('post-send').click();
      await waitUntil('the file post', async () => (await posts.count()) === 4);
      const download = posts.nth(3).getByTestId('post-download');
      await waitForText(download, '見積書.txt');
      expect(await download.getAttribute('download')).toBe('見積書.txt');

      // Refusals, each in Japanese: an HTML page named .png (by the server, which reads the bytes), a file over 10 MB (before sending).
      await file.setInputFiles({
        name: 'photo.png',
        mimeType: 'image/png',
        buffer: Buffer.from('<html><script>alert(1)</script></html>'),
      });
      await page.getByTestId('post-send').click();
      await waitForText(
        page.getByTestId('post-error'),
        '画像として送れるのは JPEG・PNG・GIF のファイルだけです。',
      );
      await file.setInputFiles({
        name: 'big.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.alloc(10 * 1024 * 1024 + 1, 1),
      });
      await waitForText(
        page.getByTestId('post-error'),
        'ファイルが大きすぎます。10MBまでのファイルを選んでください。',
      );
      expect(await page.getByTestId('post-file-name').count()).toBe(0);
      expect(await posts.count()).toBe(4);

      // Staff answer while the thread is open: it shows without reload.
      const staff = (await admin.get(`/api/mypage/threads/${thread.id}`).expect(200)).body as {
        posts: { text: string | null }[];
      };
      expect(staff.posts.map((x) => x.text)).toContain('来週の火曜日でお願いします。');
      await admin
        .post(`/api/mypage/threads/${thread.id}/posts`, { text: '承知しました。火曜日にお届けします。' })
        .expect(201);
      const sent = Date.now();
      await dispatch();
      await waitUntil('the staff answer, live', async () => (await posts.count()) === 5, 5_000);
      await waitForText(posts.nth(4), '承知しました。火曜日にお届けします。');
      expect(Date.now() - sent).toBeLessThan(3_000);
      expect(await scrollsSideways(page)).toBe(false);
    } catch (e) {
      await screenshotOnFailure(page, 'mypage-portal-thread');
      throw e;
    } finally {
      await context.close();
    }
  });

  it('offers a new thread only when the MYPAGE settings allow it, and starts one', async () => {
    const context = await phoneContext();
    const page = await context.newPage();
    try {
      await page.goto(`${base}/mypage/login`);
      await signInOnPortal(page, EMAIL, PASSWORD);
      await page.waitForURL(/\/mypage\/threads$/);
      await page.getByTestId('thread-row').first().waitFor();
      expect(await page.getByTestId('thread-new').count()).toBe(0);
      await page.goto(`${base}/mypage/threads/new`);
      await waitForText(
        page.getByTestId('new-thread-not-allowed'),
        '新しいメッセージを作成することはできません',
      );

      await admin
        .put('/api/mypage/settings', { mailboxId, customersMayStartThreads: true, fallbackRecipients: [] })
        .expect(200);
      await page.goto(`${base}/mypage/threads`);
      await page.getByTestId('thread-new').click();
      await page.waitForURL(/\/mypage\/threads\/new$/);
      await page.getByTestId('new-thread-title').fill('請求書の宛名変更');
      await page.getByTestId('new-thread-text').fill('宛名を株式会社柿本に変更してください。');
      await page.getByTestId('new-thread-submit').click();
      await page.waitForURL(/\/mypage\/threads\/\d+$/);
      await waitForText(page.getByTestId('thread-title'), '請求書の宛名変更');
      await waitForText(page.getByTestId('post').first(), '宛名を株式会社柿本に変更してください。');
      const list = (await admin.get(`/api/mypage/threads?customerId=${customerId}`).expect(200)).body as {
        items: { title: string; isNew: boolean }[];
      };
      expect(list.items.find((x) => x.title === '請求書の宛名変更')?.isNew).toBe(true);
    } catch (e) {
      await screenshotOnFailure(page, 'mypage-portal-new-thread');
      throw e;
    } finally {
      await context.close();
    }
  });

  it('tells a wrong current password in Japanese on the account page, and takes a 退会 request', async () => {
    const context = await phoneContext();
    const page = await context.newPage();
    try {
      await page.goto(`${base}/mypage/account`);
      await page.waitForURL(/\/mypage\/login\?returnUrl=%2Faccount$/);
      await signInOnPortal(page, EMAIL, PASSWORD);
      await page.waitForURL(/\/mypage\/account$/);
      await page.getByTestId('account-current-password').fill('not-my-password-9');
      await page.getByTestId('account-new-password').fill('kuri-gohan-no-aki-2026');
      await page.getByTestId('account-confirm-password').fill('kuri-gohan-no-aki-2026');
      await page.getByTestId('account-password-submit').click();
      await waitForText(page.getByTestId('account-password-error'), '現在のパスワードが違います。');

      await page.getByTestId('account-withdrawal-reason').fill('引っ越しのため');
      await page.getByTestId('account-withdrawal-submit').click();
      // Not without ticking the confirmation.
      expect(await page.getByTestId('account-withdrawal-done').count()).toBe(0);
      await page.getByTestId('account-withdrawal-confirm').locator('input').check();
      await page.getByTestId('account-withdrawal-submit').click();
      await waitForText(page.getByTestId('account-withdrawal-done'), '退会の申請を受け付けました。');
      const access = (await admin.get(`/api/customers/${customerId}/portal-access`).expect(200))
        .body as Record<string, unknown>;
      expect(access['withdrawalRequestedAt']).toEqual(expect.any(String));
    } catch (e) {
      await screenshotOnFailure(page, 'mypage-portal-account');
      throw e;
    } finally {
      await context.close();
    }
  });

  it('binds a label to every field of the sign-in and sign-up pages', async () => {
    const context = await phoneContext();
    const page = await context.newPage();
    try {
      await page.goto(`${base}/mypage/login`);
      await page.getByLabel('メールアドレス').waitFor();
      expect(await page.getByLabel('メールアドレス').getAttribute('data-testid')).toBe('login-email');
      expect(await page.getByLabel('パスワード', { exact: true }).getAttribute('data-testid')).toBe(
        'login-password',
      );
      await page.getByTestId('login-signup').click();
      await page.waitForURL(/\/mypage\/signup$/);
      await page.getByTestId('signup-email').fill('newcomer@example.jp');
      await page.getByTestId('signup-submit').click();
      await waitForText(page.getByTestId('signup-sent'), 'メールをご確認ください');
      await waitUntil('the focus on the confirmation', async () => (await focused(page)) === 'signup-sent');
    } catch (e) {
      await screenshotOnFailure(page, 'mypage-portal-labels');
      throw e;
    } finally {
      await context.close();
    }
  });
});
