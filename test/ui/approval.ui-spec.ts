import { OutboxDispatcher } from '@madoguchi/core';
import { IntakeService } from '@madoguchi/mail';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { simpleParser } from 'mailparser';
import { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchBrowser, screenshotOnFailure, waitUntil, waitForText } from '@test/support/browser';
import { rawMail } from '@test/support/mail-builder';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(180_000);

const PASSWORD = 'ui-approval-pass-1';

/** Polls until `check` holds; says what it last saw when it never does. */
async function waitForCount(locator: Locator, n: number, timeoutMs?: number): Promise<void> {
  await waitUntil(`${n} elements`, async () => (await locator.count()) === n, timeoutMs).catch(async () => {
    throw new Error(`expected ${n} elements, saw ${await locator.count()}`);
  });
}

/** Page object: one staff member in their own browser context. */
class Staff {
  constructor(
    readonly page: Page,
    readonly base: string,
  ) {}

  async login(email: string, password = PASSWORD): Promise<void> {
    await this.page.goto(`${this.base}/login`);
    await this.page.getByTestId('login-email').fill(email);
    await this.page.getByTestId('login-password').fill(password);
    await this.page.getByTestId('login-submit').click();
    await this.page.waitForURL((url) => !url.pathname.startsWith('/login'));
  }

  async openTicket(id: number): Promise<void> {
    await this.page.goto(`${this.base}/tickets/${id}`);
    await this.page.getByTestId('ticket-timeline').waitFor();
  }

  state(): Locator {
    return this.page.getByTestId('ticket-state');
  }

  replyCard(): Locator {
    return this.page.getByTestId('reply-card');
  }

  async openApprovals(): Promise<void> {
    await this.page.goto(`${this.base}/approvals`);
    await this.page.getByTestId('approvals-tab-pending').waitFor();
  }

  approvalCards(): Locator {
    return this.page.getByTestId('approval-card');
  }

  async transitionEvents(): Promise<string[]> {
    return (await this.transitions()).map((t) => t.event);
  }

  /** The rows of the ticket's transition history (the panel must be open). */
  async transitions(): Promise<{ machine: string; event: string; to: string }[]> {
    const rows = this.page.getByTestId('transition-row');
    const list = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      list.push({
        machine: (await row.getAttribute('data-machine')) ?? '',
        event: (await row.getAttribute('data-event')) ?? '',
        to: (await row.getAttribute('data-to')) ?? '',
      });
    }
    return list;
  }

  /**
   * Opens a multiple mat-select and picks the options. Clicks go to the form field around it:
   * the floating label lies over the select and takes the click, as it would for a person.
   */
  async pick(select: Locator, ...options: string[]): Promise<void> {
    await select.locator('xpath=ancestor::mat-form-field').click();
    for (const name of options) await this.page.getByRole('option', { name, exact: true }).click();
    await this.page.keyboard.press('Escape');
    await this.page.locator('.cdk-overlay-backdrop').waitFor({ state: 'detached' });
  }
}

describe('reply approval in the browser', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let base: string;
  let admin: Session;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  const contexts: BrowserContext[] = [];
  let oneStep: { id: number; address: string };
  let twoStep: { id: number; address: string };
  let noApproval: { id: number; address: string };
  let approversId: number;
  let secondApproversId: number;

  const deliver = async (
    mailbox: { id: number; address: string },
    subject: string,
    messageId: string,
  ): Promise<number> => {
    const raw = rawMail({
      from: 'hanako@example.jp',
      fromName: '山田 花子',
      to: mailbox.address,
      subject,
      body: 'お見積りをお願いします。',
      messageId,
    });
    const result = await t.app.get(IntakeService).ingest(mailbox, raw, { kind: 'smtp' });
    if (!result.ticketId) throw new Error(`the mail was not filed: ${result.state}`);
    return result.ticketId;
  };

  /** Sends whatever the outbox holds that is due (no worker runs in this app). */
  const dispatch = () => t.app.get(OutboxDispatcher).dispatchDue();

  const newStaff = async (email: string, password?: string): Promise<Staff> => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    contexts.push(context);
    const staff = new Staff(await context.newPage(), base);
    await staff.login(email, password);
    return staff;
  };

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    sink = await startSmtpSink();
    t = await startTestApp('sqlite');
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();

    const smtp = { host: sink.host, port: sink.port, secure: false };
    const a = await admin
      .post('/api/mailboxes', { name: 'お問い合わせ', address: 'info@example.jp', smtp })
      .expect(201);
    const b = await admin
      .post('/api/mailboxes', { name: '法人窓口', address: 'corp@example.jp', smtp })
      .expect(201);
    const c = await admin
      .post('/api/mailboxes', { name: 'サポート', address: 'support@example.jp', smtp })
      .expect(201);
    oneStep = { id: a.body.id, address: 'info@example.jp' };
    twoStep = { id: b.body.id, address: 'corp@example.jp' };
    noApproval = { id: c.body.id, address: 'support@example.jp' };
    const rights = (approve: boolean) =>
      [oneStep, twoStep, noApproval].map((m) => ({
        mailboxId: m.id,
        view: true,
        reply: true,
        approve,
        manage: false,
      }));

    const agents = await admin
      .post('/api/groups', { name: '担当者', rights: [], mailboxRights: rights(false) })
      .expect(201);
    const approvers = await admin
      .post('/api/groups', { name: '承認者', rights: [], mailboxRights: rights(true) })
      .expect(201);
    const secondApprovers = await admin
      .post('/api/groups', { name: '最終承認者', rights: [], mailboxRights: rights(true) })
      .expect(201);
    approversId = approvers.body.id;
    secondApproversId = secondApprovers.body.id;
    await admin
      .post('/api/users', {
        email: 'agent@test.local',
        name: '担当 一郎',
        password: PASSWORD,
        groupIds: [agents.body.id],
      })
      .expect(201);
    await admin
      .post('/api/users', {
        email: 'approver@test.local',
        name: '承認 花子',
        password: PASSWORD,
        groupIds: [approversId],
      })
      .expect(201);
    await admin
      .post('/api/users', {
        email: 'chief@test.local',
        name: '部長 次郎',
        password: PASSWORD,
        groupIds: [secondApproversId],
      })
      .expect(201);

    await admin
      .put(`/api/mailboxes/${oneStep.id}/approval-policy`, {
        mode: 'all',
        groupIds: [],
        steps: [{ approverGroupIds: [approversId] }],
        notifyByMail: false,
      })
      .expect(200);
    await admin
      .put(`/api/mailboxes/${twoStep.id}/approval-policy`, {
        mode: 'all',
        groupIds: [],
        steps: [{ approverGroupIds: [approversId] }, { approverGroupIds: [secondApproversId] }],
        notifyByMail: false,
      })
      .expect(200);

    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await closeBrowser?.();
    await t?.close();
    await sink?.stop();
  });

  it('submits a reply for approval, is rejected with a reason, resubmits, is approved and sends it exactly once', async () => {
    sink.clear();
    const ticketId = await deliver(oneStep, '見積のお願い', 'approval-ui-1@example.jp');
    const agent = await newStaff('agent@test.local');
    const approver = await newStaff('approver@test.local');
    try {
      // The agent writes in the composer; the mailbox's policy makes it a submission for approval.
      await agent.openTicket(ticketId);
      const send = agent.page.getByTestId('reply-send');
      await waitUntil(
        'the composer to know approval is required',
        async () => (await send.getAttribute('data-mode')) === 'approval',
      );
      expect(await send.textContent()).toContain('承認申請');
      expect(await agent.page.getByTestId('reply-subject').inputValue()).toContain('[#');
      await agent.page.getByTestId('reply-text').fill('山田様\nお見積りは10万円です。');
      await send.click();
      await waitForText(agent.state(), '承認待ち');
      await waitForCount(agent.replyCard(), 1);
      expect(await agent.replyCard().getAttribute('data-status')).toBe('awaiting_approval');
      expect(await agent.page.getByTestId('reply-step').textContent()).toContain('1/1');
      // The author cannot approve their own reply: no approve button for them.
      expect(await agent.page.getByTestId('reply-approve').count()).toBe(0);
      expect(sink.messages()).toHaveLength(0);

      // The approver sees it waiting (badge and bell too) and sends it back with a reason.
      await approver.openApprovals();
      await waitForCount(approver.approvalCards(), 1);
      await waitForText(approver.page.getByTestId('nav-approvals-count'), '1');
      await waitUntil(
        'an unread notification',
        async () =>
          Number(await approver.page.getByTestId('notifications-bell').getAttribute('data-unread')) >= 1,
      );
      expect(await approver.page.getByTestId('approval-text').textContent()).toContain('10万円');
      await approver.page.getByTestId('approval-reject').click();
      // A reason is required.
      await approver.page.getByTestId('reject-confirm').click();
      await approver.page.getByTestId('error-reason').waitFor();
      await approver.page.getByTestId('reject-reason').fill('金額は税込で記載してください。');
      await approver.page.getByTestId('reject-confirm').click();
      await waitForCount(approver.approvalCards(), 0);

      // The agent's open ticket follows along: 非承認 with the reason.
      await waitForText(agent.state(), '非承認');
      await waitForText(agent.page.getByTestId('reply-reject-reason'), '金額は税込で記載してください。');
      // The author is told too: the bell's notice leads to the ticket and is read once opened.
      const bell = agent.page.getByTestId('notifications-bell');
      await waitUntil(
        'the author to be notified',
        async () => Number(await bell.getAttribute('data-unread')) >= 1,
      );
      await bell.click();
      await agent.page.locator('[data-testid="notification-item"][data-kind="reply_rejected"]').click();
      await waitUntil(
        'the notice to be read',
        async () => Number(await bell.getAttribute('data-unread')) === 0,
      );
      // Their own rejected replies are listed on the approvals page too.
      await agent.openApprovals();
      await agent.page.getByTestId('approvals-tab-rejected').click();
      await waitForCount(agent.page.getByTestId('rejected-reply'), 1);
      await waitForText(agent.page.getByTestId('rejected-reason'), '金額は税込で記載してください。');
      await agent.page.getByTestId('rejected-edit').click();
      await agent.page.waitForURL(new RegExp(`/tickets/${ticketId}$`));

      // Edit in place and resubmit.
      await agent.page.getByTestId('reply-edit').click();
      await agent.page.getByTestId('reply-edit-text').fill('山田様\nお見積りは11万円（税込）です。');
      await agent.page.getByTestId('reply-edit-resubmit').click();
      await waitForText(agent.state(), '承認待ち');
      await waitUntil(
        'the resubmitted reply',
        async () => (await agent.replyCard().getAttribute('data-status')) === 'awaiting_approval',
      );
      await waitForText(agent.page.getByTestId('reply-body'), '11万円（税込）');

      // The approver sees what changed since the rejected version, and approves.
      await waitForCount(approver.approvalCards(), 1);
      await waitForText(approver.page.getByTestId('diff-added').first(), '11');
      const added = await approver.page.getByTestId('diff-added').allTextContents();
      const removed = await approver.page.getByTestId('diff-removed').allTextContents();
      expect(added.join('')).toContain('（税込）');
      expect(removed.join('')).toContain('10');
      await approver.page.getByTestId('approval-approve').click();
      await waitForCount(approver.approvalCards(), 0);

      // Exactly one mail goes out, with the final text.
      await dispatch();
      const [mail] = await sink.waitFor(1);
      const parsed = await simpleParser(mail.raw);
      expect(parsed.text).toContain('11万円（税込）');
      expect(parsed.text).not.toContain('10万円');
      expect(parsed.inReplyTo).toBe('<approval-ui-1@example.jp>');
      await dispatch();
      await new Promise((r) => setTimeout(r, 300));
      expect(sink.messages()).toHaveLength(1);

      // The ticket is handled, and its history tells the whole story.
      await waitForText(agent.state(), '対応済', 20_000);
      await waitForCount(agent.replyCard(), 0);
      await agent.page.getByTestId('transitions-toggle').click();
      await waitUntil(
        'the transition history',
        async () => (await agent.page.getByTestId('transition-row').count()) >= 6,
      );
      const story = await agent.transitions();
      const events = story.map((row) => row.event);
      for (const event of [
        'SUBMIT',
        'REJECT',
        'EDIT',
        'RESUBMIT',
        'APPROVE',
        'SENT',
        'REPLY_SUBMITTED',
        'REPLY_REJECTED',
        'REPLY_RESUBMITTED',
      ]) {
        expect(events).toContain(event);
      }
      expect(story.some((row) => row.machine === 'ticket' && row.to === 'handled')).toBe(true);
      expect(events.indexOf('REJECT')).toBeLessThan(events.indexOf('RESUBMIT'));
      expect(events.indexOf('RESUBMIT')).toBeLessThan(events.indexOf('APPROVE'));
      const panel = (await agent.page.getByTestId('transitions-panel').textContent()) ?? '';
      expect(panel).toContain('金額は税込で記載してください。');
      expect(panel).toContain('承認 花子');
      expect(panel).toContain('差し戻し');
    } catch (e) {
      await screenshotOnFailure(agent.page, 'approval-agent');
      await screenshotOnFailure(approver.page, 'approval-approver');
      throw e;
    }
  });

  it('goes through two approval steps in order before sending', async () => {
    sink.clear();
    const ticketId = await deliver(twoStep, '契約について', 'approval-ui-2@example.jp');
    const agent = await newStaff('agent@test.local');
    const approver = await newStaff('approver@test.local');
    const chief = await newStaff('chief@test.local');
    try {
      await agent.openTicket(ticketId);
      await waitUntil(
        'approval mode',
        async () => (await agent.page.getByTestId('reply-send').getAttribute('data-mode')) === 'approval',
      );
      await agent.page.getByTestId('reply-text').fill('契約書をお送りします。');
      await agent.page.getByTestId('reply-send').click();
      await waitForText(agent.state(), '承認待ち');
      await waitForText(agent.page.getByTestId('reply-step'), '1/2');

      // Step 2's approver has nothing to do before step 1 is approved.
      await chief.openApprovals();
      await chief.page.getByTestId('approvals-empty').waitFor();

      // Step 1, approved right on the ticket.
      await approver.openTicket(ticketId);
      await approver.page.getByTestId('reply-approve').click();
      await waitForText(approver.page.getByTestId('reply-step'), '2/2');
      expect(await approver.page.getByTestId('reply-approve').count()).toBe(0);
      await dispatch();
      expect(sink.messages()).toHaveLength(0);

      // Step 2, from the queue.
      await waitForCount(chief.approvalCards(), 1);
      await waitForText(chief.page.getByTestId('approval-step'), '2/2');
      await chief.page.getByTestId('approval-approve').click();
      await waitForCount(chief.approvalCards(), 0);
      await dispatch();
      const [mail] = await sink.waitFor(1);
      expect((await simpleParser(mail.raw)).text).toContain('契約書をお送りします。');
      await waitForText(agent.state(), '対応済', 20_000);
    } catch (e) {
      await screenshotOnFailure(agent.page, 'approval2-agent');
      await screenshotOnFailure(approver.page, 'approval2-approver');
      await screenshotOnFailure(chief.page, 'approval2-chief');
      throw e;
    }
  });

  it('lets an administrator set an approval policy, and an agent record a call, mark handled, reopen and reply with templates', async () => {
    sink.clear();
    const settings = await newStaff(ADMIN_EMAIL, ADMIN_PASSWORD);
    try {
      await settings.page.goto(`${base}/settings/mailboxes/${noApproval.id}`);
      const panel = settings.page.getByTestId('approval-policy');
      await panel.getByTestId('approval-policy-mode-off').waitFor();

      // Approval by everyone, but no approvers named: the server refuses and says why.
      await panel.getByTestId('approval-policy-mode-all').click();
      await settings.page.getByTestId('mailbox-save').click();
      await panel.getByTestId('approval-policy-error').waitFor();
      expect(
        (
          await settings.page.request
            .get(`${base}/api/mailboxes/${noApproval.id}/approval-policy`)
            .then((r) => r.json())
        ).mode,
      ).toBe('off');

      // Replies by 担当者 need 承認者, then 最終承認者.
      await panel.getByTestId('approval-policy-mode-groups').click();
      await settings.pick(panel.getByTestId('approval-policy-groups'), '担当者');
      await settings.pick(panel.getByTestId('approval-policy-step-groups-1'), '承認者');
      await panel.getByTestId('approval-policy-add-step').click();
      await settings.pick(panel.getByTestId('approval-policy-step-groups-2'), '最終承認者');
      await panel.getByTestId('approval-policy-notify').click();
      await settings.page.getByTestId('mailbox-save').click();
      await waitUntil('the policy to be saved', async () => {
        const policy = await settings.page.request
          .get(`${base}/api/mailboxes/${noApproval.id}/approval-policy`)
          .then((r) => r.json());
        return policy.mode === 'groups';
      });
      const saved = await settings.page.request
        .get(`${base}/api/mailboxes/${noApproval.id}/approval-policy`)
        .then((r) => r.json());
      expect(saved).toMatchObject({
        mode: 'groups',
        notifyByMail: true,
        steps: [{ approverGroupIds: [approversId] }, { approverGroupIds: [secondApproversId] }],
      });
      expect(saved.groupIds).toHaveLength(1);
      // Back to no approval for the rest of this case.
      await panel.getByTestId('approval-policy-mode-off').click();
      await settings.page.getByTestId('mailbox-save').click();
      await waitUntil(
        'approval off',
        async () =>
          (
            await settings.page.request
              .get(`${base}/api/mailboxes/${noApproval.id}/approval-policy`)
              .then((r) => r.json())
          ).mode === 'off',
      );
    } catch (e) {
      await screenshotOnFailure(settings.page, 'approval3-admin');
      throw e;
    }

    const ticketId = await deliver(noApproval, '電話で解決', 'approval-ui-3@example.jp');
    const template = async (kind: string, name: string, fields: object) =>
      (await admin.post('/api/templates', { mailboxId: noApproval.id, kind, name, ...fields }).expect(201))
        .body.id as number;
    const bodyTemplate = await template('body', '受付のご連絡', {
      body: 'お問い合わせ（{{ticket.code}}）を承りました。',
    });
    const signature = await template('signature', 'サポート署名', {
      body: '----\n{{mailbox.name}} 担当窓口',
    });
    const sender = await template('sender', 'サポート窓口名義', { fromName: 'サポート窓口' });
    const agent = await newStaff('agent@test.local');
    try {
      await agent.page.goto(`${base}/inbox/${noApproval.id}`);
      await waitForText(agent.page.getByTestId('inbox-count-unhandled'), '1');
      await agent.openTicket(ticketId);
      await waitUntil(
        'send mode',
        async () => (await agent.page.getByTestId('reply-send').getAttribute('data-mode')) === 'send',
      );

      // A response-history note, shown on the timeline as one.
      await agent.page.getByTestId('history-note-open').click();
      await agent.page.getByTestId('history-note-text').fill('お客様に電話で回答しました。');
      await agent.page.getByTestId('history-note-save').click();
      const history = agent.page.locator('[data-testid="article"][data-kind="history"]');
      await waitForCount(history, 1);
      await waitForText(history.getByTestId('article-history-kind'), '電話');

      // Handled without a mail, with a note of the visit; then reopened.
      await agent.page.getByTestId('ticket-mark-handled').click();
      await agent.page.getByTestId('mark-handled-kind').locator('xpath=ancestor::mat-form-field').click();
      await agent.page.getByTestId('mark-handled-kind-visit').click();
      await agent.page.getByTestId('mark-handled-text').fill('来店され、その場で対応しました。');
      await agent.page.getByTestId('mark-handled-confirm').click();
      await waitForText(agent.state(), '対応済');
      await waitForCount(history, 2);
      await agent.page.getByTestId('ticket-reopen').click();
      await waitForText(agent.state(), '未対応');
      await agent.page.getByTestId('transitions-toggle').click();
      await waitUntil('MARK_HANDLED and REOPEN', async () => {
        const events = await agent.transitionEvents();
        return events.includes('MARK_HANDLED') && events.includes('REOPEN');
      });

      // Attachments: a file over 10 MB is refused in the browser; a small one is uploaded and listed.
      const fileInput = agent.page.getByTestId('composer-file-input');
      await fileInput.setInputFiles({
        name: 'big.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.alloc(10 * 1024 * 1024 + 1),
      });
      await waitForText(agent.page.getByTestId('composer-attach-error'), 'big.pdf');
      await fileInput.setInputFiles({
        name: '見積書.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('見積書'),
      });
      await waitForCount(agent.page.getByTestId('composer-attachment'), 1);
      await waitForText(agent.page.getByTestId('composer-attachment'), '見積書.txt');

      // Body from a template, a signature at the end, another sender name; sent with the attachment.
      await agent.page.getByTestId('composer-template').click();
      await agent.page.getByTestId(`composer-template-${bodyTemplate}`).click();
      await waitUntil('the template text', async () =>
        (await agent.page.getByTestId('reply-text').inputValue()).includes('を承りました。'),
      );
      await agent.page.getByTestId('composer-signature').click();
      await agent.page.getByTestId(`composer-signature-${signature}`).click();
      await waitUntil('the signature', async () =>
        (await agent.page.getByTestId('reply-text').inputValue()).endsWith('サポート 担当窓口'),
      );
      expect(await agent.page.getByTestId('reply-text').inputValue()).toMatch(
        /^お問い合わせ（IQ\d{6}）を承りました。\n\n----\n/,
      );
      await agent.page.getByTestId('composer-sender').locator('xpath=ancestor::mat-form-field').click();
      await agent.page.getByTestId(`composer-sender-${sender}`).click();
      await agent.page.getByTestId('reply-send').click();
      // An attachment was added: the 誤送信防止 check asks first.
      await agent.page.getByTestId('misdelivery-dialog').waitFor();
      await agent.page.getByTestId('misdelivery-confirm').locator('input').check();
      await agent.page.getByTestId('misdelivery-send').click();
      await waitForCount(agent.page.getByTestId('composer-attachment'), 0);
      await dispatch();
      const [sent] = await sink.waitFor(1);
      const mail = await simpleParser(sent.raw);
      expect(mail.from?.value[0]).toMatchObject({ name: 'サポート窓口', address: 'support@example.jp' });
      expect(mail.text).toContain('を承りました。');
      expect(mail.text).toContain('サポート 担当窓口');
      expect(mail.attachments.map((a) => a.filename)).toEqual(['見積書.txt']);

      // Send later, then call it off before its time: nothing goes out.
      await agent.page.getByTestId('reply-text').fill('明日あらためてご連絡します。');
      await agent.page.getByTestId('composer-schedule').click();
      // A week ahead, 10:00 in Tokyo (the picker is read as Tokyo time whatever the browser's zone).
      const day = new Date(Date.now() + 7 * 86_400_000)
        .toLocaleString('sv-SE', { timeZone: 'Asia/Tokyo' })
        .slice(0, 10);
      await agent.page.getByTestId('composer-send-at').fill(`${day}T10:00`);
      await agent.page.getByTestId('composer-schedule-confirm').click();
      await waitForCount(agent.replyCard(), 1);
      await waitForText(agent.page.getByTestId('reply-send-at'), `${day.replace(/-/g, '/')} 10:00`);
      await agent.page.getByTestId('reply-cancel').click();
      await agent.page.getByTestId('confirm-ok').click();
      await waitForCount(agent.replyCard(), 0);
      await dispatch();
      expect(sink.messages()).toHaveLength(1);
    } catch (e) {
      await screenshotOnFailure(agent.page, 'approval3-agent');
      throw e;
    }
  });
});
