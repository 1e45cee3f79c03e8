import { IntakeService } from '@madoguchi/mail';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Browser } from 'playwright-core';
import { launchBrowser, waitForText, waitUntil } from '@test/support/browser';
import { rawMail } from '@test/support/mail-builder';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

/**
 * Issue 13 point 11 in the browser: the approver sees the customer's message (and the
 * conversation) beside the draft; the final approval offers an undo bar for the send window, and
 * undoing it puts the reply back in the queue with nothing sent.
 */
describe('approving with the conversation in view, and taking it back', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let base: string;
  let agent: Session;
  let ticketId: number;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  const address = 'context@example.jp';

  beforeAll(async () => {
    if (!existsSync(resolve(__dirname, '../../dist/frontend/console/browser/index.html')))
      throw new Error('The console is not built: run npm run build:frontend (npm test does it)');
    sink = await startSmtpSink();
    t = await startTestApp('sqlite', { MAIL_UNDO_SECONDS: 20 });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const admin = await t.login();
    const mailboxId = (await admin.post('/api/mailboxes', { name: '承認窓口', address, smtp: { host: sink.host, port: sink.port, secure: false } }).expect(201)).body.id as number;
    const group = async (name: string, approve: boolean) =>
      (await admin.post('/api/groups', { name, rights: [], mailboxRights: [{ mailboxId, view: true, reply: true, approve, manage: false }] }).expect(201)).body.id as number;
    const agents = await group('担当', false);
    const approvers = await group('承認者', true);
    await admin.post('/api/users', { email: 'agent@context.test', name: '佐藤 担当', password: 'context-pass-123', groupIds: [agents] }).expect(201);
    await admin.post('/api/users', { email: 'boss@context.test', name: '鈴木 承認', password: 'context-pass-123', groupIds: [approvers] }).expect(201);
    await admin.put(`/api/mailboxes/${mailboxId}/approval-policy`, { mode: 'all', groupIds: [], steps: [{ approverGroupIds: [approvers] }], notifyByMail: false }).expect(200);
    const r = await t.app
      .get(IntakeService)
      .ingest({ id: mailboxId, address }, rawMail({ from: 'yamada@customer.example.jp', fromName: '山田 花子', to: address, subject: '屋根の点検について', body: '雨漏りがするので点検をお願いできますか。', messageId: 'context-ui-1@customer.example.jp' }), { kind: 'smtp' });
    ticketId = r.ticketId as number;
    agent = await t.login('agent@context.test', 'context-pass-123');
    await agent.post(`/api/tickets/${ticketId}/replies`, { to: ['yamada@customer.example.jp'], text: '来週火曜に伺います。' }).expect(201);
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
    await sink?.stop();
  });

  it('shows the customer’s message beside the draft, and an approval can be undone from the bar', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/approvals`);
      await page.waitForURL(/\/login/);
      await page.getByTestId('login-email').fill('boss@context.test');
      await page.getByTestId('login-password').fill('context-pass-123');
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/inbox|\/approvals/);
      await page.goto(`${base}/approvals`);
      const card = page.getByTestId('approval-card');
      await card.waitFor();
      await waitForText(card.getByTestId('approval-text'), '来週火曜に伺います。');
      // The message being answered, marked as such, in the card.
      const answered = card.getByTestId('approval-context-article').filter({ has: page.getByTestId('approval-context-answered') });
      await waitForText(answered, '雨漏りがするので点検をお願いできますか。');
      expect(await answered.innerText()).toContain('山田 花子');

      await card.getByTestId('approval-approve').click();
      const bar = page.locator('.approval-undo-bar');
      await waitForText(bar, '承認しました');
      // The bar sits inside the viewport.
      const box = await bar.boundingBox();
      const viewport = page.viewportSize()!;
      expect(box && box.y >= 0 && box.y + box.height <= viewport.height).toBe(true);
      await bar.getByRole('button', { name: '承認を取り消す' }).click();
      await waitForText(page.locator('mat-snack-bar-container'), '承認を取り消しました');
      await waitUntil('the reply back in the queue', async () => (await page.getByTestId('approval-approve').count()) === 1);
      const replies = (await agent.get(`/api/tickets/${ticketId}/replies`).expect(200)).body as { status: string }[];
      expect(replies.map((x) => x.status)).toEqual(['awaiting_approval']);
      expect(sink.messages().length).toBe(0);
    } finally {
      await context.close();
    }
  });
});
