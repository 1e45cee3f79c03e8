import { createCsvWriter } from '@madoguchi/core';
import { Readable } from 'node:stream';
import type { CustomerView } from '../customers.service';

const REGISTRATION_LABELS: Record<string, string> = { provisional: '仮登録', registered: '本登録' };
const LIST_FLAG_LABELS: Record<string, string> = { normal: '通常', grey: 'グレー', black: 'ブラック' };

/** Every column of the customer CSV, in order; an export may choose some of them by key. */
export const CUSTOMER_CSV_COLUMNS = [
  { key: 'code', header: '顧客コード', value: (c: CustomerView) => c.code },
  { key: 'lastName', header: '姓', value: (c: CustomerView) => c.lastName },
  { key: 'firstName', header: '名', value: (c: CustomerView) => c.firstName ?? '' },
  { key: 'lastNameKana', header: 'セイ', value: (c: CustomerView) => c.lastNameKana ?? '' },
  { key: 'firstNameKana', header: 'メイ', value: (c: CustomerView) => c.firstNameKana ?? '' },
  { key: 'companyName', header: '会社名', value: (c: CustomerView) => c.companyName ?? '' },
  { key: 'department', header: '部署', value: (c: CustomerView) => c.department ?? '' },
  { key: 'email', header: 'メールアドレス', value: (c: CustomerView) => c.email ?? '' },
  { key: 'tel', header: 'TEL', value: (c: CustomerView) => c.tel ?? '' },
  { key: 'mobile', header: 'MOBILE', value: (c: CustomerView) => c.mobile ?? '' },
  { key: 'postalCode', header: '郵便番号', value: (c: CustomerView) => c.postalCode ?? '' },
  { key: 'address', header: '住所', value: (c: CustomerView) => c.address ?? '' },
  { key: 'branch', header: '支店', value: (c: CustomerView) => c.branch ?? '' },
  {
    key: 'assignees',
    header: '担当',
    value: (c: CustomerView, x: CsvContext) =>
      c.assigneeIds.map((id) => x.staffNames.get(id) ?? `#${id}`).join(' / '),
  },
  {
    key: 'registrationState',
    header: '登録状態',
    value: (c: CustomerView) => REGISTRATION_LABELS[c.registrationState] ?? c.registrationState,
  },
  {
    key: 'listFlag',
    header: 'リスト区分',
    value: (c: CustomerView) => LIST_FLAG_LABELS[c.listFlag] ?? c.listFlag,
  },
  { key: 'comment', header: 'コメント', value: (c: CustomerView) => c.comment ?? '' },
  { key: 'birthday', header: '誕生日', value: (c: CustomerView) => c.birthday ?? '' },
  { key: 'smsConsent', header: 'SMS配信同意', value: (c: CustomerView) => (c.smsConsent ? '同意' : '') },
  {
    key: 'withdrawnAt',
    header: '退会日時',
    value: (c: CustomerView, x: CsvContext) =>
      c.withdrawnAt ? formatDateTime(c.withdrawnAt, x.timeZone) : '',
  },
  {
    key: 'createdAt',
    header: '登録日時',
    value: (c: CustomerView, x: CsvContext) => formatDateTime(c.createdAt, x.timeZone),
  },
  {
    key: 'updatedAt',
    header: '更新日時',
    value: (c: CustomerView, x: CsvContext) => formatDateTime(c.updatedAt, x.timeZone),
  },
] as const;
export type CustomerCsvColumn = (typeof CUSTOMER_CSV_COLUMNS)[number]['key'];
export const CUSTOMER_CSV_COLUMN_KEYS = CUSTOMER_CSV_COLUMNS.map((c) => c.key) as CustomerCsvColumn[];

interface CsvContext {
  staffNames: Map<number, string>;
  timeZone: string;
}

/** 2026/11/23 19:04 in the business's time zone, as the console shows dates. */
export function formatDateTime(d: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}/${parts.month}/${parts.day} ${parts.hour}:${parts.minute}`;
}

/**
 * The customers as CSV through the one CSV writer (BOM, CRLF, no cell a spreadsheet reads as a
 * formula). Streams batch by batch, so a large export uses little memory.
 */
export function customersCsv(
  batches: AsyncIterable<CustomerView[]>,
  staffNames: Map<number, string>,
  timeZone: string,
  chosen?: readonly CustomerCsvColumn[],
): Readable {
  const wanted = chosen?.length ? new Set<string>(chosen) : null;
  // Always in the catalogue's order, whatever order they were chosen in.
  const columns = CUSTOMER_CSV_COLUMNS.filter((c) => !wanted || wanted.has(c.key));
  const context: CsvContext = { staffNames, timeZone };
  const csv = createCsvWriter({ columns: columns.map((c) => c.header) });
  (async () => {
    try {
      for await (const batch of batches) {
        for (const c of batch) {
          const ok = csv.write(columns.map((col) => col.value(c, context)));
          if (!ok) await new Promise((r) => csv.once('drain', r));
        }
      }
      csv.end();
    } catch (e) {
      csv.destroy(e as Error);
    }
  })();
  return csv;
}
