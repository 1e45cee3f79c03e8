import { CustomersService } from '@madoguchi/customers';
import { DB_KINDS } from '@test/support/databases';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import type { Response } from 'superagent';
import { DataSource } from 'typeorm';

jest.setTimeout(120_000);

/** Real, tiny files of every accepted type (each opens in an image viewer or PDF reader). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const WEBP = Buffer.from('UklGRiQAAABXRUJQVlA4IBgAAAAwAQCdASoBAAEAAwA0JaQAA3AA/vuUAAA=', 'base64');
const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
);
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
);
const HTML = Buffer.from(
  '<!doctype html><html><body><script>fetch("/api/customers").then(r=>r.text()).then(alert)</script></body></html>',
);

/** Keeps a binary body as bytes whatever its type (superagent would otherwise leave a PDF unread). */
function binary(res: Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

describe.each(DB_KINDS)('customer visits, images and withdrawal on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  let reader: Session;
  let adminId: number;
  let customerId: number;
  let otherId: number;

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.login();
    const readers = (
      await admin
        .post('/api/groups', { name: `顧客閲覧-${kind}`, rights: ['customers.read'], mailboxRights: [] })
        .expect(201)
    ).body.id;
    await admin
      .post('/api/users', {
        email: `reader-${kind}@test.local`,
        name: '閲覧のみ',
        password: 'visits-password-1',
        groupIds: [readers],
      })
      .expect(201);
    reader = await t.login(`reader-${kind}@test.local`, 'visits-password-1');
    adminId = (await admin.get('/api/auth/me').expect(200)).body.id;
    customerId = (await admin.post('/api/customers', { lastName: '来店', firstName: '太郎' }).expect(201))
      .body.id;
    otherId = (await admin.post('/api/customers', { lastName: '別人', firstName: '花子' }).expect(201)).body
      .id;
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('visits', () => {
    it('records, edits and deletes visits, and the summary follows the records', async () => {
      const empty = await admin.get(`/api/customers/${customerId}/visits`).expect(200);
      expect(empty.body).toMatchObject({
        items: [],
        total: 0,
        summary: { lastVisitAt: null, count: 0, totalAmount: 0, averageAmount: 0 },
      });

      const first = await admin
        .post(`/api/customers/${customerId}/visits`, {
          visitedAt: '2026-03-01T10:00:00+09:00',
          branch: '東京本店',
          staffId: adminId,
          amount: 5000,
          serviceMemo: 'カットのみ',
          proposalMemo: '次回はカラーを提案',
        })
        .expect(201);
      expect(first.body).toMatchObject({
        customerId,
        branch: '東京本店',
        staffId: adminId,
        amount: 5000,
        serviceMemo: 'カットのみ',
        proposalMemo: '次回はカラーを提案',
        createdById: adminId,
      });
      expect(new Date(first.body.visitedAt).toISOString()).toBe('2026-03-01T01:00:00.000Z');
      await admin
        .post(`/api/customers/${customerId}/visits`, {
          visitedAt: '2026-04-15T18:30:00+09:00',
          amount: 12000,
        })
        .expect(201);
      const third = await admin
        .post(`/api/customers/${customerId}/visits`, { visitedAt: '2026-02-01T12:00:00+09:00' })
        .expect(201);
      expect(third.body.amount).toBe(0);

      let list = await admin.get(`/api/customers/${customerId}/visits`).expect(200);
      expect(list.body.items.map((v: { amount: number }) => v.amount)).toEqual([12000, 5000, 0]);
      expect(list.body.total).toBe(3);
      expect(list.body.summary).toMatchObject({ count: 3, totalAmount: 17000, averageAmount: 5667 });
      expect(new Date(list.body.summary.lastVisitAt).toISOString()).toBe('2026-04-15T09:30:00.000Z');

      // The summary is over every visit, not over the page asked for.
      const page = await admin
        .get(`/api/customers/${customerId}/visits`)
        .query({ pageSize: 1, page: 2 })
        .expect(200);
      expect(page.body.items.map((v: { amount: number }) => v.amount)).toEqual([5000]);
      expect(page.body.summary.count).toBe(3);

      const edited = await admin
        .patch(`/api/customers/${customerId}/visits/${third.body.id}`, {
          amount: 3000,
          visitedAt: '2026-05-01T09:00:00+09:00',
          serviceMemo: '',
        })
        .expect(200);
      expect(edited.body).toMatchObject({ amount: 3000, serviceMemo: null });
      list = await admin.get(`/api/customers/${customerId}/visits`).expect(200);
      expect(list.body.summary).toMatchObject({ count: 3, totalAmount: 20000, averageAmount: 6667 });
      expect(new Date(list.body.summary.lastVisitAt).toISOString()).toBe('2026-05-01T00:00:00.000Z');

      await admin.delete(`/api/customers/${customerId}/visits/${third.body.id}`).expect(204);
      list = await admin.get(`/api/customers/${customerId}/visits`).expect(200);
      expect(list.body.summary).toMatchObject({ count: 2, totalAmount: 17000, averageAmount: 8500 });
      expect(new Date(list.body.summary.lastVisitAt).toISOString()).toBe('2026-04-15T09:30:00.000Z');
      await admin.delete(`/api/customers/${customerId}/visits/${third.body.id}`).expect(404);
    });

    it('writes one automatic history entry per visit recorded, at the visit time, and audits every change', async () => {
      const visit = (
        await admin
          .post(`/api/customers/${otherId}/visits`, {
            visitedAt: '2026-06-01T11:00:00+09:00',
            staffId: adminId,
            amount: 800,
            serviceMemo: 'お茶をお出しした',
          })
          .expect(201)
      ).body;
      const history = await admin
        .get(`/api/customers/${otherId}/history`)
        .query({ pageSize: 100 })
        .expect(200);
      const visits = history.body.items.filter((e: { kind: string }) => e.kind === 'visit');
      expect(visits).toHaveLength(1);
      expect(visits[0]).toMatchObject({ title: '来店を記録しました。', state: 'done', staffId: adminId });
      expect(new Date(visits[0].createdAt).toISOString()).toBe('2026-06-01T02:00:00.000Z');
      const detail = await admin.get(`/api/history/${visits[0].id}`).expect(200);
      expect(detail.body.details.map((d: { content: string }) => d.content)).toEqual(['お茶をお出しした']);
      // An edit changes the record, not the history of what happened.
      await admin.patch(`/api/customers/${otherId}/visits/${visit.id}`, { amount: 900 }).expect(200);
      const after = await admin.get(`/api/customers/${otherId}/history`).query({ pageSize: 100 }).expect(200);
      expect(after.body.items.filter((e: { kind: string }) => e.kind === 'visit')).toHaveLength(1);
      const audit = await t.app
        .get(DataSource)
        .query(
          `SELECT action FROM audit_entry WHERE entity = 'customer_visit' AND entity_id = '${visit.id}' ORDER BY id`,
        );
      expect(audit.map((a: { action: string }) => a.action)).toEqual(['create', 'update']);
    });

    it('refuses a negative amount, a date that is not one, a too long memo and an unknown staff member, naming each field', async () => {
      const url = `/api/customers/${customerId}/visits`;
      const bad = await admin
        .post(url, {
          visitedAt: '2026-02-30T10:00:00+09:00',
          amount: -1,
          serviceMemo: 'あ'.repeat(2001),
          proposalMemo: 'い'.repeat(2001),
          branch: 'う'.repeat(101),
        })
        .expect(400);
      expect(bad.body.error).toBe('VALIDATION_FAILED');
      expect(Object.keys(bad.body.fieldCodes).sort()).toEqual([
        'amount',
        'branch',
        'proposalMemo',
        'serviceMemo',
        'visitedAt',
      ]);
      expect(bad.body.fieldCodes.amount).toContainEqual({ code: 'MIN', params: { min: 0 } });
      expect(bad.body.fieldCodes.visitedAt).toContainEqual({ code: 'DATE' });
      expect(bad.body.fieldCodes.serviceMemo).toContainEqual({ code: 'MAX_LENGTH', params: { max: 2000 } });
      expect(
        (await admin.post(url, { visitedAt: 'yesterday' }).expect(400)).body.fieldCodes.visitedAt,
      ).toContainEqual({ code: 'DATE' });
      expect((await admin.post(url, {}).expect(400)).body.fieldCodes.visitedAt).toBeDefined();
      expect(
        (await admin.post(url, { visitedAt: '0202-01-01T10:00:00Z' }).expect(400)).body.fieldCodes.visitedAt,
      ).toContainEqual({ code: 'DATE_RANGE', params: { min: 1900, max: 2100 } });
      expect(
        (await admin.post(url, { visitedAt: '2026-01-01T10:00:00Z', amount: 1.5 }).expect(400)).body
          .fieldCodes.amount,
      ).toContainEqual({ code: 'INTEGER' });
      expect(
        (await admin.post(url, { visitedAt: '2026-01-01T10:00:00Z', amount: 100_000_001 }).expect(400)).body
          .fieldCodes.amount,
      ).toContainEqual({ code: 'MAX', params: { max: 100_000_000 } });
      expect(
        (await admin.post(url, { visitedAt: '2026-01-01T10:00:00Z', amount: '5000' }).expect(400)).body
          .fieldCodes.amount,
      ).toBeDefined();
      expect(
        (await admin.post(url, { visitedAt: '2026-01-01T10:00:00Z', staffId: 999999 }).expect(400)).body
          .fieldCodes.staffId,
      ).toContainEqual({ code: 'UNKNOWN_STAFF', params: { id: 999999 } });
      expect(
        (await admin.post(url, { visitedAt: '2026-01-01T10:00:00Z', customerId: otherId }).expect(400)).body
          .fieldCodes.customerId,
      ).toContainEqual({ code: 'UNKNOWN_FIELD' });
      const visit = (await admin.post(url, { visitedAt: '2026-01-01T10:00:00Z', amount: 1 }).expect(201))
        .body;
      expect(
        (await admin.patch(`${url}/${visit.id}`, { amount: -5 }).expect(400)).body.fieldCodes.amount,
      ).toContainEqual({ code: 'MIN', params: { min: 0 } });
      await admin.delete(`${url}/${visit.id}`).expect(204);
      // Nothing refused was written.
      expect((await admin.get(url).expect(200)).body.summary.count).toBe(2);
    });

    it("answers 401 without a session, 403 to a reader who writes, and 404 for another customer's visit or an unknown customer", async () => {
      const visit = (
        await admin
          .post(`/api/customers/${customerId}/visits`, { visitedAt: '2026-01-10T10:00:00Z', amount: 100 })
          .expect(201)
      ).body;
      await t.http.get(`/api/customers/${customerId}/visits`).expect(401);
      await t.http
        .post(`/api/customers/${customerId}/visits`)
        .send({ visitedAt: '2026-01-10T10:00:00Z' })
        .expect(401);
      await t.http.patch(`/api/customers/${customerId}/visits/${visit.id}`).send({ amount: 1 }).expect(401);
      await t.http.delete(`/api/customers/${customerId}/visits/${visit.id}`).expect(401);

      expect(
        (await reader.get(`/api/customers/${customerId}/visits`).expect(200)).body.total,
      ).toBeGreaterThan(0);
      expect(
        (
          await reader
            .post(`/api/customers/${customerId}/visits`, { visitedAt: '2026-01-10T10:00:00Z' })
            .expect(403)
        ).body.error,
      ).toBe('RIGHT_REQUIRED');
      await reader.patch(`/api/customers/${customerId}/visits/${visit.id}`, { amount: 1 }).expect(403);
      await reader.delete(`/api/customers/${customerId}/visits/${visit.id}`).expect(403);

      // The visit belongs to customerId: through otherId it does not exist, and it stays unchanged.
      expect(
        (await admin.patch(`/api/customers/${otherId}/visits/${visit.id}`, { amount: 1 }).expect(404)).body
          .error,
      ).toBe('CUSTOMER_VISIT_NOT_FOUND');
      expect(
        (await admin.delete(`/api/customers/${otherId}/visits/${visit.id}`).expect(404)).body.error,
      ).toBe('CUSTOMER_VISIT_NOT_FOUND');
      const mine = (
        await admin.get(`/api/customers/${customerId}/visits`).query({ pageSize: 200 }).expect(200)
      ).body.items.find((v: { id: number }) => v.id === visit.id);
      expect(mine.amount).toBe(100);
      expect(
        (await admin.get(`/api/customers/${otherId}/visits`).expect(200)).body.items.map(
          (v: { id: number }) => v.id,
        ),
      ).not.toContain(visit.id);

      expect((await admin.get('/api/customers/999999/visits').expect(404)).body.error).toBe(
        'CUSTOMER_NOT_FOUND',
      );
      expect(
        (await admin.post('/api/customers/999999/visits', { visitedAt: '2026-01-10T10:00:00Z' }).expect(404))
          .body.error,
      ).toBe('CUSTOMER_NOT_FOUND');
      await admin.get('/api/customers/abc/visits').expect(400);
      await admin.patch(`/api/customers/${customerId}/visits/0`, { amount: 1 }).expect(400);
      await admin.delete(`/api/customers/${customerId}/visits/${visit.id}`).expect(204);
    });
  });

  describe('images', () => {
    it('accepts real JPEG, PNG, GIF, WebP and PDF files, typed by their bytes whatever the browser declared', async () => {
      const files: [Buffer, string, string, string][] = [
        [JPEG, '写真.jpg', 'image/jpeg', 'image/jpeg'],
        [PNG, 'scan.png', 'image/png', 'image/png'],
        [GIF, 'anim.gif', 'application/octet-stream', 'image/gif'],
        [WEBP, 'photo.webp', 'image/webp', 'image/webp'],
        [PDF, '同意書.pdf', 'application/pdf', 'application/pdf'],
        // A PNG sent as something else is kept as what it is.
        [PNG, 'renamed.txt', 'text/plain', 'image/png'],
      ];
      for (const [bytes, name, declared, expected] of files) {
        const res = await admin
          .upload(`/api/customers/${customerId}/images`, 'file', bytes, name, declared)
          .expect(201);
        expect(res.body).toMatchObject({
          customerId,
          filename: name,
          contentType: expected,
          size: bytes.length,
        });
        expect(res.body.url).toBe(`/api/customers/${customerId}/images/${res.body.id}/content`);
      }
      const list = await admin.get(`/api/customers/${customerId}/images`).expect(200);
      expect(list.body.map((i: { contentType: string }) => i.contentType)).toEqual([
        'image/png',
        'application/pdf',
        'image/webp',
        'image/gif',
        'image/png',
        'image/jpeg',
      ]);
      expect((await reader.get(`/api/customers/${customerId}/images`).expect(200)).body).toHaveLength(6);
    });

    it('refuses an HTML file named .png, an empty file, no file and a file over 10 MB, each with its code', async () => {
      const url = `/api/customers/${customerId}/images`;
      const html = await admin.upload(url, 'file', HTML, 'cute-cat.png', 'image/png').expect(400);
      expect(html.body).toMatchObject({
        error: 'CUSTOMER_IMAGE_TYPE_REFUSED',
        fieldCodes: { file: [{ code: 'CUSTOMER_IMAGE_TYPE_REFUSED' }] },
      });
      expect(html.body.message).toMatch(/JPEG, PNG, GIF, WebP and PDF/);
      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
      expect((await admin.upload(url, 'file', svg, 'logo.svg', 'image/svg+xml').expect(400)).body.error).toBe(
        'CUSTOMER_IMAGE_TYPE_REFUSED',
      );
      const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0')]);
      expect((await admin.upload(url, 'file', exe, 'photo.jpg', 'image/jpeg').expect(400)).body.error).toBe(
        'CUSTOMER_IMAGE_TYPE_REFUSED',
      );
      expect(
        (await admin.upload(url, 'file', Buffer.alloc(0), 'empty.png', 'image/png').expect(400)).body.error,
      ).toBe('CUSTOMER_IMAGE_EMPTY');
      expect((await admin.post(url, {}).expect(400)).body.error).toBe('CUSTOMER_IMAGE_EMPTY');

      const big = Buffer.concat([PNG, Buffer.alloc(11 * 1024 * 1024 - PNG.length)]);
      const tooBig = await admin.upload(url, 'file', big, 'huge.png', 'image/png').expect(413);
      expect(tooBig.body).toMatchObject({ error: 'CUSTOMER_IMAGE_TOO_LARGE', params: { maxMb: 10 } });
      expect(tooBig.body.message).toMatch(/10 MB/);
      // Exactly 10 MB is still allowed.
      const limit = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024 - PNG.length)]);
      const ok = await admin.upload(url, 'file', limit, 'limit.png', 'image/png').expect(201);
      await admin.delete(`${url}/${ok.body.id}`).expect(204);
      expect((await admin.get(url).expect(200)).body).toHaveLength(6);
    });

    it('serves the bytes with the sniffed type, nosniff and a safe disposition, to readers only', async () => {
      const images = (await admin.get(`/api/customers/${customerId}/images`).expect(200)).body as {
        id: number;
        filename: string;
        contentType: string;
        url: string;
      }[];
      const jpeg = images.find((i) => i.contentType === 'image/jpeg')!;
      const res = await reader.get(jpeg.url).buffer(true).parse(binary).expect(200);
      expect(res.headers['content-type']).toBe('image/jpeg');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-disposition']).toBe(
        `inline; filename="__.jpg"; filename*=UTF-8''${encodeURIComponent('写真.jpg')}`,
      );
      expect(res.headers['content-security-policy']).toMatch(/sandbox/);
      expect(Buffer.compare(res.body as Buffer, JPEG)).toBe(0);

      const renamed = images.find((i) => i.filename === 'renamed.txt')!;
      const png = await admin.get(renamed.url).buffer(true).parse(binary).expect(200);
      expect(png.headers['content-type']).toBe('image/png');
      const asDownload = await admin.get(`${renamed.url}?download=1`).buffer(true).parse(binary).expect(200);
      expect(asDownload.headers['content-disposition']).toMatch(/^attachment;/);

      const pdf = images.find((i) => i.contentType === 'application/pdf')!;
      const doc = await admin.get(pdf.url).buffer(true).parse(binary).expect(200);
      expect(doc.headers['content-type']).toBe('application/pdf');
      expect(doc.headers['content-disposition']).toMatch(/^attachment;/);
      expect(Buffer.compare(doc.body as Buffer, PDF)).toBe(0);

      await t.http.get(jpeg.url).expect(401);
      await t.http.get(`/api/customers/${customerId}/images`).expect(401);
      expect(
        (await admin.get(`/api/customers/${otherId}/images/${jpeg.id}/content`).expect(404)).body.error,
      ).toBe('CUSTOMER_IMAGE_NOT_FOUND');
      expect((await admin.get(`/api/customers/999999/images`).expect(404)).body.error).toBe(
        'CUSTOMER_NOT_FOUND',
      );
    });

    it("lets only writers upload and delete; deleting erases the bytes; another customer's image id is 404", async () => {
      const url = `/api/customers/${customerId}/images`;
      await t.http.post(url).attach('file', PNG, { filename: 'a.png', contentType: 'image/png' }).expect(401);
      expect((await reader.upload(url, 'file', PNG, 'a.png', 'image/png').expect(403)).body.error).toBe(
        'RIGHT_REQUIRED',
      );
      const image = (await admin.upload(url, 'file', GIF, 'to-delete.gif', 'image/gif').expect(201)).body;
      await reader.delete(`${url}/${image.id}`).expect(403);
      await t.http.delete(`${url}/${image.id}`).expect(401);
      expect(
        (await admin.delete(`/api/customers/${otherId}/images/${image.id}`).expect(404)).body.error,
      ).toBe('CUSTOMER_IMAGE_NOT_FOUND');
      await admin.get(image.url).expect(200);
      await admin.delete(`${url}/${image.id}`).expect(204);
      await admin.get(image.url).expect(404);
      await admin.delete(`${url}/${image.id}`).expect(404);
      const audit = await t.app
        .get(DataSource)
        .query(
          `SELECT action FROM audit_entry WHERE entity = 'customer_image' AND entity_id = '${image.id}' ORDER BY id`,
        );
      expect(audit.map((a: { action: string }) => a.action)).toEqual(['create', 'delete']);
    });

    it('holds a customer to 100 images', async () => {
      const ds = t.app.get(DataSource);
      const existing = (await admin.get(`/api/customers/${otherId}/images`).expect(200)).body.length;
      const one = (
        await admin
          .upload(`/api/customers/${otherId}/images`, 'file', PNG, 'first.png', 'image/png')
          .expect(201)
      ).body;
      const blobKey = (await ds.query(`SELECT blob_key FROM customer_image WHERE id = ${one.id}`))[0]
        .blob_key as string;
      const rows = Array.from({ length: 99 - existing }, (_, i) => ({
        customerId: otherId,
        filename: `fill-${i}.png`,
        contentType: 'image/png',
        size: PNG.length,
        blobKey,
        createdById: null,
        createdAt: new Date(),
      }));
      await ds.getRepository('CustomerImage').insert(rows);
      const over = await admin
        .upload(`/api/customers/${otherId}/images`, 'file', PNG, 'one-too-many.png', 'image/png')
        .expect(409);
      expect(over.body).toMatchObject({ error: 'CUSTOMER_IMAGE_LIMIT', params: { max: 100 } });
      // Another customer has a limit of their own.
      const elsewhere = (
        await admin
          .upload(`/api/customers/${customerId}/images`, 'file', PNG, 'fine.png', 'image/png')
          .expect(201)
      ).body;
      await admin.delete(`/api/customers/${customerId}/images/${elsewhere.id}`).expect(204);
    });
  });

  describe('withdrawal', () => {
    it('marks a customer withdrawn with a history entry, keeps everything they had, and reinstates them', async () => {
      const before = await admin
        .get(`/api/customers/${customerId}/history`)
        .query({ pageSize: 200 })
        .expect(200);
      const visitsBefore = (await admin.get(`/api/customers/${customerId}/visits`).expect(200)).body.total;
      const imagesBefore = (await admin.get(`/api/customers/${customerId}/images`).expect(200)).body.length;
      expect((await admin.get(`/api/customers/${customerId}`).expect(200)).body.withdrawnAt).toBeNull();

      await t.http.post(`/api/customers/${customerId}/withdraw`).send({}).expect(401);
      expect((await reader.post(`/api/customers/${customerId}/withdraw`, {}).expect(403)).body.error).toBe(
        'RIGHT_REQUIRED',
      );
      expect(
        (await admin.post(`/api/customers/${customerId}/withdraw`, { reason: 'x'.repeat(501) }).expect(400))
          .body.fieldCodes.reason,
      ).toContainEqual({ code: 'MAX_LENGTH', params: { max: 500 } });
      expect((await admin.post('/api/customers/999999/withdraw', {}).expect(404)).body.error).toBe(
        'CUSTOMER_NOT_FOUND',
      );

      const withdrawn = await admin
        .post(`/api/customers/${customerId}/withdraw`, { reason: '引っ越しのため' })
        .expect(200);
      expect(withdrawn.body.id).toBe(customerId);
      expect(withdrawn.body.withdrawnAt).not.toBeNull();
      expect((await admin.get(`/api/customers/${customerId}`).expect(200)).body.withdrawnAt).toBe(
        withdrawn.body.withdrawnAt,
      );
      const customers = t.app.get(CustomersService);
      expect(await customers.isWithdrawn(customerId)).toBe(true);
      expect(await customers.isWithdrawn(otherId)).toBe(false);
      expect([...(await customers.withdrawnIds([customerId, otherId, 999999]))]).toEqual([customerId]);

      // Withdrawing again changes nothing and writes nothing.
      const again = await admin.post(`/api/customers/${customerId}/withdraw`, {}).expect(200);
      expect(again.body.withdrawnAt).toBe(withdrawn.body.withdrawnAt);

      const after = await admin
        .get(`/api/customers/${customerId}/history`)
        .query({ pageSize: 200 })
        .expect(200);
      expect(after.body.total).toBe(before.body.total + 1);
      const entry = after.body.items.find((e: { title: string }) => e.title === '退会しました。');
      expect(entry).toMatchObject({ kind: 'system', state: 'done' });
      expect(
        (await admin.get(`/api/history/${entry.id}`).expect(200)).body.details.map(
          (d: { content: string }) => d.content,
        ),
      ).toEqual(['引っ越しのため']);
      // History, visits and images are all still there, and the customer is still found.
      expect(after.body.items.map((e: { id: number }) => e.id)).toEqual(
        expect.arrayContaining(before.body.items.map((e: { id: number }) => e.id)),
      );
      expect((await admin.get(`/api/customers/${customerId}/visits`).expect(200)).body.total).toBe(
        visitsBefore,
      );
      expect((await admin.get(`/api/customers/${customerId}/images`).expect(200)).body.length).toBe(
        imagesBefore,
      );
      expect(
        (await admin.get('/api/customers').query({ q: '来店' }).expect(200)).body.items.map(
          (c: { id: number }) => c.id,
        ),
      ).toContain(customerId);

      await reader.post(`/api/customers/${customerId}/reinstate`, {}).expect(403);
      const back = await admin.post(`/api/customers/${customerId}/reinstate`, {}).expect(200);
      expect(back.body.withdrawnAt).toBeNull();
      expect(await customers.isWithdrawn(customerId)).toBe(false);
      const final = await admin
        .get(`/api/customers/${customerId}/history`)
        .query({ pageSize: 200 })
        .expect(200);
      expect(final.body.items.map((e: { title: string }) => e.title)).toEqual(
        expect.arrayContaining(['退会しました。', '再入会しました。']),
      );
      const audit = await t.app
        .get(DataSource)
        .query(
          `SELECT action FROM audit_entry WHERE entity = 'customer' AND entity_id = '${customerId}' AND action IN ('withdraw', 'reinstate') ORDER BY id`,
        );
      expect(audit.map((a: { action: string }) => a.action)).toEqual(['withdraw', 'reinstate']);
    });

    it("deletes a customer's visits and images with the customer", async () => {
      const gone = (await admin.post('/api/customers', { lastName: '削除予定' }).expect(201)).body.id;
      await admin
        .post(`/api/customers/${gone}/visits`, { visitedAt: '2026-01-10T10:00:00Z', amount: 100 })
        .expect(201);
      await admin.upload(`/api/customers/${gone}/images`, 'file', PNG, 'a.png', 'image/png').expect(201);
      await admin.delete(`/api/customers/${gone}`).expect(204);
      const ds = t.app.get(DataSource);
      expect(
        Number((await ds.query(`SELECT COUNT(*) AS n FROM customer_visit WHERE customer_id = ${gone}`))[0].n),
      ).toBe(0);
      expect(
        Number((await ds.query(`SELECT COUNT(*) AS n FROM customer_image WHERE customer_id = ${gone}`))[0].n),
      ).toBe(0);
    });
  });
});
