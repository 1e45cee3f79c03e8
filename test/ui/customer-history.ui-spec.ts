import { OutboxDispatcher } from '@madoguchi/core';
import { AUTO_HISTORY_EVENT_NAMES } from '@madoguchi/customers';
import { IntakeService } from '@madoguchi/mail';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure, waitUntil, waitForText, dialogReady } from '@test/support/browser';
import { rawMail } from '@test/support/mail-builder';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(180_000);

/** Polls until `check` holds; says what it last saw when it never does. */
async function waitForCount(locator: Locator, n: number): Promise<void> {
  await waitUntil(`${n} elements`, async () => (await locator.count()) === n).catch(async () => {
    throw new Error(`expected ${n} elements, saw ${await locator.count()}`);
  });
}

/** Opens a mat-select (through its form field, whose label lies over it), picks one option, and waits for it to close. */
async function pick(page: Page, select: Locator, option: string): Promise<void> {
  await select.locator('xpath=ancestor::mat-form-field').click();
  await page.getByRole('option', { name: option, exact: true }).click();
  await page.locator('.cdk-overlay-transparent-backdrop').waitFor({ state: 'detached' });
}

/** A dialog focuses its first field once its opening animation ends; typing before then would go elsewhere. */
/** Issue 12 points 2, 3 and 8 in the browser: fixed phrases set in settings, then the karte's 対応履歴. */
describe('response history on the karte', () => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let customerId: number;

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    customerId = (
      await admin
        .post('/api/customers', { lastName: '山田', firstName: '花子', tel: '090-4169-1658' })
        .expect(201)
    ).body.id;
    // Registering wrote an automatic entry (自動履歴保存); it goes, so the list holds just these 25.
    const auto = await admin.get(`/api/customers/${customerId}/history`).expect(200);
    for (const entry of auto.body.items as { id: number }[])
      await admin.delete(`/api/history/${entry.id}`).expect(204);
    // 25 older entries: the list's first page holds 20, the second the other 5.
    for (let i = 1; i <= 25; i++) {
      await admin
        .post(`/api/customers/${customerId}/history`, {
          title: `定期連絡 ${i}`,
          state: 'done',
          createdAt: new Date(Date.UTC(2026, 0, i, 1)).toISOString(),
          details: [{ content: `オイル交換のご案内 ${i}` }],
        })
        .expect(201);
    }
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it('saves fixed phrases and an automatic-history switch in settings, then writes, pages, filters and deletes entries on the karte', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/settings/history`);
      await page.waitForURL(/\/login/);
      await page.getByTestId('login-email').fill(ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/settings\/history/);

      // 定型文: two phrases added, the second moved to the top, saved.
      await page.getByTestId('history-phrases-empty').waitFor();
      await page.getByTestId('history-phrase-add').click();
      await page.getByTestId('history-phrase').nth(0).fill('折り返し電話');
      await page.getByTestId('history-phrase-add').click();
      await page.getByTestId('history-phrase').nth(1).fill('車検案内ハガキ発送');
      await page.getByTestId('history-phrase-up').nth(1).click();
      await page.getByTestId('history-phrases-save').click();
      await waitUntil('the phrases to be saved', async () => {
        const res = await admin.get('/api/settings/history-phrases').expect(200);
        return JSON.stringify(res.body.phrases) === JSON.stringify(['車検案内ハガキ発送', '折り返し電話']);
      });

      // 自動履歴保存: every event has its Japanese name; SMS送信 is switched off and saved.
      await waitForCount(page.getByTestId('auto-history-row'), AUTO_HISTORY_EVENT_NAMES.length);
      const sms = page.locator('[data-testid="auto-history-row"][data-event="sms_sent"]');
      expect(await sms.getByTestId('auto-history-event').textContent()).toContain('SMS送信');
      expect(
        await page.locator('[data-event="incoming_call"]').getByTestId('auto-history-title').inputValue(),
      ).toBe('電話着信あり {phone}');
      await sms.getByRole('switch').click();
      await page.getByTestId('auto-history-save').click();
      await waitUntil('sms_sent to be switched off', async () => {
        const res = await admin.get('/api/settings/auto-history').expect(200);
        const events = res.body.events as { event: string; enabled: boolean }[];
        return (
          events.find((e) => e.event === 'sms_sent')?.enabled === false &&
          events.find((e) => e.event === 'sms_received')?.enabled === true
        );
      });
      await page.reload();
      await waitForCount(page.getByTestId('history-phrase'), 2);
      expect(await page.getByTestId('history-phrase').nth(0).inputValue()).toBe('車検案内ハガキ発送');
      expect(
        await page.locator('[data-event="sms_sent"]').getByRole('switch').getAttribute('aria-checked'),
      ).toBe('false');

      // The karte: 20 of 25 entries, newest first, and the other 5 on the next page.
      await page.goto(`${base}/customers/${customerId}`);
      const rows = page.getByTestId('history-row');
      await waitForCount(rows, 20);
      await waitForText(rows.first().getByTestId('history-row-title'), '定期連絡 25');
      await waitForText(page.getByTestId('history-paginator'), '25件中 1～20件表示');
      await page.getByTestId('history-paginator').getByRole('button', { name: '次のページ' }).click();
      await waitForCount(rows, 5);
      await waitForText(rows.first().getByTestId('history-row-title'), '定期連絡 5');

      // A new entry with its title from a fixed phrase, then a detail line.
      await page.getByTestId('history-new').click();
      const entryDialog = await dialogReady(page, 'history-entry-title');
      await entryDialog.getByTestId('history-entry-phrases').click();
      await page.getByTestId('history-entry-phrase').filter({ hasText: '車検案内ハガキ発送' }).click();
      expect(await entryDialog.getByTestId('history-entry-title').inputValue()).toBe('車検案内ハガキ発送');
      await entryDialog.getByTestId('history-entry-save').click();
      await entryDialog.waitFor({ state: 'detached' });
      await waitForText(page.getByTestId('history-selected-title'), '車検案内ハガキ発送');
      await waitForText(page.getByTestId('history-selected-state'), '作業待ち');
      await page.getByTestId('history-no-details').waitFor();

      await page.getByTestId('history-detail-add').click();
      const detailDialog = await dialogReady(page, 'history-detail-worked-at');
      await detailDialog.getByTestId('history-detail-content').fill('ブレーキパッドの交換もご提案');
      await detailDialog.getByTestId('history-detail-save').click();
      await detailDialog.waitFor({ state: 'detached' });
      await waitForText(page.getByTestId('history-detail-content'), 'ブレーキパッドの交換もご提案');

      // Content search in Japanese finds the detail line's entry only.
      await page.getByTestId('history-filter-q').fill('ブレーキ');
      await page.getByTestId('history-filter-apply').click();
      await waitForCount(rows, 1);
      expect(await rows.first().getByTestId('history-row-title').textContent()).toContain(
        '車検案内ハガキ発送',
      );
      expect(await page.getByTestId('history-export').getAttribute('href')).toBe(
        `/api/customers/${customerId}/history.csv?q=${encodeURIComponent('ブレーキ')}`,
      );
      // 作業待ち/作業中のみ: the new entry is waiting, the 25 others are done.
      await page.getByTestId('history-filter-clear').click();
      await waitForCount(rows, 20);
      await page.getByTestId('history-filter-open-only').locator('input').check();
      await page.getByTestId('history-filter-apply').click();
      await waitForCount(rows, 1);

      // 次回予定 can be hidden, and stays hidden after a reload.
      expect(await page.getByTestId('history-row-next').count()).toBe(1);
      await page.getByTestId('history-show-next').getByRole('switch').click();
      await waitForCount(page.getByTestId('history-row-next'), 0);
      await page.reload();
      await waitForCount(rows, 20);
      expect(await page.getByTestId('history-row-next').count()).toBe(0);

      // Deleting asks first.
      await rows.filter({ hasText: '車検案内ハガキ発送' }).click();
      await page.getByTestId('history-delete').click();
      await page.getByTestId('confirm-ok').click();
      await page.getByTestId('history-selected').waitFor({ state: 'detached' });
      await waitUntil(
        'the entry to be gone',
        async () => (await rows.filter({ hasText: '車検案内ハガキ発送' }).count()) === 0,
      );
      const left = await admin
        .get(`/api/customers/${customerId}/history?q=${encodeURIComponent('車検')}`)
        .expect(200);
      expect(left.body.total).toBe(0);
    } catch (e) {
      await screenshotOnFailure(page, 'customer-history');
      throw e;
    } finally {
      await context.close();
    }
  });
});

/** Issue 12 point 8: the karte's 送信メール and 送信予約 sections. */
describe('sent and scheduled mail on the karte', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let customerId: number;

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    sink = await startSmtpSink();
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    const mailbox = (
      await admin
        .post('/api/mailboxes', {
          name: 'お問い合わせ',
          address: 'karte-mail@example.jp',
          smtp: { host: sink.host, port: sink.port, secure: false },
        })
        .expect(201)
    ).body;
    customerId = (
      await admin
        .post('/api/customers', { lastName: '田中', firstName: '次郎', email: 'jiro@example.jp' })
        .expect(201)
    ).body.id;
    const raw = rawMail({
      from: 'jiro@example.jp',
      fromName: '田中 次郎',
      to: 'karte-mail@example.jp',
      subject: '部品の在庫',
      body: '在庫はありますか。',
      messageId: 'karte-mail-1@example.jp',
    });
    const { ticketId } = await t.app
      .get(IntakeService)
      .ingest({ id: mailbox.id, address: 'karte-mail@example.jp' }, raw, { kind: 'smtp' });
    await admin.patch(`/api/tickets/${ticketId}`, { customerId }).expect(200);
    await admin
      .post(`/api/tickets/${ticketId}/replies`, { to: ['jiro@example.jp'], text: '在庫がございます。' })
      .expect(201);
    while ((await t.app.get(OutboxDispatcher).dispatchDue()) > 0);
    await admin
      .post(`/api/tickets/${ticketId}/replies`, {
        to: ['jiro@example.jp'],
        text: '入荷のご連絡',
        sendAt: new Date(Date.now() + 86400_000).toISOString(),
      })
      .expect(201);
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
    await sink?.stop();
  });

  it('lists the reply sent to the customer, filterable by kind, and the send-later reply not sent yet', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/customers/${customerId}`);
      await page.waitForURL(/\/login/);
      await page.getByTestId('login-email').fill(ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(new RegExp(`/customers/${customerId}$`));

      const sent = page.getByTestId('sent-mail-row');
      await waitForCount(sent, 1);
      expect(await sent.getByTestId('sent-mail-subject').textContent()).toContain('部品の在庫');
      expect(await sent.getByTestId('sent-mail-kind-cell').textContent()).toContain('返信');
      expect(await sent.getByTestId('sent-mail-status').textContent()).toContain('送信済み');
      const scheduled = page.getByTestId('scheduled-mail-row');
      await waitForCount(scheduled, 1);
      expect(await scheduled.getByTestId('scheduled-mail-subject').textContent()).toContain('部品の在庫');

      await pick(page, page.getByTestId('sent-mail-kind'), 'フォームのサンクスメール');
      await page.getByTestId('sent-mail-empty').waitFor();
      await pick(page, page.getByTestId('sent-mail-kind'), '返信');
      await waitForCount(sent, 1);
    } catch (e) {
      await screenshotOnFailure(page, 'customer-mail');
      throw e;
    } finally {
      await context.close();
    }
  });
});
