import { createCsvWriter } from '@madoguchi/core';
import { Readable } from 'node:stream';
import { CustomerView } from '../customers.service';

const REGISTRATION_LABELS: Record<string, string> = { provisional: '仮登録', registered: '本登録' };
const LIST_FLAG_LABELS: Record<string, string> = { normal: '通常', grey: 'グレー', black: 'ブラック' };

const COLUMNS = [
  '顧客コード',
  '姓',
  '名',
  'セイ',
  'メイ',
  'メールアドレス',
  'TEL',
  'MOBILE',
  '郵便番号',
  '住所',
  '支店',
  '担当',
  '登録状態',
  'リスト区分',
  'コメント',
  '誕生日',
  'SMS配信同意',
  '登録日時',
  '更新日時',
];

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
export function customersCsv(batches: AsyncIterable<CustomerView[]>, staffNames: Map<number, string>, timeZone: string): Readable {
  const csv = createCsvWriter({ columns: COLUMNS });
  (async () => {
    try {
      for await (const batch of batches) {
        for (const c of batch) {
          const ok = csv.write([
            c.code,
            c.lastName,
            c.firstName ?? '',
            c.lastNameKana ?? '',
            c.firstNameKana ?? '',
            c.email ?? '',
            c.tel ?? '',
            c.mobile ?? '',
            c.postalCode ?? '',
            c.address ?? '',
            c.branch ?? '',
            c.assigneeIds.map((id) => staffNames.get(id) ?? `#${id}`).join(' / '),
            REGISTRATION_LABELS[c.registrationState] ?? c.registrationState,
            LIST_FLAG_LABELS[c.listFlag] ?? c.listFlag,
            c.comment ?? '',
            c.birthday ?? '',
            c.smsConsent ? '同意' : '',
            formatDateTime(c.createdAt, timeZone),
            formatDateTime(c.updatedAt, timeZone),
          ]);
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
