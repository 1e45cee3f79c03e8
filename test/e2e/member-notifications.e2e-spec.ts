import { randomUUID } from 'node:crypto';
import { OutboxDispatcher } from '@madoguchi/core';
import { fromFormSubmission } from '@madoguchi/forms';
import { TicketsService } from '@madoguchi/tickets';
import { DataSource } from 'typeorm';
import { DB_KINDS } from '@test/support/databases';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { simpleParser } from 'mailparser';
import request from 'supertest';

jest.setTimeout(240_000);

interface Mail {
  to: string[];
  subject: string;
  text: string;
}

/**
 * 通知メール (issue #17 point 3): the business's and the customer's mail when a customer registers
 * (staff with 「登録通知メールを送る」, a form through データベース自動連携, a MYPAGE sign-up) and
 * the customer's when they withdraw (staff, or after a MYPAGE 退会 request), each through the
 * outbox into a real SMTP sink exactly once, placeholders filled; disabled templates send
 * nothing; unknown placeholders and bad recipients are refused by code; the preview fills a real
 * customer's values; only administrators reach the settings.
 */
describe.each(DB_KINDS)('member notification mails on %s', (kind) => {
  let sink: SmtpSink;
  let t: TestApp;
  let admin: Session;
  let mailboxId: number;
  const office = `office-${kind}@example.jp`;
  const boss = `boss-${kind}@example.jp`;
  const password = 'a-long-portal-pass-77';

  const dispatchAll = async () => {
    while ((await t.app.get(OutboxDispatcher).dispatchDue()) > 0);
  };
  const settle = () => new Promise((r) => setTimeout(r, 300));
  /** Runs the outbox (twice, so a second pass would show a duplicate) and answers every mail the sink got since the last clear. */
  const received = async (expected: number): Promise<Mail[]> => {
    await dispatchAll();
    if (expected > 0) await sink.waitFor(expected);
    await settle();
    await dispatchAll();
    await settle();
    return Promise.all(
      sink.messages().map(async (m) => {
        const p = await simpleParser(m.raw);
        return {
          to: m.envelope.rcptTo.map((a) => a.toLowerCase()).sort(),
          subject: p.subject ?? '',
          text: (p.text ?? '').trim(),
        };
      }),
    );
  };
  const save = (body: object) => admin.put('/api/settings/member-notifications', body);
  const settings = (over: { admin?: object; register?: object; withdraw?: object } = {}) => ({
    adminOnRegister: {
      enabled: true,
      recipients: `${office}; ${boss}`,
      subject: '[会員登録] {name} 様',
      body: '{time} に登録がありました。\nお名前: {name}\n\n{contents}',
      ...over.admin,
    },
    customerOnRegister: {
      enabled: true,
      subject: 'ようこそ {name} 様',
      body: '{name} 様\n{time} にご登録いただきました。',
      ...over.register,
    },
    customerOnWithdraw: {
      enabled: true,
      subject: '退会のお知らせ',
      body: '{name} 様、退会を承りました。',
      ...over.withdraw,
    },
  });
  const tokenOf = (text: string) =>
    decodeURIComponent(/\/mypage\/set-password\?token=([A-Za-z0-9_%-]+)/.exec(text)![1]);
  const TIME = /\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}/;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind);
    admin = await t.login();
    mailboxId = (
      await admin
        .post('/api/mailboxes', {
          name: '会員窓口',
          address: `members-${kind}@example.jp`,
          smtp: { host: sink.host, port: sink.port, secure: false },
        })
        .expect(201)
    ).body.id;
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });
  beforeEach(() => sink.clear());

  it('starts from Japanese defaults with the business mail off, and refuses unknown placeholders and bad recipients by code', async () => {
    const d = (await admin.get('/api/settings/member-notifications').expect(200)).body;
    expect(d.adminOnRegister).toMatchObject({ enabled: false, recipients: [] });
    // Off until someone switches them on: an upgraded installation does not start mailing customers.
    expect([d.customerOnRegister.enabled, d.customerOnWithdraw.enabled]).toEqual([false, false]);
    expect(d.adminOnRegister.body).toContain('{contents}');
    expect(d.customerOnRegister.subject).toMatch(/登録/);
    expect(d.customerOnWithdraw.body).toContain('{name}');

    const unknown = (
      await save(
        settings({
          withdraw: { body: '{name} 様 {time} に退会' },
          register: { subject: '{shop} へようこそ' },
        }),
      ).expect(400)
    ).body;
    expect(unknown.error).toBe('VALIDATION_FAILED');
    expect(unknown.fieldCodes['customerOnWithdraw.body']).toEqual([
      { code: 'UNKNOWN_PLACEHOLDER', params: { token: '{time}', allowed: '{name}' } },
    ]);
    expect(unknown.fieldCodes['customerOnRegister.subject'][0]).toMatchObject({
      code: 'UNKNOWN_PLACEHOLDER',
      params: { token: '{shop}' },
    });
    expect(unknown.message).toMatch(/customerOnWithdraw\.body: unknown placeholder \{time\}/);
    expect(unknown.fieldCodes['adminOnRegister.body']).toBeUndefined();

    const bad = (await save(settings({ admin: { recipients: [office, 'not-an-address'] } })).expect(400))
      .body;
    expect(bad.fieldCodes['adminOnRegister.recipients']).toEqual([
      expect.objectContaining({ code: 'EMAIL' }),
    ]);
    const many = (
      await save(
        settings({ admin: { recipients: [1, 2, 3, 4, 5, 6].map((i) => `r${i}@example.jp`).join(';') } }),
      ).expect(400)
    ).body;
    expect(many.fieldCodes['adminOnRegister.recipients']).toEqual([
      { code: 'ARRAY_MAX_SIZE', params: { max: 5 } },
    ]);
    const none = (await save(settings({ admin: { recipients: [] } })).expect(400)).body;
    expect(none.fieldCodes['adminOnRegister.recipients'][0].code).toBe('REQUIRED');
    // A template left out, or given as a list, is refused by field, not a crash.
    const { customerOnWithdraw: _left, ...missing } = settings();
    const partial = (await save(missing).expect(400)).body;
    expect(partial.error).toBe('VALIDATION_FAILED');
    expect(partial.fields).toHaveProperty('customerOnWithdraw');
    const listed = (await save({ ...settings(), customerOnRegister: [] }).expect(400)).body;
    expect(listed.fields).toHaveProperty('customerOnRegister');
    // Nothing of the refused saves was kept.
    expect(
      (await admin.get('/api/settings/member-notifications').expect(200)).body.adminOnRegister.enabled,
    ).toBe(false);

    const saved = (await save(settings()).expect(200)).body;
    expect(saved.adminOnRegister.recipients).toEqual([office, boss]);
    expect((await admin.get('/api/settings/member-notifications').expect(200)).body).toEqual(saved);
  });

  it('staff creating a customer with notify: the business and the customer each get one mail, placeholders filled; without notify: none', async () => {
    await save(settings()).expect(200);
    const email = `yamada-${kind}@example.jp`;
    const c = (
      await admin
        .post('/api/customers', {
          lastName: '山田',
          firstName: '太郎',
          lastNameKana: 'ヤマダ',
          email,
          mobile: '090-1234-5678',
          notify: true,
        })
        .expect(201)
    ).body;
    const mails = await received(2);
    expect(mails).toHaveLength(2);
    const toBusiness = mails.find((m) => m.to.includes(office))!;
    expect(toBusiness.to).toEqual([boss, office].sort());
    expect(toBusiness.subject).toBe('[会員登録] 山田 太郎 様');
    expect(toBusiness.text).toMatch(TIME);
    expect(toBusiness.text).toContain('お名前: 山田 太郎');
    const lines = toBusiness.text.split('\n');
    for (const line of [
      `顧客コード: ${c.code}`,
      '姓: 山田',
      '名: 太郎',
      'セイ: ヤマダ',
      `メールアドレス: ${email}`,
    ])
      expect(lines).toContain(line);
    expect(toBusiness.text).toMatch(/携帯電話番号: 090-?1234-?5678/);
    // Only fields with a value.
    expect(toBusiness.text).not.toMatch(/住所|郵便番号|メイ:/);
    expect(toBusiness.text).not.toMatch(/\{(time|name|contents)\}/);
    const toCustomer = mails.find((m) => m.to.includes(email))!;
    expect(toCustomer.to).toEqual([email]);
    expect(toCustomer.subject).toBe('ようこそ 山田 太郎 様');
    expect(toCustomer.text).toMatch(new RegExp(`^山田 太郎 様\\n${TIME.source} にご登録いただきました。$`));

    sink.clear();
    await admin.post('/api/customers', { lastName: '静か', email: `quiet-${kind}@example.jp` }).expect(201);
    await admin
      .post('/api/customers', { lastName: '静か', email: `quiet2-${kind}@example.jp`, notify: false })
      .expect(201);
    expect(await received(0)).toHaveLength(0);
  });

  it('a form submission creating a customer through the customer link sends both mails once; the same customer again sends none', async () => {
    await save(settings()).expect(200);
    await admin
      .put(`/api/mailboxes/${mailboxId}/customer-link`, {
        enabled: true,
        matchBy: 'email',
        fieldMap: { sei: 'lastName', mei: 'firstName', addr: 'address' },
      })
      .expect(200);
    const email = `sasaki-${kind}@example.jp`;
    const submit = () =>
      t.app.get(DataSource).transaction((m) =>
        t.app
          .get(TicketsService)
          .receive(m, [
            fromFormSubmission(
              {
                mailboxId,
                formId: 1,
                formName: '会員登録フォーム',
                subject: '会員登録フォーム',
                fields: [
                  { key: 'sei', label: '姓', type: 'text', value: '佐々木' },
                  { key: 'mei', label: '名', type: 'text', value: '一郎' },
                  { key: 'email', label: 'メール', type: 'email', value: email },
                  { key: 'addr', label: '住所', type: 'text', value: '東京都港区1-2-3' },
                ],
                replyEmail: email,
                senderName: '佐々木 一郎',
                submittedAt: new Date(),
              },
              randomUUID(),
            ),
          ])
          .then(([filed]) => filed),
      );
    const first = await submit();
    expect(first.customerId).not.toBeNull();
    const mails = await received(2);
    expect(mails).toHaveLength(2);
    const toBusiness = mails.find((m) => m.to.includes(office))!;
    expect(toBusiness.subject).toBe('[会員登録] 佐々木 一郎 様');
    expect(toBusiness.text.split('\n')).toEqual(
      expect.arrayContaining(['姓: 佐々木', '名: 一郎', '住所: 東京都港区1-2-3', `メールアドレス: ${email}`]),
    );
    expect(mails.find((m) => m.to.includes(email))!.subject).toBe('ようこそ 佐々木 一郎 様');

    sink.clear();
    expect((await submit()).customerId).toBe(first.customerId);
    expect(await received(0)).toHaveLength(0);
    await admin
      .put(`/api/mailboxes/${mailboxId}/customer-link`, { enabled: false, matchBy: 'email', fieldMap: {} })
      .expect(200);
  });

  it('a MYPAGE sign-up sends both mails once, after the address is verified', async () => {
    await save(settings()).expect(200);
    const email = `signup-${kind}@example.jp`;
    await t.http.post('/api/portal/auth/signup').send({ email, name: '新規 花子' }).expect(202);
    const [verification] = await received(1);
    expect(verification.to).toEqual([email]);
    sink.clear();
    await t.http
      .post('/api/portal/auth/set-password')
      .send({ token: tokenOf(verification.text), password })
      .expect(200);
    const mails = await received(2);
    expect(mails).toHaveLength(2);
    expect(mails.find((m) => m.to.includes(office))!.text).toContain('お名前: 新規 花子');
    const toCustomer = mails.find((m) => m.to.includes(email))!;
    expect(toCustomer.subject).toBe('ようこそ 新規 花子 様');
    expect(toCustomer.text).toMatch(TIME);
  });

  it('staff marking a customer withdrawn sends the withdrawal mail once; a MYPAGE 退会 request sends it when it is carried out', async () => {
    await save(settings()).expect(200);
    const email = `taikai-${kind}@example.jp`;
    const c = (await admin.post('/api/customers', { lastName: '退会', firstName: '一子', email }).expect(201))
      .body;
    await admin.post(`/api/customers/${c.id}/withdraw`, { reason: '引っ越し' }).expect(200);
    await admin.post(`/api/customers/${c.id}/withdraw`, {}).expect(200);
    const mails = await received(1);
    expect(mails).toEqual([
      { to: [email], subject: '退会のお知らせ', text: '退会 一子 様、退会を承りました。' },
    ]);

    // Through MYPAGE: the customer asks, staff carry it out; one mail.
    sink.clear();
    const portalEmail = `portal-taikai-${kind}@example.jp`;
    const p = (await admin.post('/api/customers', { lastName: '門', email: portalEmail }).expect(201)).body;
    await admin.post(`/api/customers/${p.id}/portal-invitation`).expect(201);
    const [invitation] = await received(1);
    await t.http
      .post('/api/portal/auth/set-password')
      .send({ token: tokenOf(invitation.text), password })
      .expect(200);
    const agent = request.agent(t.app.getHttpServer());
    const login = await agent
      .post('/api/portal/auth/login')
      .send({ email: portalEmail, password })
      .expect(200);
    const csrf =
      ([] as string[])
        .concat(login.headers['set-cookie'] ?? [])
        .map((k) => /^PORTAL-XSRF-TOKEN=([^;]+)/.exec(k)?.[1])
        .find(Boolean) ?? '';
    sink.clear();
    await agent
      .post('/api/portal/account/withdrawal')
      .set('X-XSRF-TOKEN', csrf)
      .send({ reason: 'もう使わないため' })
      .expect(202);
    expect(await received(0)).toHaveLength(0);
    await admin.post(`/api/customers/${p.id}/withdraw`, {}).expect(200);
    expect(await received(1)).toEqual([
      { to: [portalEmail], subject: '退会のお知らせ', text: '門 様、退会を承りました。' },
    ]);

    // Reinstated and withdrawn again: a new withdrawal, a new mail.
    sink.clear();
    await admin.post(`/api/customers/${c.id}/reinstate`).expect(200);
    await admin.post(`/api/customers/${c.id}/withdraw`, {}).expect(200);
    expect(await received(1)).toHaveLength(1);
  });

  it('a disabled template sends nothing; a customer without an address gets nothing, the business still does', async () => {
    await save(settings({ register: { enabled: false }, withdraw: { enabled: false } })).expect(200);
    const email = `off-${kind}@example.jp`;
    const c = (await admin.post('/api/customers', { lastName: '無効', email, notify: true }).expect(201))
      .body;
    const mails = await received(1);
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toEqual([boss, office].sort());
    sink.clear();
    await admin.post(`/api/customers/${c.id}/withdraw`, {}).expect(200);
    expect(await received(0)).toHaveLength(0);

    await save(settings({ admin: { enabled: false } })).expect(200);
    sink.clear();
    await admin
      .post('/api/customers', { lastName: '無効', email: `off2-${kind}@example.jp`, notify: true })
      .expect(201);
    const onlyCustomer = await received(1);
    expect(onlyCustomer.map((m) => m.to)).toEqual([[`off2-${kind}@example.jp`]]);

    await save(settings()).expect(200);
    sink.clear();
    const noAddress = (
      await admin.post('/api/customers', { lastName: '電話', tel: '03-1234-5678', notify: true }).expect(201)
    ).body;
    const business = await received(1);
    expect(business).toHaveLength(1);
    expect(business[0].to).toEqual([boss, office].sort());
    expect(business[0].text).toMatch(/電話番号: 03-?1234-?5678/);
    sink.clear();
    await admin.post(`/api/customers/${noAddress.id}/withdraw`, {}).expect(200);
    expect(await received(0)).toHaveLength(0);
  });

  it('previews a template with a real customer, saved or unsaved text', async () => {
    await save(settings()).expect(200);
    const c = (
      await admin
        .post('/api/customers', {
          lastName: '見本',
          firstName: '花子',
          email: `preview-${kind}@example.jp`,
          address: '大阪府大阪市',
        })
        .expect(201)
    ).body;
    const adminPreview = (
      await admin
        .post('/api/settings/member-notifications/preview', { template: 'adminOnRegister', customerId: c.id })
        .expect(200)
    ).body;
    expect(adminPreview.subject).toBe('[会員登録] 見本 花子 様');
    expect(adminPreview.body).toMatch(TIME);
    expect(adminPreview.body.split('\n')).toEqual(
      expect.arrayContaining(['お名前: 見本 花子', '姓: 見本', '名: 花子', '住所: 大阪府大阪市']),
    );
    expect(adminPreview.to).toEqual([office, boss]);
    const unsaved = (
      await admin
        .post('/api/settings/member-notifications/preview', {
          template: 'customerOnWithdraw',
          customerId: c.id,
          subject: 'さようなら {name} 様',
          body: '{name} 様',
        })
        .expect(200)
    ).body;
    expect(unsaved).toEqual({
      subject: 'さようなら 見本 花子 様',
      body: '見本 花子 様',
      to: [`preview-${kind}@example.jp`],
    });
    expect(
      (
        await admin
          .post('/api/settings/member-notifications/preview', {
            template: 'customerOnWithdraw',
            customerId: 999999,
          })
          .expect(404)
      ).body.error,
    ).toBe('CUSTOMER_NOT_FOUND');
    await admin
      .post('/api/settings/member-notifications/preview', { template: 'nope', customerId: c.id })
      .expect(400);
    // Nothing is sent by a preview.
    expect(await received(0)).toHaveLength(0);
  });

  it('needs the admin right', async () => {
    const group = (
      await admin
        .post('/api/groups', {
          name: `顧客担当-${kind}`,
          rights: ['customers.read', 'customers.write'],
          mailboxRights: [],
        })
        .expect(201)
    ).body.id;
    await admin
      .post('/api/users', {
        email: `clerk-${kind}@test.local`,
        name: '事務 花子',
        password: 'clerk-pass-12345',
        groupIds: [group],
      })
      .expect(201);
    const clerk = await t.login(`clerk-${kind}@test.local`, 'clerk-pass-12345');
    expect((await clerk.get('/api/settings/member-notifications').expect(403)).body.error).toBe(
      'RIGHT_REQUIRED',
    );
    await clerk.put('/api/settings/member-notifications', settings()).expect(403);
    await clerk
      .post('/api/settings/member-notifications/preview', { template: 'customerOnRegister', customerId: 1 })
      .expect(403);
    await t.http.get('/api/settings/member-notifications').expect(401);
  });
});
