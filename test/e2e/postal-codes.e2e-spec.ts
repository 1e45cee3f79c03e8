import { Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

/**
 * 郵便番号 → 住所 (issue #17 point 7a): GET /api/postal-codes/:code answers Japan Post's address
 * for a code typed with or without a hyphen, in full-width digits too; an unknown code is 404
 * POSTAL_CODE_NOT_FOUND, a malformed one 400 POSTAL_CODE_INVALID; any signed-in staff user may
 * ask (no right needed), nobody signed out.
 */
describe('postal code lookup', () => {
  let t: TestApp;
  let admin: Session;
  let plain: Session;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    admin = await t.login();
    // A staff user in no permission group: signed in is all the route asks.
    await admin
      .post('/api/users', {
        email: 'postal@test.local',
        name: '郵便',
        password: 'postal-pass-12345',
        groupIds: [],
      })
      .expect(201);
    plain = await t.login('postal@test.local', 'postal-pass-12345');
  });

  afterAll(async () => {
    await t?.close();
  });

  it.each(['1040061', '104-0061', '１０４００６１', '１０４－００６１'])(
    'resolves %s to 東京都 中央区 銀座',
    async (code) => {
      const res = await plain.get(`/api/postal-codes/${encodeURIComponent(code)}`).expect(200);
      expect(res.body).toEqual({
        postalCode: '104-0061',
        addresses: [{ prefecture: '東京都', city: '中央区', town: '銀座' }],
      });
    },
  );

  it('lists every address of a code that covers several', async () => {
    const res = await admin.get('/api/postal-codes/4980000').expect(200);
    expect(res.body.addresses.map((a: { prefecture: string }) => a.prefecture)).toEqual(['愛知県', '三重県']);
  });

  it('answers 404 POSTAL_CODE_NOT_FOUND for a code no address has', async () => {
    const res = await plain.get('/api/postal-codes/9999999').expect(404);
    expect(res.body).toMatchObject({ error: 'POSTAL_CODE_NOT_FOUND', params: { postalCode: '999-9999' } });
    expect(res.body.message).toContain('999-9999');
  });

  it.each(['abc', '104006', '10400611', '104-00-61'])(
    'answers 400 POSTAL_CODE_INVALID for %s',
    async (code) => {
      const res = await plain.get(`/api/postal-codes/${code}`).expect(400);
      expect(res.body).toMatchObject({ error: 'POSTAL_CODE_INVALID' });
      expect(res.body.message).toMatch(/7 digits/);
    },
  );

  it('refuses a caller who is not signed in', async () => {
    const res = await t.http.get('/api/postal-codes/1040061').expect(401);
    expect(res.body.error).toBe('UNAUTHENTICATED');
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await admin.get('/api/docs-json').expect(200)).body;
    const op = doc.paths['/api/postal-codes/{code}']?.get;
    expect(op?.tags).toEqual(['customers']);
    expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '404']));
  });
});
