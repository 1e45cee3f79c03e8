import { IntakeService } from '@madoguchi/mail';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure } from '@test/support/browser';
import { rawMail } from '@test/support/mail-builder';
import { Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

const PASSWORD = 'collision-pass-123';

/** Issue 13 point 8 in the browser: two agents on one ticket — presence, 返信を作成中, the server draft, the traffic cop. */
describe('collision warnings in the browser', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let ticketId: number;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    const box = await admin
      .post('/api/mailboxes', {
        name: 'お問い合わせ',
        address: 'collision@example.jp',
        smtp: { host: '127.0.0.1', port: 9, secure: false },
      })
      .expect(201);
    const group = await admin
      .post('/api/groups', {
        name: '担当',
        rights: [],
        mailboxRights: [{ mailboxId: box.body.id, view: true, reply: true, approve: false, manage: false }],
      })
      .expect(201);
    for (const [email, name] of [
      ['a@test.local', '佐藤 花子'],
      ['b@test.local', '田中 太郎'],
    ]) {
      await admin
        .post('/api/users', { email, name, password: PASSWORD, groupIds: [group.body.id], active: true })
        .expect(201);
    }
    await t.app.get(IntakeService).ingest(
      { id: box.body.id, address: 'collision@example.jp' },
      rawMail({
        from: 'hanako@example.jp',
        fromName: '山田 花子',
        to: 'collision@example.jp',
        subject: '納期の確認',
        body: '納期を教えてください',
        messageId: 'collision-ui-1@example.jp',
      }),
      { kind: 'smtp' },
    );
    ticketId = (await admin.get('/api/tickets').expect(200)).body.items[0].id;
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  const openTicket = async (context: BrowserContext, email: string): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(`${base}/inbox`);
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-email').fill(email);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/inbox/);
    await page.goto(`${base}/tickets/${ticketId}`);
    await page.getByTestId('reply-text').waitFor();
    return page;
  };

  it('shows who else is on the ticket and writing, keeps the draft over a reload, and stops a send after a colleague replied', async () => {
    const contextA = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const contextB = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    let pageA: Page | undefined;
    let pageB: Page | undefined;
    try {
      pageA = await openTicket(contextA, 'a@test.local');
      pageB = await openTicket(contextB, 'b@test.local');

      // B sees A (and A sees B), live.
      const barOnB = pageB.getByTestId('presence-bar');
      await barOnB.getByTestId('presence-user').filter({ hasText: '佐藤 花子' }).waitFor({ timeout: 10_000 });
      await pageA.getByTestId('presence-user').filter({ hasText: '田中 太郎' }).waitFor({ timeout: 10_000 });
      expect(await barOnB.getByTestId('presence-composing').count()).toBe(0);

      // A starts typing: B sees 返信を作成中 within a couple of seconds.
      const started = Date.now();
      await pageA.getByTestId('reply-text').fill('お問い合わせありがとうございます。納期は来週です。');
      await barOnB
        .getByTestId('presence-composing')
        .filter({ hasText: '返信を作成中' })
        .waitFor({ timeout: 5_000 });
      expect(Date.now() - started).toBeLessThan(5_000);

      // The draft reaches the server (debounced), and a reload brings it back.
      const until = Date.now() + 10_000;
      const a = await t.login('a@test.local', PASSWORD);
      while ((await a.get(`/api/tickets/${ticketId}/draft`)).status !== 200) {
        if (Date.now() > until) throw new Error('the draft was never saved');
        await pageA.waitForTimeout(100);
      }
      await pageA.reload();
      await pageA.getByTestId('draft-restored').waitFor({ timeout: 10_000 });
      expect(await pageA.getByTestId('reply-text').inputValue()).toBe(
        'お問い合わせありがとうございます。納期は来週です。',
      );

      // A's other device finds the same draft; when it saves first, A's next save is told so.
      const contextA2 = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
      try {
        const pageA2 = await openTicket(contextA2, 'a@test.local');
        await pageA2.getByTestId('draft-restored').waitFor({ timeout: 10_000 });
        expect(await pageA2.getByTestId('reply-text').inputValue()).toBe(
          'お問い合わせありがとうございます。納期は来週です。',
        );
        const version = (await a.get(`/api/tickets/${ticketId}/draft`).expect(200)).body.version as number;
        await pageA2.getByTestId('reply-text').fill('別の端末で書き直しました。');
        const until2 = Date.now() + 10_000;
        while ((await a.get(`/api/tickets/${ticketId}/draft`).expect(200)).body.version === version) {
          if (Date.now() > until2) throw new Error('the other device never saved');
          await pageA2.waitForTimeout(100);
        }
      } finally {
        await contextA2.close();
      }
      await pageA
        .getByTestId('reply-text')
        .fill('お問い合わせありがとうございます。納期は来週です。よろしくお願いします。');
      const conflict = pageA.getByTestId('draft-conflict');
      await conflict.waitFor({ timeout: 10_000 });
      await conflict.getByTestId('draft-keep-this').click();
      await conflict.waitFor({ state: 'detached' });
      const untilKept = Date.now() + 10_000;
      while (
        (await a.get(`/api/tickets/${ticketId}/draft`).expect(200)).body.body !==
        'お問い合わせありがとうございます。納期は来週です。よろしくお願いします。'
      ) {
        if (Date.now() > untilKept) throw new Error('keeping this draft did not save it');
        await pageA.waitForTimeout(100);
      }

      // B replies first.
      await pageB.getByTestId('reply-text').fill('田中です。こちらで対応しました。');
      await pageB.getByTestId('reply-send').click();
      const until2 = Date.now() + 10_000;
      while ((await pageB.getByTestId('reply-text').inputValue()) !== '') {
        if (Date.now() > until2) throw new Error('B’s reply was not sent');
        await pageB.waitForTimeout(100);
      }

      // A sends: the traffic cop stops it and shows B's reply.
      await pageA.getByTestId('reply-send').click();
      const cop = pageA.getByTestId('traffic-cop');
      await cop.waitFor({ timeout: 10_000 });
      expect(await cop.textContent()).toContain('新しいメッセージがあります');
      await cop
        .getByTestId('traffic-cop-item')
        .filter({ hasText: '田中です。こちらで対応しました。' })
        .waitFor({ timeout: 10_000 });
      expect(await pageA.getByTestId('reply-text').inputValue()).toBe(
        'お問い合わせありがとうございます。納期は来週です。よろしくお願いします。',
      );
      const before = (await admin.get(`/api/tickets/${ticketId}/replies`).expect(200)).body.length;

      await cop.getByTestId('traffic-cop-confirm').click();
      await cop.waitFor({ state: 'detached', timeout: 10_000 });
      const until3 = Date.now() + 10_000;
      while ((await admin.get(`/api/tickets/${ticketId}/replies`).expect(200)).body.length !== before + 1) {
        if (Date.now() > until3) throw new Error('A’s reply was not sent after confirming');
        await pageA.waitForTimeout(100);
      }
      expect(await pageA.getByTestId('reply-text').inputValue()).toBe('');
      // Sent: the draft is gone on the server.
      expect((await a.get(`/api/tickets/${ticketId}/draft`)).status).toBe(204);
    } catch (e) {
      await screenshotOnFailure(pageA, 'ticket-collision-a');
      await screenshotOnFailure(pageB, 'ticket-collision-b');
      throw e;
    } finally {
      await contextA.close();
      await contextB.close();
    }
  });
  it('warns also when the colleague\'s reply came in live while the ticket was open, before typing began', async () => {
    const contextA = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const contextB = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    let pageA: Page | undefined;
    let pageB: Page | undefined;
    try {
      pageA = await openTicket(contextA, 'a@test.local');
      pageB = await openTicket(contextB, 'b@test.local');
      // B answers while A only has the ticket open.
      await pageB.getByTestId('reply-text').fill('田中です。先にお返事しました。');
      await pageB.getByTestId('reply-send').click();
      const untilSent = Date.now() + 10_000;
      while ((await pageB.getByTestId('reply-text').inputValue()) !== '') {
        if (Date.now() > untilSent) throw new Error('B’s reply was not sent');
        await pageB.waitForTimeout(100);
      }
      // A's timeline shows it live, above the composer; A writes only now, and is still told.
      await pageA.getByText('田中です。先にお返事しました。').first().waitFor({ timeout: 10_000 });
      await pageA.getByTestId('reply-text').fill('佐藤です。ご連絡いたします。');
      await pageA.getByTestId('reply-send').click();
      const cop = pageA.getByTestId('traffic-cop');
      await cop.waitFor({ timeout: 10_000 });
      await cop.getByTestId('traffic-cop-item').filter({ hasText: '田中です。先にお返事しました。' }).waitFor({ timeout: 10_000 });
      // Back to editing: nothing was sent.
      expect(await pageA.getByTestId('reply-text').inputValue()).toBe('佐藤です。ご連絡いたします。');
    } catch (e) {
      await screenshotOnFailure(pageA, 'ticket-collision-live-a');
      throw e;
    } finally {
      await contextA.close();
      await contextB.close();
    }
  });
  it('shows 対応中 with the colleague\'s name on the list row while they have the ticket open', async () => {
    const contextA = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const contextB = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    try {
      await openTicket(contextA, 'a@test.local');
      const pageB = await openTicket(contextB, 'b@test.local');
      await pageB.getByTestId('ticket-back').click();
      await pageB.waitForURL(/\/inbox\//);
      await pageB.getByTestId('inbox-tab-all').click();
      const row = pageB.locator(`[data-testid="ticket-row"][data-ticket-id="${ticketId}"]`);
      await row.getByTestId('ticket-row-working').filter({ hasText: '佐藤 花子' }).waitFor({ timeout: 10_000 });
      // A leaves: the badge goes within a few seconds.
      await contextA.close();
      await row.getByTestId('ticket-row-working').waitFor({ state: 'detached', timeout: 20_000 });
    } finally {
      await contextA.close().catch(() => undefined);
      await contextB.close();
    }
  });
});
