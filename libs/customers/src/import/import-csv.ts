import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

export type ImportEncoding = 'utf-8' | 'utf-8-bom' | 'cp932';
export type ImportDelimiter = ',' | '\t';

/** Limits on what a file may be: a record longer than this, or more columns, is refused, not parsed on. */
export const MAX_RECORD_CHARS = 1_000_000;
export const MAX_COLUMNS = 200;

/** Why a file is not a CSV we can read; `code` is the stable error code. */
export class CsvRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly row?: number,
  ) {
    super(message);
  }
}

export interface FileFacts {
  encoding: ImportEncoding;
  delimiter: ImportDelimiter;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Reads the file once, as a stream, and types it by its bytes: binary (a NUL, an Excel workbook's
 * ZIP or an old .xls header) is refused; UTF-8 is recognised by decoding the whole file strictly
 * (a BOM alone says nothing about the rest), anything else is taken as Shift_JIS in Microsoft's
 * CP932 form, which is what Excel for Japanese writes (it adds ① and the NEC/IBM kanji).
 */
export async function inspectFile(path: string): Promise<FileFacts> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let isUtf8 = true;
  let first: Buffer | null = null;
  let head = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    if (!first) {
      first = chunk;
      if (chunk.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) || chunk.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
        throw new CsvRejected('IMPORT_NOT_CSV', 'This is an Excel workbook, not a CSV file: save it as CSV first (CSV UTF-8 or CSV)');
      }
    }
    if (head.length < 64 * 1024) head = Buffer.concat([head, chunk.subarray(0, 64 * 1024 - head.length)]);
    if (chunk.includes(0)) throw new CsvRejected('IMPORT_NOT_CSV', 'The file holds binary data, not CSV text');
    if (isUtf8) {
      try {
        utf8.decode(chunk, { stream: true });
      } catch {
        isUtf8 = false;
      }
    }
  }
  if (!first) throw new CsvRejected('IMPORT_FILE_EMPTY', 'The file is empty');
  if (isUtf8) {
    try {
      utf8.decode();
    } catch {
      isUtf8 = false;
    }
  }
  const encoding: ImportEncoding = first.subarray(0, 3).equals(BOM) ? 'utf-8-bom' : isUtf8 ? 'utf-8' : 'cp932';
  const text = encoding === 'cp932' ? iconv.decode(head, 'cp932') : head.toString('utf8');
  return { encoding, delimiter: guessDelimiter(text) };
}

/** Comma or tab, by which the first line (outside quotes) has more of. */
export function guessDelimiter(text: string): ImportDelimiter {
  let commas = 0;
  let tabs = 0;
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch === ',') commas++;
    else if (!quoted && ch === '\t') tabs++;
  }
  return tabs > commas ? '\t' : ',';
}

/**
 * The records of the file, header first, decoded and parsed as a stream (csv-parse: quoted
 * fields with commas, tabs and line breaks, "" for a quote). Each comes with its row number as a
 * spreadsheet shows it: the record count, so a cell with a line break is still one row.
 */
export async function* readRecords(source: Readable, facts: FileFacts): AsyncGenerator<{ row: number; cells: string[] }> {
  const text = facts.encoding === 'cp932' ? source.pipe(iconv.decodeStream('cp932')) : source.pipe(iconv.decodeStream('utf8', { stripBOM: true }));
  const parser = text.pipe(
    parse({
      delimiter: facts.delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: MAX_RECORD_CHARS,
      bom: true,
    }),
  );
  source.on('error', (e) => parser.destroy(e));
  let row = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      row++;
      if (cells.length > MAX_COLUMNS) throw new CsvRejected('IMPORT_TOO_MANY_COLUMNS', `Row ${row} has ${cells.length} columns; at most ${MAX_COLUMNS} are read`, row);
      yield { row, cells };
    }
  } catch (e) {
    if (e instanceof CsvRejected) throw e;
    const err = e as { code?: string; message: string; lines?: number };
    if (err.code === 'CSV_MAX_RECORD_SIZE') throw new CsvRejected('IMPORT_LINE_TOO_LONG', `Row ${row + 1} is longer than ${MAX_RECORD_CHARS.toLocaleString('en')} characters`, row + 1);
    if (err.code?.startsWith('CSV_')) throw new CsvRejected('IMPORT_CSV_MALFORMED', `The CSV cannot be read at row ${row + 1}: ${err.message}`, row + 1);
    throw e;
  } finally {
    parser.destroy();
    source.destroy();
  }
}

export function fileStream(path: string): Readable {
  return createReadStream(path, { highWaterMark: 256 * 1024 });
}
