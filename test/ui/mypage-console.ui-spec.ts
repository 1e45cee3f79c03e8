import { OutboxDispatcher } from '@madoguchi/core';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { simpleParser } from 'mailparser';
import request from 'supertest';
import { dialogReady, launchBrowser, screenshotOnFailure, signIn, waitForText, waitUntil } from '@test/support/browser';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(240_000);

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PASSWORD = 'kaki-no-tane-2026';

interface Portal {
  post(url: string, body: object): request.Test;
  get(url: string): request.Test;
}

/**
 * メッセージ管理 in the console (issue #15 points 4–7, 10 staff side, 11 karte list, 13 staff side
 * of the Playwright test): the list with its search (a customer found by one character in お客様検索)
 * and paging text, a new thread from the karte, a customer's post arriving live in the open
 * thread and as NEW in the list, NEW cleared for everyone by opening it, staff posts (text and an
 * image) through the approval gate's outbox, bulk delete that asks first, and the CSV export.
 */
describe('MYPAGE threads in the console', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let sink: SmtpSink;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let tanaka: { id: number; code: string };
  let firstThread: { id: number; code: string };
  let satoThreads: { id: number; code: string }[] = [];
  let portal: Portal;
  let mailboxId: number;

  const dispatchAll = async () => {
    while ((await t.app.get(OutboxDispatcher).dispatchDue()) > 0);
  };
  const customer = async (lastName: string, firstName: string, extra: object = {}) =>
    (await admin.post('/api/customers', { lastName, firstName, ...extra }).expect(201)).body as { id: number; code: string };
  const thread = async (customerId: number, title: string) => {
    const res = await admin.post('/api/mypage/threads', { customerId, title, post: { text: `${title}についてご連絡します。` } });
    if (res.status !== 201) throw new Error(`new thread: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: number; code: string };
  };
  const listed = async (query = '') => (await admin.get(`/api/mypage/threads?pageSize=100${query}`).expect(200)).body as { items: { id: number; isNew: boolean }[]; total: number };
  const row = (p: Page, id: number) => p.locator(`[data-testid="thread-row"][data-thread-id="${id}"]`);

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    sink = await startSmtpSink();
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: 'マイページ窓口', address: 'mypage-ui@example.jp', smtp: { host: sink.host, port: sink.port, secure: false } }).expect(201)).body.id;
    await admin.put('/api/mypage/settings', { mailboxId, customersMayStartThreads: false, fallbackRecipients: [] }).expect(200);

    tanaka = await customer('田中', '花子', { email: 'tanaka-ui@example.jp', tel: '03-1111-2222' });
    // No email address: a thread is still possible (the portal is where the customer reads it).
    const yamada = await customer('山田', '太郎', { tel: '03-3333-4444' });
    const sato = await customer('佐藤', '次郎', { email: 'sato-ui@example.jp' });
    firstThread = await thread(tanaka.id, 'お問合せの件');
    await thread(yamada.id, '山田様 ご契約の件');
    satoThreads = [];
    for (let i = 1; i <= 10; i++) satoThreads.push(await thread(sato.id, `佐藤様 連絡${i}`));

    // 田中 signs in to the portal: invitation mail → set-password → login.
    await admin.post(`/api/customers/${tanaka.id}/portal-invitation`).expect(201);
    await dispatchAll();
    const [mail] = await sink.waitFor(1);
    const link = /set-password\?token=([A-Za-z0-9_%-]+)/.exec((await simpleParser(mail.raw)).text ?? '');
    if (!link) throw new Error('no set-password link in the invitation');
    const token = decodeURIComponent(link[1]);
    await t.http.post('/api/portal/auth/set-password').send({ token, password: PASSWORD }).expect(200);
    const agent = request.agent(t.app.getHttpServer());
    const login = await agent.post('/api/portal/auth/login').send({ email: 'tanaka-ui@example.jp', password: PASSWORD }).expect(200);
    const csrf = ([] as string[]).concat(login.headers['set-cookie'] ?? []).map((c) => /^PORTAL-XSRF-TOKEN=([^;]+)/.exec(c)?.[1]).find(Boolean) ?? '';
    portal = { post: (url, body) => agent.post(url).set('X-XSRF-TOKEN', csrf).send(body), get: (url) => agent.get(url) };

    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
    await sink?.stop();
  });

  beforeEach(async () => {
    context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', acceptDownloads: true });
    page = await context.newPage();
  });

  afterEach(async () => {
    await context?.close();
  });

  const guarded = (name: string, fn: (p: Page) => Promise<void>) =>
    it(name, async () => {
      try {
        await fn(page!);
      } catch (e) {
        await screenshotOnFailure(page, `mypage-console-${name}`);
        throw e;
      }
    });

  guarded('lists the threads with paging text and finds a customer by one character in お客様検索', async (p) => {
    await signIn(p, base, ADMIN_EMAIL, ADMIN_PASSWORD, '/messages');
    await waitForText(p.getByTestId('thread-range'), '12件中1～12件表示');
    expect(await p.getByTestId('thread-row').count()).toBe(12);
    expect(await row(p, firstThread.id).getByTestId('thread-customer').textContent()).toContain(`${tanaka.code} : 田中 花子`);

    // 表示件数 10: the second page holds the last two.
    await p.getByTestId('thread-page-size').click();
    await p.getByTestId('thread-page-size-10').click();
    await waitForText(p.getByTestId('thread-range'), '12件中1～10件表示');
    await p.waitForURL(/pageSize=10/);
    await p.locator('[data-testid="thread-paginator"] .mat-mdc-paginator-navigation-next').click();
    await waitForText(p.getByTestId('thread-range'), '12件中11～12件表示');
    expect(await p.getByTestId('thread-row').count()).toBe(2);

    // お客様検索 with 姓「田」: 田中 and 山田, not 佐藤.
    await p.getByTestId('thread-filter-customer-pick').click();
    const dialog = await dialogReady(p, 'customer-pick-tel');
    await dialog.getByTestId('customer-pick-lastName').fill('田');
    await dialog.getByTestId('customer-pick-search').click();
    await waitUntil('two customers found', async () => (await dialog.getByTestId('customer-pick-row').count()) === 2);
    const names = await dialog.getByTestId('customer-pick-row').allTextContents();
    expect(names.some((n) => n.includes('田中 花子'))).toBe(true);
    expect(names.some((n) => n.includes('山田 太郎'))).toBe(true);
    await dialog.locator(`[data-testid="customer-pick-row"][data-customer-id="${tanaka.id}"]`).click();
    await waitUntil('the customer chosen', async () => (await p.getByTestId('thread-filter-customer').inputValue()) === `${tanaka.code} : 田中 花子`);
    await p.getByTestId('thread-filter-apply').click();
    await p.waitForURL(new RegExp(`customerId=${tanaka.id}`));
    await waitForText(p.getByTestId('thread-range'), '1件中1～1件表示');
    await waitForText(row(p, firstThread.id).getByTestId('thread-title'), 'お問合せの件');

    // The search survives a reload (it is the URL), the customer shown by code and name again.
    await p.reload();
    await waitForText(p.getByTestId('thread-range'), '1件中1～1件表示');
    await waitUntil('the customer filter shown', async () => (await p.getByTestId('thread-filter-customer').inputValue()) === `${tanaka.code} : 田中 花子`);
  });

  guarded('starts a thread from the karte, shows a customer post live with NEW, clears NEW for all by opening it, and posts as staff', async (p) => {
    await signIn(p, base, ADMIN_EMAIL, ADMIN_PASSWORD, `/customers/${tanaka.id}`);
    await waitForText(p.getByTestId('customer-threads'), firstThread.code);
    await p.getByTestId('customer-thread-new').click();
    const dialog = await dialogReady(p, 'new-thread-title');
    expect(await dialog.getByTestId('new-thread-owner').textContent()).toContain(`${tanaka.code} : 田中 花子`);
    expect(await dialog.getByTestId('new-thread-owner-pick').count()).toBe(0);
    // Required fields are asked for before anything is sent.
    await dialog.getByTestId('new-thread-save').click();
    await waitForText(dialog.getByTestId('new-thread-post-error'), 'メッセージを入力するか');
    await dialog.getByTestId('new-thread-title').fill('次回ご訪問の件');
    await dialog.getByTestId('new-thread-label').fill('要注意');
    await dialog.getByTestId('new-thread-memo').fill('社内メモ：鍵は管理会社');
    await dialog.getByTestId('post-text').fill('お世話になっております。\n次回は8月17日にご訪問予定です。');
    await dialog.getByTestId('new-thread-save').click();
    await p.waitForURL(/\/messages\/\d+$/);
    const threadId = Number(/\/messages\/(\d+)$/.exec(p.url())![1]);
    await waitForText(p.getByTestId('thread-view-title'), '次回ご訪問の件');
    await waitForText(p.getByTestId('thread-view-label'), '要注意');
    await waitForText(p.getByTestId('thread-view-memo'), '鍵は管理会社');
    await waitForText(p.getByTestId('thread-post-text'), '8月17日にご訪問予定');
    // Title, label and memo are edited in place (staff only).
    await p.getByTestId('thread-meta-edit').click();
    await p.getByTestId('thread-meta-title').fill('次回ご訪問の件（8月）');
    await p.getByTestId('thread-meta-label').fill('保留');
    await p.getByTestId('thread-meta-save').click();
    await waitForText(p.getByTestId('thread-view-title'), '次回ご訪問の件（8月）');
    await waitForText(p.getByTestId('thread-view-label'), '保留');
    await waitForText(p.getByTestId('thread-view-memo'), '鍵は管理会社');
    expect(await p.locator('[data-testid="thread-post"]').first().getAttribute('data-sender')).toBe('staff');
    // No approval policy: the post waits only for the outbox, then reaches the portal (live here too).
    await dispatchAll();
    await waitUntil('the first post visible', async () => (await p.locator('[data-testid="thread-post"][data-state="visible"]').count()) === 1);

    // A second tab with the list: the customer's post makes the thread NEW there without reload.
    const list = await context!.newPage();
    await list.goto(`${base}/messages?customerId=${tanaka.id}`);
    await waitForText(list.getByTestId('thread-range'), '2件中1～2件表示');
    expect(await row(list, threadId).getByTestId('thread-new-badge').count()).toBe(0);
    await p.getByTestId('thread-back').click();
    await p.waitForURL(/\/messages(\?|$)/);

    await portal.post(`/api/portal/threads/${threadId}/posts`, { text: '承知しました。よろしくお願いします。' }).expect(201);
    await row(list, threadId).getByTestId('thread-new-badge').waitFor({ timeout: 5000 });
    expect((await listed()).items.find((x) => x.id === threadId)?.isNew).toBe(true);

    // Opening it clears NEW for everyone: the other tab's badge goes without reload.
    await p.goto(`${base}/messages/${threadId}`);
    const customerPost = p.locator('[data-testid="thread-post"][data-sender="customer"]');
    await waitForText(customerPost.getByTestId('thread-post-text'), '承知しました。');
    await waitForText(customerPost.getByTestId('thread-post-author'), '田中 花子');
    await row(list, threadId).getByTestId('thread-new-badge').waitFor({ state: 'detached', timeout: 5000 });
    expect((await listed()).items.find((x) => x.id === threadId)?.isNew).toBe(false);

    // A new customer post shows in the open thread live, within a second or so.
    const before = Date.now();
    await portal.post(`/api/portal/threads/${threadId}/posts`, { text: '写真は後ほどお送りします。' }).expect(201);
    await waitUntil('the customer post shown live', async () => (await customerPost.count()) === 2, 5000);
    expect(Date.now() - before).toBeLessThan(3000);
    await waitForText(customerPost.nth(1).getByTestId('thread-post-text'), '写真は後ほどお送りします。');

    // A staff text post: counted, sent, on its way until the outbox publishes it.
    await p.getByTestId('post-text').fill('ありがとうございます。');
    await waitForText(p.getByTestId('post-counter'), '11 / 1000');
    await p.getByTestId('thread-post-send').click();
    const staffPosts = p.locator('[data-testid="thread-post"][data-sender="staff"]');
    await waitUntil('the staff post shown', async () => (await staffPosts.count()) === 2);
    await waitForText(staffPosts.nth(1).getByTestId('thread-post-text'), 'ありがとうございます。');
    expect(await staffPosts.nth(1).getAttribute('data-state')).toBe('pending');
    await waitForText(staffPosts.nth(1).getByTestId('thread-post-status'), '送信待ち');
    expect(await p.getByTestId('post-text').inputValue()).toBe('');
    await dispatchAll();
    await waitUntil('the staff post published', async () => (await staffPosts.nth(1).getAttribute('data-state')) === 'visible');
    const seen = (await portal.get(`/api/portal/threads/${threadId}`).expect(200)).body as { posts: { text: string | null }[] };
    expect(seen.posts.map((x) => x.text)).toContain('ありがとうございます。');

    // Too long a text is refused before sending.
    await p.getByTestId('post-text').fill('あ'.repeat(1001));
    await waitForText(p.getByTestId('post-too-long'), '1000文字以内');
    expect(await p.getByTestId('thread-post-send').isDisabled()).toBe(true);
    await p.getByTestId('post-text').fill('');

    // An image post: uploaded when chosen, shown inline (scaled) once posted.
    await p.getByTestId('post-kind-image').click();
    await p.getByTestId('post-file-input').setInputFiles({ name: '1階断熱工事.png', mimeType: 'image/png', buffer: PNG });
    await waitForText(p.getByTestId('post-file-chosen'), '1階断熱工事.png');
    await p.getByTestId('thread-post-send').click();
    const image = p.getByTestId('thread-post-image');
    await image.waitFor();
    await waitUntil('the image loaded', () => image.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth === 1));

    // 「登録内容参照して新規登録」: owner, title, label and memo taken over; a new code.
    await p.getByTestId('thread-new-from').click();
    const copy = await dialogReady(p, 'new-thread-title');
    expect(await copy.getByTestId('new-thread-title').inputValue()).toBe('次回ご訪問の件（8月）');
    expect(await copy.getByTestId('new-thread-label').inputValue()).toBe('保留');
    expect(await copy.getByTestId('new-thread-owner').textContent()).toContain(`${tanaka.code} : 田中 花子`);
    await copy.getByTestId('new-thread-title').fill('次回ご訪問の件（9月）');
    await copy.getByTestId('post-text').fill('9月のご訪問日程です。');
    await copy.getByTestId('new-thread-save').click();
    await p.waitForURL((url) => /\/messages\/\d+$/.test(url.pathname) && !url.pathname.endsWith(`/${threadId}`));
    await waitForText(p.getByTestId('thread-view-title'), '次回ご訪問の件（9月）');
    await waitForText(p.getByTestId('thread-view-label'), '保留');
    expect(await p.getByTestId('thread-post').count()).toBe(1);
    await list.close();
  });

  guarded('marks a staff post waiting for approval, then rejected, live, with the link to its ticket', async (p) => {
    const group = (await admin.post('/api/groups', { name: 'マイページ承認', rights: ['mypage'], mailboxRights: [{ mailboxId, view: true, reply: true, approve: true, manage: false }] }).expect(201)).body.id;
    await admin.post('/api/users', { email: 'approver-ui@test.local', name: '鈴木 承認', password: 'mypage-pass-12345', groupIds: [group] }).expect(201);
    const approver = await t.login('approver-ui@test.local', 'mypage-pass-12345');
    await admin.put(`/api/mailboxes/${mailboxId}/approval-policy`, { mode: 'all', groupIds: [], steps: [{ approverGroupIds: [group] }], notifyByMail: false }).expect(200);
    try {
      await signIn(p, base, ADMIN_EMAIL, ADMIN_PASSWORD, `/messages/${firstThread.id}`);
      await waitForText(p.getByTestId('thread-view-title'), 'お問合せの件');
      await p.getByTestId('post-text').fill('承認をお願いします。');
      await p.getByTestId('thread-post-send').click();
      const post = p.locator('[data-testid="thread-post"][data-state="pending"]');
      await waitForText(post.getByTestId('thread-post-status'), '承認待ち');
      expect(await post.locator('a[href^="/tickets/"]').count()).toBe(1);
      const pending = ((await admin.get(`/api/mypage/threads/${firstThread.id}`).expect(200)).body as { posts: { replyId: number | null; state: string }[] }).posts.find((x) => x.state === 'pending')!;
      await approver.post(`/api/replies/${pending.replyId}/reject`, { reason: '表現を直してください', step: 1 }).expect(200);
      await waitForText(post.getByTestId('thread-post-status'), '差し戻し', 5000);
    } finally {
      await admin.put(`/api/mailboxes/${mailboxId}/approval-policy`, { mode: 'off', groupIds: [], steps: [], notifyByMail: false }).expect(200);
    }
  });

  guarded('deletes the ticked threads only after asking, and exports the listed threads as CSV', async (p) => {
    await signIn(p, base, ADMIN_EMAIL, ADMIN_PASSWORD, '/messages?title=' + encodeURIComponent('佐藤様'), /\/messages/);
    await waitForText(p.getByTestId('thread-range'), '10件中1～10件表示');
    // The ラベル field suggests the labels in use (the threads above carry 保留).
    await waitUntil('the label suggestions', async () =>
      (await p.locator('[data-testid="thread-label-options"] option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value))).includes('保留'),
    );

    // CSV of the listed (filtered) threads: a file, UTF-8 with BOM, metadata only.
    const [download] = await Promise.all([p.waitForEvent('download'), p.getByTestId('thread-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^mypage-threads-\d{8}\.csv$/);
    const csv = readFileSync((await download.path())!);
    expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const text = csv.toString('utf8');
    expect(text).toContain('コード');
    for (const s of satoThreads) expect(text).toContain(s.code);
    expect(text).not.toContain(firstThread.code);
    expect(text).not.toContain('についてご連絡します');

    const [a, b] = satoThreads;
    await row(p, a.id).getByTestId('thread-tick').click();
    await row(p, b.id).getByTestId('thread-tick').click();
    await waitForText(p.getByTestId('thread-delete'), '(2)');
    await p.getByTestId('thread-delete').click();
    const confirm = p.locator('mat-dialog-container');
    await waitForText(confirm, '2件のメッセージ');
    await p.getByTestId('confirm-cancel').click();
    await confirm.waitFor({ state: 'detached' });
    expect((await listed()).total).toBe(14);

    await p.getByTestId('thread-delete').click();
    await p.getByTestId('confirm-ok').click();
    await waitForText(p.getByTestId('thread-range'), '8件中1～8件表示');
    expect(await row(p, a.id).count()).toBe(0);
    expect((await listed()).total).toBe(12);
    await admin.get(`/api/mypage/threads/${a.id}`).expect(404);
  });
});
