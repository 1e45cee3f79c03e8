import { Clock } from '@madoguchi/core';
import { CustomerImportJob, CustomerImportService } from '@madoguchi/customers';
import { DB_KINDS } from '@test/support/databases';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import iconv from 'iconv-lite';
import { DataSource } from 'typeorm';

jest.setTimeout(120_000);

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const HEADER = [
  '顧客コード',
  '姓',
  '名',
  'セイ',
  'メイ',
  'メールアドレス',
  '電話番号',
  '携帯',
  '郵便番号',
  '住所',
  '支店',
  '生年月日',
  'コメント',
];
const MAPPING = {
  顧客コード: 'code',
  姓: 'lastName',
  名: 'firstName',
  セイ: 'lastNameKana',
  メイ: 'firstNameKana',
  メールアドレス: 'email',
  電話番号: 'tel',
  携帯: 'mobile',
  郵便番号: 'postalCode',
  住所: 'address',
  支店: 'branch',
  生年月日: 'birthday',
  コメント: 'comment',
};

/** CSV text as Excel writes it: quoted where a cell holds the delimiter, a quote or a line break; CRLF. */
function csv(rows: string[][], delimiter = ','): string {
  const cell = (c: string) => (/[",\t\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  return rows.map((r) => r.map(cell).join(delimiter)).join('\r\n') + '\r\n';
}

interface Status {
  state: string;
  total: number | null;
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  errorCount: number;
  errors: { row: number; column: string; field: string; code: string; message: string }[];
  failureCode: string | null;
}

describe.each(DB_KINDS)('customer CSV import on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  let reader: Session;
  let imports: CustomerImportService;
  let ds: DataSource;

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.login();
    const readers = (
      await admin
        .post('/api/groups', { name: `閲覧-${kind}`, rights: ['customers.read'], mailboxRights: [] })
        .expect(201)
    ).body.id;
    await admin
      .post('/api/users', {
        email: `import-reader-${kind}@test.local`,
        name: '閲覧者',
        password: 'import-password-1',
        groupIds: [readers],
      })
      .expect(201);
    reader = await t.login(`import-reader-${kind}@test.local`, 'import-password-1');
    imports = t.app.get(CustomerImportService);
    ds = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  const upload = (
    content: Buffer,
    fields: Record<string, string> = {},
    url = '/api/customers/import',
    s: Session = admin,
  ) => {
    let req = s.upload(url, 'file', content, 'customers.csv', 'text/csv');
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    return req;
  };

  /** Starts an import and lets the worker's sweep run it to the end. */
  async function runImport(
    content: Buffer,
    opts: { mode?: string; matchBy?: string; atomic?: boolean; mapping?: object } = {},
  ): Promise<Status & { id: string }> {
    const res = await upload(content, {
      mapping: JSON.stringify(opts.mapping ?? MAPPING),
      mode: opts.mode ?? 'run',
      matchBy: opts.matchBy ?? 'code',
      atomic: String(opts.atomic ?? false),
    }).expect(202);
    const id: string = res.body.id;
    await t.app.get(CustomerImportJob).tick();
    const status = (await admin.get(`/api/customers/import/${id}`).expect(200)).body as Status;
    return { ...status, id };
  }

  const count = async (codePrefix: string) => {
    const [r] = await ds.query(
      'SELECT COUNT(*) AS n, COUNT(DISTINCT code) AS d FROM customer WHERE code LIKE ?',
      [`${codePrefix}%`],
    );
    return { n: Number(r.n), distinct: Number(r.d) };
  };
  const byCode = async (code: string) => {
    const res = await admin.get('/api/customers').query({ code }).expect(200);
    return res.body.items.find((c: { code: string }) => c.code === code);
  };

  it('previews a Shift_JIS file: encoding, delimiter, headers, guessed mapping and first rows with a quoted line break', async () => {
    const text = csv([
      HEADER,
      [
        '110001',
        '髙橋',
        '一郎',
        'タカハシ',
        'イチロウ',
        'ichiro@example.jp',
        '03-1111-2222',
        '090-1111-2222',
        '100-0001',
        '東京都千代田区①番地',
        '東京本店',
        '1980/4/1',
        '一行目\n二行目, 「引用」"です"',
      ],
    ]);
    const res = await upload(iconv.encode(text, 'cp932'), {}, '/api/customers/import/preview').expect(200);
    expect(res.body).toMatchObject({ encoding: 'cp932', delimiter: ',', headers: HEADER });
    expect(res.body.mapping).toEqual(MAPPING);
    expect(res.body.rows).toHaveLength(1);
    expect(res.body.rows[0][1]).toBe('髙橋');
    expect(res.body.rows[0][9]).toBe('東京都千代田区①番地');
    expect(res.body.rows[0][12]).toBe('一行目\n二行目, 「引用」"です"');
  });

  it('guesses English and alternative Japanese headers too', async () => {
    const res = await upload(
      Buffer.from(
        csv([
          [
            'Customer Code',
            'Last Name',
            'First Name',
            'E-mail',
            'TEL',
            'MOBILE',
            '〒',
            'Address',
            '店舗',
            '担当',
            '誕生日',
            '氏名カナ',
          ],
          ['1', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'],
        ]),
      ),
      {},
      '/api/customers/import/preview',
    ).expect(200);
    expect(res.body.encoding).toBe('utf-8');
    expect(res.body.mapping).toEqual({
      'Customer Code': 'code',
      'Last Name': 'lastName',
      'First Name': 'firstName',
      'E-mail': 'email',
      TEL: 'tel',
      MOBILE: 'mobile',
      '〒': 'postalCode',
      Address: 'address',
      店舗: 'branch',
      担当: 'assignees',
      誕生日: 'birthday',
      氏名カナ: 'nameKana',
    });
  });

  it.each([
    ['Shift_JIS', (s: string) => iconv.encode(s, 'cp932'), 'cp932', ',', '1201'],
    ['UTF-8 with BOM', (s: string) => Buffer.concat([BOM, Buffer.from(s)]), 'utf-8-bom', ',', '1202'],
    ['UTF-8 without BOM, tab separated', (s: string) => Buffer.from(s), 'utf-8', '\t', '1203'],
  ])(
    'imports %s with quoted line breaks and tabs, and the search finds the rows',
    async (_label, encode, encoding, delimiter, prefix) => {
      const rows = [
        HEADER,
        [
          `${prefix}01`,
          '髙橋',
          '一郎',
          'ﾀｶﾊｼ',
          'いちろう',
          `Ichiro${prefix}@Example.jp`,
          '0311112222',
          `090-${prefix}-0001`,
          '1000001',
          '東京都千代田区①',
          '東京本店',
          '1980/4/1',
          '一行目\r\n二行目\tタブ, カンマ "引用"',
        ],
        [
          `${prefix}02`,
          '渡邉',
          '花子',
          'ワタナベ',
          'ハナコ',
          '',
          '',
          '',
          '',
          '',
          '大阪支店',
          '1990-12-31',
          '',
        ],
      ];
      const preview = await upload(encode(csv(rows, delimiter)), {}, '/api/customers/import/preview').expect(
        200,
      );
      expect(preview.body).toMatchObject({ encoding, delimiter });
      const status = await runImport(encode(csv(rows, delimiter)));
      expect(status).toMatchObject({
        state: 'done',
        total: 2,
        processed: 2,
        created: 2,
        updated: 0,
        skipped: 0,
        errorCount: 0,
      });
      const c = await byCode(`${prefix}01`);
      expect(c).toMatchObject({
        lastName: '髙橋',
        firstName: '一郎',
        lastNameKana: 'タカハシ',
        firstNameKana: 'イチロウ',
        email: `ichiro${prefix}@example.jp`,
        tel: '03-1111-2222',
        postalCode: '100-0001',
        address: '東京都千代田区①',
        birthday: '1980-04-01',
        comment: '一行目\r\n二行目\tタブ, カンマ "引用"',
      });
      for (const q of ['高橋 一郎', 'たかはし', `090${prefix}0001`, `ichiro${prefix}`]) {
        const found = await admin.get('/api/customers').query({ q }).expect(200);
        expect(found.body.items.map((x: { code: string }) => x.code)).toContain(`${prefix}01`);
      }
    },
  );

  it('imports an Excel-style Shift_JIS list: bracketed headers, the address in four columns, 和暦, zeros Excel dropped', async () => {
    const headers = ['会員番号', '氏名（姓）', '氏名（名）', 'フリガナ（セイ）', 'フリガナ（メイ）', '〒', '都道府県', '市区町村', '番地', '建物名', '携帯電話番号', '生年月日', '備考1', '備考2'];
    const text = csv([
      headers,
      ['190001', '北村', '一郎', 'キタムラ', 'イチロウ', '600001', '北海道', '函館市', '美原2-1', 'サンハイツ101', '9012345678', 'S60.4.3', '紹介: 田中様', '駐車場あり'],
      ['190002', '南田', '花', 'ミナミダ', 'ハナ', '100-0001', '東京都', '千代田区', '千代田1-1', '', '080-1111-2222', '平成元年5月1日', '', ''],
    ]);
    const preview = (await upload(iconv.encode(text, 'cp932'), {}, '/api/customers/import/preview').expect(200)).body;
    expect(preview.encoding).toBe('cp932');
    expect(preview.multiColumnFields).toEqual(['address', 'comment']);
    expect(Object.entries(preview.mapping).filter(([, f]) => f === 'address').map(([h]) => h)).toEqual(['都道府県', '市区町村', '番地', '建物名']);
    const status = await runImport(iconv.encode(text, 'cp932'), { mapping: preview.mapping });
    expect(status.errors).toEqual([]);
    expect(status).toMatchObject({ state: 'done', created: 2, errorCount: 0 });
    expect(await byCode('190001')).toMatchObject({
      lastName: '北村',
      lastNameKana: 'キタムラ',
      postalCode: '060-0001',
      address: '北海道函館市美原2-1 サンハイツ101',
      mobile: '090-1234-5678',
      birthday: '1985-04-03',
      comment: '紹介: 田中様\n駐車場あり',
    });
    expect(await byCode('190002')).toMatchObject({ address: '東京都千代田区千代田1-1', birthday: '1989-05-01' });
    // Only the fields a list splits may take several columns.
    const twice = await upload(Buffer.from(csv([['姓', '名'], ['a', 'b']])), { mode: 'run', mapping: '{"姓":"lastName","名":"lastName"}' }).expect(400);
    expect(twice.body.error).toBe('VALIDATION_FAILED');
  });

  it('a dry run writes nothing and reports every problem with its row and column', async () => {
    const rows = [
      HEADER,
      ['130001', '正常', '', '', '', 'ok@example.jp', '', '', '', '', '', '', ''],
      ['130002', '悪メール', '', '', '', 'not-an-email', '', '', '', '', '', '', ''],
      ['130003', '悪電話', '', '', '', '', '12-ab', '', '', '', '', '', ''],
      ['130004', '悪日付', '', '', '', '', '', '', '', '', '', '2001/02/30', ''],
      ['130005', '長'.repeat(51), '', '', '', '', '', '', '', '', '', '', ''],
      ['130006', '', '名だけ', '', '', '', '', '', '', '', '', '', ''],
      ['130007', '重複', '', '', '', '', '', '', '', '', '', '', ''],
      ['130007', '重複', '二回目', '', '', '', '', '', '', '', '', '', ''],
    ];
    const status = await runImport(Buffer.from(csv(rows)), { mode: 'dryRun' });
    expect(status).toMatchObject({
      state: 'done',
      total: 8,
      created: 2,
      updated: 0,
      skipped: 6,
      errorCount: 6,
    });
    const brief = status.errors.map((e) => [e.row, e.column, e.code]);
    expect(brief).toEqual([
      [3, 'メールアドレス', 'INVALID_EMAIL'],
      [4, '電話番号', 'INVALID_PHONE'],
      [5, '生年月日', 'INVALID_DATE'],
      [6, '姓', 'TOO_LONG'],
      [7, '姓', 'REQUIRED'],
      [9, '顧客コード', 'DUPLICATE_IN_FILE'],
    ]);
    expect(await count('1300')).toEqual({ n: 0, distinct: 0 });
  });

  it('a normal run writes the good rows and skips the bad ones; the errors CSV has a BOM and no live formula', async () => {
    const rows = [
      ['顧客コード', '姓', '@メール'],
      ['140001', '=HYPERLINK("http://evil.example/","x")', 'a140001@example.jp'],
      ['140002', '悪い', '=1+1'],
    ];
    const status = await runImport(Buffer.from(csv(rows)), {
      mapping: { 顧客コード: 'code', 姓: 'lastName', '@メール': 'email' },
    });
    expect(status).toMatchObject({ state: 'done', created: 1, skipped: 1, errorCount: 1 });
    // A formula in the file is kept as the text it is.
    expect((await byCode('140001')).lastName).toBe('=HYPERLINK("http://evil.example/","x")');
    const res = await admin
      .get(`/api/customers/import/${status.id}/errors.csv`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const body = res.body as Buffer;
    expect(body.subarray(0, 3)).toEqual(BOM);
    const text = body.subarray(3).toString('utf8');
    expect(text.split('\r\n')[0]).toBe('行,列,コード,内容');
    expect(text).toContain("3,'@メール,INVALID_EMAIL,");
    expect(text).not.toMatch(/(^|,)[=+\-@]/m);
  });

  it('all or nothing: a bad row rolls back every row, even batches already written in the transaction', async () => {
    // Two customers share an address: matching by email cannot choose, so row 652 is refused at write time.
    await admin.post('/api/customers', { lastName: '共有一', email: 'shared@example.jp' }).expect(201);
    await admin.post('/api/customers', { lastName: '共有二', email: 'shared@example.jp' }).expect(201);
    const rows = [['顧客コード', '姓', 'メールアドレス']];
    for (let i = 1; i <= 700; i++)
      rows.push([String(1500000 + i), `一括${i}`, i === 651 ? 'shared@example.jp' : `bulk${i}@example.jp`]);
    const status = await runImport(Buffer.from(csv(rows)), {
      matchBy: 'email',
      atomic: true,
      mapping: { 顧客コード: 'code', 姓: 'lastName', メールアドレス: 'email' },
    });
    expect(status).toMatchObject({
      state: 'failed',
      failureCode: 'IMPORT_HAS_ERRORS',
      created: 0,
      updated: 0,
    });
    expect(status.errors).toEqual([
      expect.objectContaining({ row: 652, column: 'メールアドレス', code: 'AMBIGUOUS_MATCH' }),
    ]);
    expect(await count('1500')).toEqual({ n: 0, distinct: 0 });

    const invalid = await runImport(
      Buffer.from(
        csv([
          ['姓', 'メールアドレス'],
          ['良い', 'good@example.jp'],
          ['悪い', 'bad@'],
        ]),
      ),
      { atomic: true, mapping: { 姓: 'lastName', メールアドレス: 'email' } },
    );
    expect(invalid).toMatchObject({
      state: 'failed',
      failureCode: 'IMPORT_HAS_ERRORS',
      created: 0,
      errorCount: 1,
    });
    expect(
      (await admin.get('/api/customers').query({ email: 'good@example.jp' }).expect(200)).body.total,
    ).toBe(0);
  });

  it('updates by code and by email', async () => {
    const first = await runImport(
      Buffer.from(
        csv([
          ['顧客コード', '姓', 'メールアドレス', '携帯'],
          ['160001', '更新前', 'upd@example.jp', '090-1600-0001'],
        ]),
      ),
      { mapping: { 顧客コード: 'code', 姓: 'lastName', メールアドレス: 'email', 携帯: 'mobile' } },
    );
    expect(first).toMatchObject({ state: 'done', created: 1 });
    const byCodeRun = await runImport(
      Buffer.from(
        csv([
          ['顧客コード', '姓', '携帯'],
          ['160001', 'コード更新', '080-1600-0002'],
        ]),
      ),
      { mapping: { 顧客コード: 'code', 姓: 'lastName', 携帯: 'mobile' } },
    );
    expect(byCodeRun).toMatchObject({ state: 'done', created: 0, updated: 1 });
    let c = await byCode('160001');
    expect(c).toMatchObject({ lastName: 'コード更新', mobile: '080-1600-0002', email: 'upd@example.jp' });
    expect(
      (await admin.get('/api/customers').query({ q: '08016000002' }).expect(200)).body.items.map(
        (x: { code: string }) => x.code,
      ),
    ).toEqual(['160001']);
    expect((await admin.get('/api/customers').query({ q: '09016000001' }).expect(200)).body.total).toBe(0);

    const byEmailRun = await runImport(
      Buffer.from(
        csv([
          ['姓', 'メールアドレス', '支店'],
          ['メール更新', 'UPD@example.jp', '札幌支店'],
        ]),
      ),
      { matchBy: 'email', mapping: { 姓: 'lastName', メールアドレス: 'email', 支店: 'branch' } },
    );
    expect(byEmailRun).toMatchObject({ state: 'done', created: 0, updated: 1 });
    c = await byCode('160001');
    expect(c).toMatchObject({ lastName: 'メール更新', branch: '札幌支店', mobile: '080-1600-0002' });
    expect(
      (await admin.get('/api/customers').query({ q: '札幌' }).expect(200)).body.items.map(
        (x: { code: string }) => x.code,
      ),
    ).toEqual(['160001']);
  });

  it('resumes after a worker died between batches without writing any row twice', async () => {
    const rows = [['顧客コード', '姓']];
    for (let i = 1; i <= 1200; i++) rows.push([String(1700000 + i), `再開${i}`]);
    const res = await upload(Buffer.from(csv(rows)), {
      mapping: JSON.stringify({ 顧客コード: 'code', 姓: 'lastName' }),
      mode: 'run',
    }).expect(202);
    const id: string = res.body.id;
    expect(await imports.claim(id)).toBe(true);
    await expect(
      imports.process(id, {
        afterBatch: (n) => {
          if (n === 1) throw new Error('simulated crash after the first batch');
        },
      }),
    ).rejects.toThrow('simulated crash');
    let status = (await admin.get(`/api/customers/import/${id}`).expect(200)).body as Status;
    expect(status).toMatchObject({ state: 'running', total: 1200, processed: 500, created: 500 });
    expect(await count('170')).toEqual({ n: 500, distinct: 500 });
    // While the dead worker's lease lasts, no one takes the import over.
    await t.app.get(CustomerImportJob).tick();
    expect((await admin.get(`/api/customers/import/${id}`).expect(200)).body.processed).toBe(500);
    const clock = t.app.get(Clock);
    const later = new Date(clock.now().getTime() + 3 * 60_000);
    const spy = jest.spyOn(clock, 'now').mockReturnValue(later);
    try {
      await t.app.get(CustomerImportJob).tick();
    } finally {
      spy.mockRestore();
    }
    status = (await admin.get(`/api/customers/import/${id}`).expect(200)).body as Status;
    expect(status).toMatchObject({
      state: 'done',
      total: 1200,
      processed: 1200,
      created: 1200,
      updated: 0,
      errorCount: 0,
    });
    expect(await count('170')).toEqual({ n: 1200, distinct: 1200 });
    const [search] = await ds.query(
      'SELECT COUNT(*) AS n FROM customer_search s JOIN customer c ON c.id = s.customer_id WHERE c.code LIKE ?',
      ['170%'],
    );
    expect(Number(search.n)).toBe(1200);
  });

  it('leaves one audit record per import, with its counts', async () => {
    const status = await runImport(Buffer.from(csv([['姓'], ['監査']])), { mapping: { 姓: 'lastName' } });
    const [row] = await ds.query(
      "SELECT action, after_json AS afterJson FROM audit_entry WHERE entity = 'customer_import' AND entity_id = ?",
      [status.id],
    );
    expect(row.action).toBe('import');
    expect(JSON.parse(row.afterJson)).toMatchObject({
      total: 1,
      created: 1,
      updated: 0,
      skipped: 0,
      errorCount: 0,
    });
  });

  it('needs the customers write right (401 signed out, 403 with read only)', async () => {
    const file = Buffer.from(csv([['姓'], ['権限']]));
    await t.http
      .post('/api/customers/import')
      .attach('file', file, 'a.csv')
      .field('mode', 'run')
      .field('mapping', '{"姓":"lastName"}')
      .expect(401);
    await t.http.post('/api/customers/import/preview').attach('file', file, 'a.csv').expect(401);
    const started = await runImport(file, { mapping: { 姓: 'lastName' } });
    await t.http.get(`/api/customers/import/${started.id}`).expect(401);
    await t.http.get(`/api/customers/import/${started.id}/errors.csv`).expect(401);
    expect(
      (
        await upload(
          file,
          { mode: 'run', mapping: '{"姓":"lastName"}' },
          '/api/customers/import',
          reader,
        ).expect(403)
      ).body.error,
    ).toBe('RIGHT_REQUIRED');
    await upload(file, {}, '/api/customers/import/preview', reader).expect(403);
    await reader.get(`/api/customers/import/${started.id}`).expect(403);
  });

  it("shows an import only to the user who started it (and administrators): another writer's id answers 404 like a missing one", async () => {
    const writers = (
      await admin
        .post('/api/groups', {
          name: `取込-${kind}`,
          rights: ['customers.write', 'customers.read'],
          mailboxRights: [],
        })
        .expect(201)
    ).body.id;
    for (const who of ['a', 'b'])
      await admin
        .post('/api/users', {
          email: `import-writer-${who}-${kind}@test.local`,
          name: `取込${who}`,
          password: 'import-password-2',
          groupIds: [writers],
        })
        .expect(201);
    const a = await t.login(`import-writer-a-${kind}@test.local`, 'import-password-2');
    const b = await t.login(`import-writer-b-${kind}@test.local`, 'import-password-2');
    const file = Buffer.from(
      csv([
        ['姓', 'メールアドレス'],
        ['他人', 'not-an-email'],
      ]),
    );
    const started = (
      await upload(
        file,
        { mode: 'dryRun', mapping: '{"姓":"lastName","メールアドレス":"email"}' },
        '/api/customers/import',
        a,
      ).expect(202)
    ).body as { id: string };
    await a.get(`/api/customers/import/${started.id}`).expect(200);
    await admin.get(`/api/customers/import/${started.id}`).expect(200);
    const hidden = await b.get(`/api/customers/import/${started.id}`).expect(404);
    const missing = await b.get('/api/customers/import/00000000-0000-4000-8000-000000000000').expect(404);
    expect(hidden.body).toEqual({ ...missing.body, message: expect.any(String) });
    expect(hidden.body.error).toBe('CUSTOMER_IMPORT_NOT_FOUND');
    await b.get(`/api/customers/import/${started.id}/errors.csv`).expect(404);
  });

  it('answers hostile files with a coded 400 or 413, never 500', async () => {
    const fields = { mode: 'run', mapping: '{"姓":"lastName"}' };
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
    const xlsx = Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(100, 1)]);
    for (const [content, code] of [
      [png, 'IMPORT_NOT_CSV'],
      [xlsx, 'IMPORT_NOT_CSV'],
      [Buffer.from('姓\r\n田中\r\n\u0000\u0001\u0002'), 'IMPORT_NOT_CSV'],
      [Buffer.from(`姓,${'x'.repeat(1_100_000)}\r\n田中,a\r\n`), 'IMPORT_LINE_TOO_LONG'],
      [
        Buffer.from(Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',') + '\r\n'),
        'IMPORT_TOO_MANY_COLUMNS',
      ],
      [Buffer.from('姓,"unterminated\r\n'), 'IMPORT_CSV_MALFORMED'],
    ] as const) {
      expect((await upload(content, {}, '/api/customers/import/preview').expect(400)).body.error).toBe(code);
      expect((await upload(content, fields).expect(400)).body.error).toBe(code);
    }
    expect((await upload(Buffer.alloc(0), fields).expect(400)).body.error).toBe('IMPORT_FILE_EMPTY');
    await admin
      .upload('/api/customers/import', 'other', Buffer.from('姓\r\n'), 'a.csv', 'text/csv')
      .field('mode', 'run')
      .expect(400);
    const ok = Buffer.from(csv([['姓'], ['田中']]));
    expect((await upload(ok, { mode: 'run', mapping: 'not json' }).expect(400)).body.error).toBe(
      'VALIDATION_FAILED',
    );
    expect((await upload(ok, { mode: 'run', mapping: '{"無い列":"lastName"}' }).expect(400)).body.error).toBe(
      'VALIDATION_FAILED',
    );
    expect((await upload(ok, { mode: 'run', mapping: '{"姓":"password"}' }).expect(400)).body.error).toBe(
      'VALIDATION_FAILED',
    );
    expect((await upload(ok, { mode: 'destroy', mapping: '{"姓":"lastName"}' }).expect(400)).body.error).toBe(
      'VALIDATION_FAILED',
    );
    expect((await upload(Buffer.alloc(51 * 1024 * 1024, 0x41), fields).expect(413)).body.error).toBe(
      'IMPORT_FILE_TOO_LARGE',
    );
    await admin.get('/api/customers/import/00000000-0000-0000-0000-000000000000').expect(404);
    await admin.get('/api/customers/import/..%2F..%2Fetc').expect(404);
    // Headers named like Object's own properties map to nothing; a mapping cannot name them as fields either.
    const proto = await runImport(
      Buffer.from(
        csv([
          ['constructor', '__proto__', '姓'],
          ['x', 'y', 'プロト'],
        ]),
      ),
      { mapping: { 姓: 'lastName' } },
    );
    expect(proto).toMatchObject({ state: 'done', created: 1, errorCount: 0 });
    expect(
      (await upload(ok, { mode: 'run', mapping: '{"姓":"lastName","__proto__":"email"}' }).expect(400)).body
        .error,
    ).toBe('VALIDATION_FAILED');
    // A bad line after the header is found by the worker: the import fails with the code and writes nothing.
    const late = await runImport(
      Buffer.from(`顧客コード,姓\r\n1800001,良い\r\n1800002,${'y'.repeat(1_100_000)}\r\n`),
      { mapping: { 顧客コード: 'code', 姓: 'lastName' } },
    );
    expect(late).toMatchObject({ state: 'failed', failureCode: 'IMPORT_LINE_TOO_LONG' });
    expect(await count('1800')).toEqual({ n: 0, distinct: 0 });
  });
});
