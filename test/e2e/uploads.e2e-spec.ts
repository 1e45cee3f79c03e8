import { BLOB_STORAGE, BlobStorage } from '@madoguchi/core';
import { IntakeService } from '@madoguchi/mail';
import { Upload, UploadsService } from '@madoguchi/tickets';
import { rawMail } from '@test/support/mail-builder';
import { DB_KINDS } from '@test/support/databases';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { DataSource, In } from 'typeorm';

jest.setTimeout(120_000);

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0')]);

/** Reply attachments: who may upload, typed by bytes, a quota per user, unattached files swept after a day. */
describe.each(DB_KINDS)('uploads on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let nobody: Session;
  let mailboxId: number;

  beforeAll(async () => {
    t = await startTestApp(kind, { UPLOAD_QUOTA_MB: 1 });
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '添付', address: `uploads-${kind}@example.jp` }).expect(201)).body.id;
    const agents = (await admin.post('/api/groups', { name: '担当', rights: [], mailboxRights: [{ mailboxId, view: true, reply: true, approve: false, manage: false }] }).expect(201)).body.id;
    await admin.post('/api/users', { email: `agent-${kind}@test.local`, name: '担当', password: 'upload-password-1', groupIds: [agents] }).expect(201);
    await admin.post('/api/users', { email: `nobody-${kind}@test.local`, name: '権限なし', password: 'upload-password-1', groupIds: [] }).expect(201);
    agent = await t.login(`agent-${kind}@test.local`, 'upload-password-1');
    nobody = await t.login(`nobody-${kind}@test.local`, 'upload-password-1');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lets only users who may reply somewhere upload', async () => {
    const res = await nobody.upload('/api/uploads', 'file', PNG, 'a.png', 'image/png').expect(403);
    expect(res.body.message).toMatch(/reply right/);
    await agent.upload('/api/uploads', 'file', PNG, 'a.png', 'image/png').expect(201);
  });

  it('types a file by its bytes: a contradicting type is refused, a generic one replaced', async () => {
    const exe = await agent.upload('/api/uploads', 'file', EXE, 'invoice.png', 'image/png').expect(400);
    expect(exe.body).toMatchObject({ error: 'UPLOAD_TYPE_MISMATCH', fields: { file: [expect.stringMatching(/program/)] } });
    const fake = await agent.upload('/api/uploads', 'file', Buffer.from('not a pdf'), 'a.pdf', 'application/pdf').expect(400);
    expect(fake.body.error).toBe('UPLOAD_TYPE_MISMATCH');
    const generic = await agent.upload('/api/uploads', 'file', PNG, 'photo', 'application/octet-stream').expect(201);
    expect(generic.body.contentType).toBe('image/png');
    const text = await agent.upload('/api/uploads', 'file', Buffer.from('見積書'), '見積\u202Etxt.exe', 'text/plain').expect(201);
    expect(text.body).toMatchObject({ contentType: 'text/plain', filename: '見積_txt.exe' });
  });

  it('holds each user to the upload quota over 24 hours', async () => {
    const half = Buffer.alloc(600 * 1024, 0x61);
    await agent.upload('/api/uploads', 'file', half, 'a.txt', 'text/plain').expect(201);
    const over = await agent.upload('/api/uploads', 'file', half, 'b.txt', 'text/plain').expect(429);
    expect(over.body.error).toBe('UPLOAD_QUOTA_EXCEEDED');
    // Another user has a quota of their own.
    await admin.upload('/api/uploads', 'file', half, 'c.txt', 'text/plain').expect(201);
  });

  it('deletes uploads no reply took within a day, with their bytes, and keeps the ones a reply took', async () => {
    const ds = t.app.get(DataSource);
    const unused = (await admin.upload('/api/uploads', 'file', Buffer.from('使われない'), 'unused.txt', 'text/plain').expect(201)).body.id;
    const used = (await admin.upload('/api/uploads', 'file', Buffer.from('使われる'), 'used.txt', 'text/plain').expect(201)).body.id;
    await t.app.get(IntakeService).ingest({ id: mailboxId, address: `uploads-${kind}@example.jp` }, rawMail({ from: 'c@example.jp', to: `uploads-${kind}@example.jp`, subject: '添付の確認', body: '本文', messageId: `uploads-${kind}@example.jp` }), { kind: 'smtp' });
    const ticket = (await admin.get('/api/tickets').query({ mailboxId }).expect(200)).body.items[0];
    await admin.post(`/api/tickets/${ticket.id}/replies`, { to: ['c@example.jp'], text: '添付します', attachments: [used] }).expect(201);
    const uploads = ds.getRepository(Upload);
    const blobKey = (await uploads.findOneByOrFail({ id: unused })).blobKey;
    await uploads.update({ id: In([unused, used]) }, { createdAt: new Date(Date.now() - 25 * 3600_000) });
    expect(await t.app.get(UploadsService).sweepUnused()).toBeGreaterThanOrEqual(1);
    const left = (await uploads.findBy({ id: In([unused, used]) })).map((u) => u.id);
    expect(left).toEqual([used]);
    await expect(t.app.get<BlobStorage>(BLOB_STORAGE).get(blobKey)).rejects.toThrow();
  });

  it('keeps the bytes of a file sent in a reply when the same file, uploaded again and never used, is swept', async () => {
    const ds = t.app.get(DataSource);
    const bytes = Buffer.from('同じ内容のファイル');
    const sent = (await admin.upload('/api/uploads', 'file', bytes, 'same.txt', 'text/plain').expect(201)).body.id;
    const abandoned = (await admin.upload('/api/uploads', 'file', bytes, 'same.txt', 'text/plain').expect(201)).body.id;
    const ticket = (await admin.get('/api/tickets').query({ mailboxId }).expect(200)).body.items[0];
    await admin.post(`/api/tickets/${ticket.id}/replies`, { to: ['c@example.jp'], text: '同じファイルです', attachments: [sent] }).expect(201);
    const uploads = ds.getRepository(Upload);
    const sentKey = (await uploads.findOneByOrFail({ id: sent })).blobKey;
    await uploads.update({ id: abandoned }, { createdAt: new Date(Date.now() - 25 * 3600_000) });
    await t.app.get(UploadsService).sweepUnused();
    expect(await uploads.findOneBy({ id: abandoned })).toBeNull();
    expect((await t.app.get<BlobStorage>(BLOB_STORAGE).read(sentKey)).equals(bytes)).toBe(true);
  });
});
