import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(60_000);

/**
 * The console's API types come from the server's OpenAPI document (GET /api/docs-json). This
 * test fails when the committed file no longer matches the document; `npm run api:types`
 * (API_TYPES_WRITE=1) writes it anew. The document is built here the way the tests build the
 * app (swc, without the Nest CLI's swagger plugin), so it describes the DTO properties that carry
 * an explicit @ApiProperty, and no response bodies yet.
 */
const GENERATED = resolve(__dirname, '../../frontend/console/src/app/api/generated/openapi.d.ts');
const HEADER =
  "// Generated from the server's OpenAPI document by `npm run api:types` (test/e2e/api-types.e2e-spec.ts).\n" +
  '// Do not edit by hand.\n\n';

describe('frontend API types', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });

  afterAll(async () => {
    await t?.close();
  });

  it('match the OpenAPI document', async () => {
    const admin = await t.login();
    const res = await admin.get('/api/docs-json').expect(200);
    const generated = toTypeScript(res.body);
    if (process.env.API_TYPES_WRITE === '1') {
      writeFileSync(GENERATED, generated);
    }
    expect(existsSync(GENERATED)).toBe(true);
    const committed = readFileSync(GENERATED, 'utf8');
    if (committed !== generated) {
      throw new Error(`${GENERATED} is stale: run npm run api:types and commit it`);
    }
    // The forms DTOs are described field by field; the console's form fields are typed on them.
    expect(generated).toMatch(/FormFieldDto: \{[^}]*key: string;/s);
  });
});

/** openapi-typescript's CLI in its own process: its dependencies are ES modules jest cannot load. */
function toTypeScript(document: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-openapi-'));
  try {
    const input = join(dir, 'openapi.json');
    writeFileSync(input, JSON.stringify(document));
    const cli = resolve(__dirname, '../../node_modules/openapi-typescript/bin/cli.js');
    const r = spawnSync(process.execPath, [cli, input, '--alphabetize'], { encoding: 'utf8' });
    if (r.status !== 0) {
      throw new Error(`openapi-typescript failed: ${r.stderr}`);
    }
    // Formatted as `npm run format` would, so formatting the tree does not make the file stale.
    const prettier = resolve(__dirname, '../../node_modules/prettier/bin/prettier.cjs');
    const p = spawnSync(process.execPath, [prettier, '--stdin-filepath', GENERATED], {
      input: HEADER + r.stdout,
      encoding: 'utf8',
    });
    if (p.status !== 0) {
      throw new Error(`prettier failed: ${p.stderr}`);
    }
    return p.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
