import { parse } from 'csv-parse/sync';
import { stringify, Stringifier } from 'csv-stringify';

/**
 * Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"): = + - @,
 * their full-width forms (Excel for Japanese converts them), and a leading tab or CR, which
 * Excel and LibreOffice skip before looking at the first character. Quoting a cell does not help:
 * `"=HYPERLINK(…)"` is still a live formula once opened.
 */
const FORMULA_START = /^[\t\r\n \u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r]/;

/** A cell as it is written: a leading `'` where a spreadsheet would read a formula. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The stored value of a cell this product wrote: the `'` that csvCell added is taken off again. */
export function readCsvCell(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

export interface CsvWriterOptions {
  /** Header row; without it the rows are written as they come (a sectioned file such as the karte's, rows of any length). */
  columns?: string[];
}

/**
 * The one way the product writes CSV: UTF-8 with a BOM so Excel opens Japanese correctly, CRLF
 * line ends, quoting where needed, and every cell through csvCell so none becomes a formula.
 * Write rows of cells; the stream applies back-pressure like any Node stream.
 */
export function createCsvWriter(options: CsvWriterOptions): Stringifier {
  return stringify({
    bom: true,
    header: !!options.columns,
    columns: options.columns,
    record_delimiter: 'windows',
    cast: {
      string: (v) => csvCell(v),
      number: (v) => csvCell(v),
      boolean: (v) => (v ? '1' : ''),
      date: (v) => v.toISOString(),
    },
  });
}

/** Reads a CSV this product wrote (or one like it) back into rows of stored values, header first. */
export function readCsv(text: string | Buffer): string[][] {
  const rows = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
  return rows.map((r) => r.map(readCsvCell));
}
