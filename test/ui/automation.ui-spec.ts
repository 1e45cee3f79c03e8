import { OutboxDispatcher } from '@madoguchi/core';
import { IntakeService } from '@madoguchi/mail';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { simpleParser } from 'mailparser';
import { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure, waitUntil } from '@test/support/browser';
import { rawMail } from '@test/support/mail-builder';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(180_000);

/** Polls until `check` holds; says what it last saw when it never does. */
async function text(locator: Locator): Promise<string> {
  return (await locator.count()) > 0 ? ((await locator.first().textContent()) ?? '').trim() : '(absent)';
}

async function waitForText(locator: Locator, expected: string, timeoutMs?: number): Promise<void> {
  let seen = '';
  await waitUntil(
    `"${expected}"`,
    async () => {
      seen = await text(locator);
      return seen.includes(expected);
    },
    timeoutMs,
  ).catch(() => {
    throw new Error(`expected "${expected}", saw "${seen}"`);
  });
}

async function waitForExact(locator: Locator, expected: string): Promise<void> {
  let seen = '';
  await waitUntil(`exactly "${expected}"`, async () => (seen = await text(locator)) === expected).catch(
    () => {
      throw new Error(`expected exactly "${expected}", saw "${seen}"`);
    },
  );
}

async function waitForCount(locator: Locator, n: number): Promise<void> {
  await waitUntil(`${n} elements`, async () => (await locator.count()) === n).catch(async () => {
    throw new Error(`expected ${n} elements, saw ${await locator.count()}`);
  });
}

/** Page object: the administrator's console. */
class Console {
  constructor(
    readonly page: Page,
    readonly base: string,
  ) {}

  async login(): Promise<void> {
    await this.page.goto(`${this.base}/login`);
    await this.page.getByTestId('login-email').fill(ADMIN_EMAIL);
    await this.page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await this.page.getByTestId('login-submit').click();
    await this.page.waitForURL((url) => !url.pathname.startsWith('/login'));
  }

  /** Opens a mat-select (through its form field, whose label lies over it) and picks one option. */
  async pick(select: Locator, option: string): Promise<void> {
    await select.locator('xpath=ancestor::mat-form-field').click();
    await this.page.getByRole('option', { name: option, exact: true }).click();
    await // The select's own (transparent) backdrop; a dialog behind it keeps its dark one.
    await this.page.locator('.cdk-overlay-transparent-backdrop').waitFor({ state: 'detached' });
  }

  dialog(): Locator {
    return this.page.locator('mat-dialog-container');
  }

  /**
   * Opens a dialog and waits for its own focus to land on its first field: the dialog focuses it
   * once its opening animation ends, and typing before then would go to whichever field had it.
   */
  async openDialog(trigger: Locator, firstField: string): Promise<void> {
    await trigger.click();
    await waitUntil(`${firstField} to take the focus`, () =>
      this.page.evaluate((id) => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid') === id, firstField),
    );
  }

  async dialogClosed(): Promise<void> {
    await this.dialog().waitFor({ state: 'detached' });
  }

  // ---- settings ---------------------------------------------------------------------------

  async createFolder(name: string): Promise<void> {
    await this.openDialog(this.page.getByTestId('folder-new'), 'folder-name');
    await this.dialog().getByTestId('folder-name').fill(name);
    await this.dialog().getByTestId('folder-save').click();
    await this.dialogClosed();
    await this.folderNode(name).waitFor();
  }

  rules(): Locator {
    return this.page.getByTestId('rule-row');
  }

  rule(name: string): Locator {
    return this.page.locator(`[data-testid="rule-row"][data-rule-name="${name}"]`);
  }

  conditionRow(i: number): Locator {
    return this.dialog().getByTestId('condition-row').nth(i);
  }

  actionRow(i: number): Locator {
    return this.dialog().getByTestId('action-row').nth(i);
  }

  // ---- inbox ------------------------------------------------------------------------------

  folderNode(name: string): Locator {
    return this.page.locator(`[data-testid="folder-node"][data-folder-name="${name}"]`);
  }

  folderCount(name: string): Locator {
    return this.folderNode(name).getByTestId('folder-count');
  }

  rows(): Locator {
    return this.page.getByTestId('ticket-row');
  }

  row(subject: string): Locator {
    return this.rows().filter({ hasText: subject });
  }

  async rowSubjects(): Promise<string[]> {
    return (await this.page.locator('[data-testid="ticket-row"] td.subject').allTextContents()).map((s) =>
      s.trim(),
    );
  }

  /** Drags a list row by its handle onto a folder of the tree, the way a mouse does. */
  async dragRowToFolder(subject: string, folder: string): Promise<void> {
    const handle = this.row(subject).getByTestId('ticket-drag-handle');
    const from = (await handle.boundingBox())!;
    const to = (await this.folderNode(folder).boundingBox())!;
    await this.page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 10, { steps: 5 });
    await this.page.locator('.cdk-drag-preview').waitFor();
    await this.page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 20 });
    await this.page.mouse.move(to.x + to.width / 2 + 2, to.y + to.height / 2, { steps: 2 });
    await this.page.mouse.up();
  }
}

describe('mailbox automation in the browser', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let context: BrowserContext;
  let ui: Console;
  let mailbox: { id: number; address: string };
  let seq = 0;

  const deliver = async (subject: string, from = 'hanako@example.jp'): Promise<number> => {
    const raw = rawMail({
      from,
      fromName: '山田 花子',
      to: mailbox.address,
      subject,
      body: 'よろしくお願いいたします。',
      messageId: `automation-ui-${++seq}@example.jp`,
    });
    const result = await t.app.get(IntakeService).ingest(mailbox, raw, { kind: 'smtp' });
    if (!result.ticketId) throw new Error(`the mail was not filed: ${result.state}`);
    return result.ticketId;
  };
  const dispatchAll = async () => {
    while ((await t.app.get(OutboxDispatcher).dispatchDue()) > 0);
  };
  const api = async (url: string) => (await admin.get(url).expect(200)).body;
  const ticket = async (id: number) => api(`/api/tickets/${id}`);
  const folderId = async (name: string): Promise<number> =>
    (await api(`/api/mailboxes/${mailbox.id}/folders`)).find((f: { name: string }) => f.name === name).id;

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    sink = await startSmtpSink();
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    const res = await admin
      .post('/api/mailboxes', {
        name: 'お問い合わせ',
        address: 'info@example.jp',
        smtp: { host: sink.host, port: sink.port, secure: false },
      })
      .expect(201);
    mailbox = { id: res.body.id, address: 'info@example.jp' };
    ({ browser, close: closeBrowser } = await launchBrowser());
    context = await browser.newContext({
      locale: 'ja-JP',
      timezoneId: 'Asia/Tokyo',
      viewport: { width: 1400, height: 1000 },
    });
    ui = new Console(await context.newPage(), base);
    await ui.login();
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await closeBrowser?.();
    await t?.close();
    await sink?.stop();
  });

  it('sets up folders, three routing rules and a journal recipient through the mailbox settings', async () => {
    const { page } = ui;
    try {
      await page.goto(`${base}/settings/mailboxes/${mailbox.id}`);
      await page.getByTestId('automation-link-folders').click();
      await page.waitForURL(new RegExp(`/settings/mailboxes/${mailbox.id}/automation\\?tab=folders`));
      await waitForText(page.getByTestId('automation-mailbox'), 'お問い合わせ');

      // Two folders; a second 「見積」 at the same level is refused with the server's reason.
      await ui.createFolder('見積');
      await ui.createFolder('クレーム');
      await ui.openDialog(page.getByTestId('folder-new'), 'folder-name');
      await ui.dialog().getByTestId('folder-name').fill('見積');
      await ui.dialog().getByTestId('folder-save').click();
      await waitForText(ui.dialog().getByTestId('folder-name-error'), '「見積」');
      await page.keyboard.press('Escape');
      await ui.dialogClosed();
      await waitForCount(page.getByTestId('folder-node'), 2);

      // The labels the rules add come from the mailbox's catalogue (its ラベル tab).
      await page.getByTestId('automation-tab-labels').click();
      for (const [i, name] of ['見積', '至急'].entries()) {
        await page.getByTestId('label-name').fill(name);
        await page.getByTestId('label-add').click();
        await waitForCount(page.getByTestId('label-row'), i + 1);
      }

      // Rule 「見積依頼」: a bad regular expression is refused on its own row first.
      await page.getByTestId('automation-tab-rules').click();
      await ui.openDialog(page.getByTestId('rule-new'), 'rule-name');
      await ui.dialog().getByTestId('rule-name').fill('見積依頼');
      await ui.pick(ui.conditionRow(0).getByTestId('condition-op'), 'に一致する（正規表現）');
      await ui.conditionRow(0).getByTestId('condition-value').fill('([a-z');
      await ui.pick(ui.actionRow(0).getByTestId('action-folder'), '見積');
      await ui.dialog().getByTestId('rule-save').click();
      await waitForText(ui.conditionRow(0).getByTestId('condition-error'), '正規表現が正しくありません');
      expect(await api(`/api/mailboxes/${mailbox.id}/rules`)).toHaveLength(0);
      await ui.pick(ui.conditionRow(0).getByTestId('condition-op'), 'を含む');
      await ui.conditionRow(0).getByTestId('condition-value').fill('見積');
      await ui.dialog().getByTestId('action-add').click();
      await ui.pick(ui.actionRow(1).getByTestId('action-label'), '見積');
      await ui.dialog().getByTestId('rule-save').click();
      await ui.dialogClosed();
      await waitForCount(ui.rules(), 1);

      // Rule 「至急」: labels only.
      await ui.openDialog(page.getByTestId('rule-new'), 'rule-name');
      await ui.dialog().getByTestId('rule-name').fill('至急');
      await ui.conditionRow(0).getByTestId('condition-value').fill('至急');
      await ui.pick(ui.actionRow(0).getByTestId('action-type'), 'ラベルを付ける');
      await ui.pick(ui.actionRow(0).getByTestId('action-label'), '至急');
      await ui.dialog().getByTestId('rule-save').click();
      await ui.dialogClosed();
      await waitForCount(ui.rules(), 2);

      // Rule 「迷惑」: a sender domain is spam and nothing else applies; added last, moved to the top.
      await ui.openDialog(page.getByTestId('rule-new'), 'rule-name');
      await ui.dialog().getByTestId('rule-name').fill('迷惑');
      await ui.pick(ui.conditionRow(0).getByTestId('condition-field'), '差出人（From）');
      await ui.pick(ui.conditionRow(0).getByTestId('condition-op'), 'で終わる');
      await ui.conditionRow(0).getByTestId('condition-value').fill('@spam.example');
      await ui.pick(ui.actionRow(0).getByTestId('action-type'), '迷惑メールにする');
      await ui.dialog().getByTestId('action-add').click();
      await ui.pick(ui.actionRow(1).getByTestId('action-type'), '以降のルールを適用しない');
      await ui.dialog().getByTestId('rule-save').click();
      await ui.dialogClosed();
      await waitForCount(ui.rules(), 3);
      await ui.rule('迷惑').getByTestId('rule-up').click();
      await waitUntil(
        '「迷惑」 second',
        async () => (await ui.rule('迷惑').getAttribute('data-position')) === '2',
      );
      await ui.rule('迷惑').getByTestId('rule-up').click();
      await waitUntil(
        '「迷惑」 first',
        async () => (await ui.rule('迷惑').getAttribute('data-position')) === '1',
      );
      const estimates = await folderId('見積');
      const rules = await api(`/api/mailboxes/${mailbox.id}/rules`);
      expect(rules.map((r: { position: number; name: string }) => [r.position, r.name])).toEqual([
        [1, '迷惑'],
        [2, '見積依頼'],
        [3, '至急'],
      ]);
      expect(rules[1]).toMatchObject({
        match: 'all',
        active: true,
        conditions: [{ field: 'subject', op: 'contains', value: '見積' }],
        actions: [
          { type: 'moveToFolder', folderId: estimates },
          { type: 'addLabel', labelId: expect.any(Number) },
        ],
      });
      expect(rules[0]).toMatchObject({
        conditions: [{ field: 'from', op: 'endsWith', value: '@spam.example' }],
        actions: [{ type: 'markSpam' }, { type: 'stop' }],
      });
      await waitForText(ui.rule('見積依頼').getByTestId('rule-action').first(), '見積 へ移動');

      // Journal mail to one address; a malformed one is refused in the browser.
      await page.getByTestId('automation-tab-journal').click();
      await page.getByTestId('journal-enabled').locator('button[role="switch"]').click();
      const recipient = page.getByTestId('journal-recipient-input');
      await recipient.fill('not-an-address');
      await recipient.press('Enter');
      await waitForText(page.getByTestId('journal-recipient-error'), 'メールアドレスの形式');
      await recipient.fill('boss@example.jp');
      await recipient.press('Enter');
      await waitForCount(page.getByTestId('journal-recipient'), 1);
      await page.getByTestId('journal-save').click();
      await waitUntil(
        'the journal settings to be saved',
        async () => (await api(`/api/mailboxes/${mailbox.id}/journal`)).enabled,
      );
      expect(await api(`/api/mailboxes/${mailbox.id}/journal`)).toEqual({
        enabled: true,
        recipients: ['boss@example.jp'],
        folderIds: [],
      });
    } catch (e) {
      await screenshotOnFailure(page, 'automation-settings');
      throw e;
    }
  });

  let quoteId: number;
  let urgentId: number;
  let spamId: number;
  let wallId: number;

  it('files new mail by the rules: counts per folder, spam only under 迷惑メール, the rule log on the ticket, one journal mail per real inquiry', async () => {
    const { page } = ui;
    try {
      sink.clear();
      quoteId = await deliver('見積のお願い');
      urgentId = await deliver('至急：納期について');
      spamId = await deliver('【見積】今すぐ儲かる話', 'bulk@spam.example');
      wallId = await deliver('外壁塗装の見積について', 'taro@example.jp');
      await dispatchAll();

      // The journal: exactly one mail per real inquiry, none for the spam.
      const journal = await sink.waitFor(3);
      await dispatchAll();
      await new Promise((r) => setTimeout(r, 300));
      expect(sink.messages()).toHaveLength(3);
      const parsed = await Promise.all(journal.map((m) => simpleParser(m.raw)));
      expect(journal.every((m) => m.envelope.rcptTo.join() === 'boss@example.jp')).toBe(true);
      const subjects = parsed.map((p) => p.subject ?? '');
      for (const subject of ['見積のお願い', '至急：納期について', '外壁塗装の見積について'])
        expect(subjects.filter((s) => s.includes(subject))).toHaveLength(1);
      expect(subjects.some((s) => s.includes('儲かる'))).toBe(false);

      // The inbox: the folder tree with counts, spam apart.
      await page.goto(`${base}/inbox/${mailbox.id}`);
      await waitForExact(ui.folderCount('見積'), '2');
      await waitForExact(ui.folderCount('クレーム'), '0');
      await waitForExact(page.getByTestId('folder-spam-count'), '1');
      await waitForCount(ui.rows(), 3);
      expect((await ui.rowSubjects()).some((s) => s.includes('儲かる'))).toBe(false);
      await waitForText(ui.row('至急：納期について').getByTestId('ticket-label'), '至急');
      await waitForText(ui.row('見積のお願い').getByTestId('ticket-row-folder'), '見積');
      await waitForText(ui.row('見積のお願い').getByTestId('ticket-label'), '見積');

      // One folder at a time.
      await ui.folderNode('見積').getByTestId('folder-select').click();
      await page.waitForURL(/folder=\d+/);
      await waitForCount(ui.rows(), 2);
      const inFolder = await ui.rowSubjects();
      expect(inFolder.some((s) => s.includes('見積のお願い'))).toBe(true);
      expect(inFolder.some((s) => s.includes('外壁塗装の見積について'))).toBe(true);
      await ui.folderNode('クレーム').getByTestId('folder-select').click();
      await waitForCount(ui.rows(), 0);
      await page.getByTestId('folder-node-spam').click();
      await page.waitForURL(/folder=spam/);
      await waitForCount(ui.rows(), 1);
      await waitForText(ui.rows().first(), '今すぐ儲かる話');
      await page.getByTestId('folder-node-all').click();
      await waitForCount(ui.rows(), 3);

      // The ticket says where it is and which rule put it there.
      await ui.row('見積のお願い').click();
      await page.waitForURL(new RegExp(`/tickets/${quoteId}$`));
      await waitForText(
        page.getByTestId('rule-log-entry'),
        '「見積依頼」(ルール2) により 見積 へ移動、ラベル「見積」を追加',
      );
      await waitForText(page.getByTestId('ticket-folder'), '見積');
      await waitForText(page.getByTestId('ticket-label'), '見積');
      expect(await page.getByTestId('ticket-spam-badge').count()).toBe(0);
      await page.goto(`${base}/tickets/${spamId}`);
      await waitForText(
        page.getByTestId('rule-log-entry'),
        '「迷惑」(ルール1) により 迷惑メールに設定、以降のルールを適用しない',
      );
      await page.getByTestId('ticket-spam-badge').waitFor();
      await page.goto(`${base}/tickets/${urgentId}`);
      await waitForText(page.getByTestId('ticket-folder'), '受信箱（フォルダなし）');
      await waitForText(page.getByTestId('rule-log-entry'), '「至急」(ルール3) により ラベル「至急」を追加');
    } catch (e) {
      await screenshotOnFailure(page, 'automation-filing');
      throw e;
    }
  });

  it('moves tickets from the ticket, from the list (menu and drag), and asks where a deleted folder’s tickets go', async () => {
    const { page } = ui;
    try {
      const estimates = await folderId('見積');
      const complaints = await folderId('クレーム');

      // From the ticket view's menu.
      await page.goto(`${base}/tickets/${quoteId}`);
      await page.getByTestId('move-to-folder').click();
      await page.locator('[data-testid="move-to-folder-item"][data-folder-name="クレーム"]').click();
      await waitForText(page.getByTestId('ticket-folder'), 'クレーム');
      expect((await ticket(quoteId)).folderId).toBe(complaints);

      // From the list: a checked row, then the menu.
      await page.goto(`${base}/inbox/${mailbox.id}`);
      await waitForExact(ui.folderCount('クレーム'), '1');
      await waitForExact(ui.folderCount('見積'), '1');
      await ui.row('至急：納期について').getByTestId('ticket-select').click();
      await waitForText(page.getByTestId('inbox-selection-count'), '1件選択中');
      await page.getByTestId('inbox-selection').getByTestId('move-to-folder').click();
      await page.locator('[data-testid="move-to-folder-item"][data-folder-name="見積"]').click();
      await waitForExact(ui.folderCount('見積'), '2');
      expect((await ticket(urgentId)).folderId).toBe(estimates);
      await waitForCount(page.getByTestId('inbox-selection'), 0);

      // A row dragged by its handle onto a folder.
      await ui.dragRowToFolder('外壁塗装の見積について', 'クレーム');
      await waitForExact(ui.folderCount('クレーム'), '2');
      await waitForExact(ui.folderCount('見積'), '1');
      expect((await ticket(wallId)).folderId).toBe(complaints);

      // Deleting a folder that holds tickets asks where they go.
      await ui.folderNode('クレーム').getByTestId('folder-menu').click();
      await page.getByTestId('folder-delete').click();
      await waitForText(ui.dialog().getByTestId('folder-delete-non-empty'), '2件');
      await ui.pick(ui.dialog().getByTestId('folder-delete-target'), '見積');
      await ui.dialog().getByTestId('folder-delete-confirm').click();
      await ui.dialogClosed();
      await waitForCount(ui.folderNode('クレーム'), 0);
      await waitForExact(ui.folderCount('見積'), '3');
      expect((await ticket(wallId)).folderId).toBe(estimates);
      expect((await ticket(quoteId)).folderId).toBe(estimates);

      // A folder the rules still file into is kept, and the server says which rule uses it.
      await ui.folderNode('見積').getByTestId('folder-menu').click();
      await page.getByTestId('folder-delete').click();
      await ui.dialog().getByTestId('folder-delete-target').waitFor();
      await ui.dialog().getByTestId('folder-delete-confirm').click();
      await waitForText(ui.dialog().getByTestId('folder-delete-error'), '「見積依頼」');
      await ui.dialog().getByTestId('folder-delete-cancel').click();
      await ui.dialogClosed();
      await waitForExact(ui.folderCount('見積'), '3');
      expect(
        (await api(`/api/mailboxes/${mailbox.id}/folders`)).map((f: { name: string }) => f.name),
      ).toEqual(['見積']);
    } catch (e) {
      await screenshotOnFailure(page, 'automation-moves');
      throw e;
    }
  });

  it('re-applies the rules to a folder and saves the customer database link', async () => {
    const { page } = ui;
    try {
      await page.goto(`${base}/settings/mailboxes/${mailbox.id}/automation?tab=rules`);
      await waitForCount(ui.rules(), 3);
      await page.getByTestId('reapply').click();
      await waitForText(page.getByTestId('reapply-result'), '件を確認し');

      await page.getByTestId('automation-tab-customer-link').click();
      await page.getByTestId('customer-link-enabled').locator('button[role="switch"]').click();
      await page.getByTestId('customer-link-match-phone').click();
      await page.getByTestId('mapping-add').click();
      await page.getByTestId('mapping-row').nth(0).getByTestId('mapping-key').fill('tel_no');
      await ui.pick(page.getByTestId('mapping-row').nth(0).getByTestId('mapping-field'), 'TEL');
      await page.getByTestId('mapping-add').click();
      await page.getByTestId('mapping-row').nth(1).getByTestId('mapping-key').fill('sei');
      await page.getByTestId('customer-link-save').click();
      await waitUntil(
        'the customer link to be saved',
        async () => (await api(`/api/mailboxes/${mailbox.id}/customer-link`)).enabled === true,
      );
      expect(await api(`/api/mailboxes/${mailbox.id}/customer-link`)).toEqual({
        enabled: true,
        matchBy: 'phone',
        fieldMap: { tel_no: 'tel', sei: 'lastName' },
      });
    } catch (e) {
      await screenshotOnFailure(page, 'automation-customer-link');
      throw e;
    }
  });
});
