import { DB_KINDS } from '@test/support/databases';
import { Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

const FIELDS = [
  { key: 'name', label: 'お名前', type: 'text', required: true, maxLength: 1000 },
  { key: 'email', label: 'メールアドレス', type: 'email', required: true },
  { key: 'topic', label: 'ご用件', type: 'select', required: false, options: ['見積', '資料請求'] },
  { key: 'body', label: 'お問い合わせ内容', type: 'textarea', required: true },
];

/** A form's ticket subject from its fields (issue 13, point 11): the template, its checks, a safe default. */
describe.each(DB_KINDS)('form ticket subject on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  let viewer: Session;
  let mailboxId: number;
  let ipSeq = 0;
  const address = `form-subject-${kind}@example.jp`;
  const submit = (slug: string, fields: object) =>
    t.http.post(`/api/public/forms/${slug}/submissions`).set('X-Forwarded-For', `203.0.113.${++ipSeq}`).send({ fields });
  const subjectOf = async (code: string) => {
    const items = (await admin.get('/api/tickets').query({ mailboxId, pageSize: 200 }).expect(200)).body.items as { code: string; subject: string }[];
    return items.find((x) => x.code === code)!.subject;
  };
  const form = (name: string, slug: string, subjectTemplate?: string | null) =>
    admin.post(`/api/mailboxes/${mailboxId}/forms`, { name, slug, fields: FIELDS, replyEmailField: 'email', ...(subjectTemplate !== undefined ? { subjectTemplate } : {}) });

  beforeAll(async () => {
    t = await startTestApp(kind, { TRUSTED_PROXIES: 'loopback' });
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '件名テスト', address }).expect(201)).body.id;
    const group = (
      await admin.post('/api/groups', { name: `閲覧-${kind}`, rights: [], mailboxRights: [{ mailboxId, view: true, reply: true, approve: false, manage: false }] }).expect(201)
    ).body.id;
    await admin.post('/api/users', { email: `viewer-${kind}@test.local`, name: '閲覧者', password: 'subject-pass-123', groupIds: [group] }).expect(201);
    viewer = await t.login(`viewer-${kind}@test.local`, 'subject-pass-123');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('titles the ticket from the template filled with the submission', async () => {
    const res = await form('Webお問い合わせ', 'tpl', '{{field.topic}}: {{ field.name }}様（{{form.name}}）').expect(201);
    expect(res.body.subjectTemplate).toBe('{{field.topic}}: {{ field.name }}様（{{form.name}}）');
    const { code } = (await submit('tpl', { name: '山田 花子', email: 'hanako@example.jp', topic: '見積', body: '本文' }).expect(201)).body;
    expect(await subjectOf(code)).toBe('見積: 山田 花子様（Webお問い合わせ）');
  });

  it('keeps the default without a template, and falls back to it when the template renders empty', async () => {
    const plain = await form('資料請求フォーム', 'plain').expect(201);
    expect(plain.body.subjectTemplate).toBeNull();
    const a = (await submit('plain', { name: '佐藤', email: 'sato@example.jp', topic: '資料請求', body: '本文' }).expect(201)).body.code;
    expect(await subjectOf(a)).toBe('資料請求フォーム: 資料請求');
    await form('空の件名', 'empty', '{{field.topic}}').expect(201);
    const b = (await submit('empty', { name: '佐藤', email: 'sato@example.jp', body: '本文' }).expect(201)).body.code;
    expect(await subjectOf(b)).toBe('空の件名');
  });

  it('makes one line without control characters, cut to 250 characters, printing braces typed by a customer as typed', async () => {
    await form('長い件名', 'long', '{{field.body}}').expect(201);
    // Running text takes line breaks, tabs and direction controls; a subject takes none of them.
    const body = `田中\r\n\t\u202E太郎{{form.name}}${'あ'.repeat(300)}`;
    const { code } = (await submit('long', { name: '田中', email: 'tanaka@example.jp', body }).expect(201)).body;
    const subject = await subjectOf(code);
    expect(subject.length).toBeLessThanOrEqual(250);
    expect(subject.startsWith('田中 太郎{{form.name}}ああ')).toBe(true);
    expect(subject).not.toMatch(/[\u0000-\u001f\u007f\u200b\u202e]/);
  });

  it('refuses an unknown placeholder, an unclosed one and a template over 200 characters, naming subjectTemplate', async () => {
    const unknown = await form('不明', 'unknown', '{{field.nope}}').expect(400);
    expect(unknown.body.fieldCodes.subjectTemplate).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'UNKNOWN_PLACEHOLDER' })]));
    const unclosed = await form('未完', 'unclosed', '{{field.name').expect(400);
    expect(unclosed.body.fieldCodes.subjectTemplate).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'UNCLOSED_PLACEHOLDER' })]));
    await form('長すぎ', 'toolong', 'x'.repeat(201)).expect(400);
    await form('型違い', 'wrongtype', 5 as unknown as string).expect(400);
  });

  it('changes and clears the template on PATCH; only with the manage right', async () => {
    const id = (await form('変更', 'change', '{{field.name}}').expect(201)).body.id;
    await viewer.patch(`/api/mailboxes/${mailboxId}/forms/${id}`, { subjectTemplate: '{{form.name}}' }).expect(403);
    await t.http.patch(`/api/mailboxes/${mailboxId}/forms/${id}`).send({ subjectTemplate: '{{form.name}}' }).expect(401);
    const changed = await admin.patch(`/api/mailboxes/${mailboxId}/forms/${id}`, { subjectTemplate: '【{{field.topic}}】' }).expect(200);
    expect(changed.body.subjectTemplate).toBe('【{{field.topic}}】');
    // Renaming a field the template names is refused, so a stored template never prints a placeholder.
    const renamed = FIELDS.map((f) => (f.key === 'topic' ? { ...f, key: 'kind' } : f));
    await admin.patch(`/api/mailboxes/${mailboxId}/forms/${id}`, { fields: renamed }).expect(400);
    const cleared = await admin.patch(`/api/mailboxes/${mailboxId}/forms/${id}`, { subjectTemplate: null }).expect(200);
    expect(cleared.body.subjectTemplate).toBeNull();
    const { code } = (await submit('change', { name: '木村', email: 'kimura@example.jp', topic: '見積', body: '本文' }).expect(201)).body;
    expect(await subjectOf(code)).toBe('変更: 見積');
  });
});
