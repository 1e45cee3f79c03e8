import { createCsvWriter } from '@madoguchi/core';
import { Readable } from 'node:stream';
import { formatDateTime } from '../csv/customers-csv';
import { HistoryEntryView } from './history.service';

export const HISTORY_STATE_LABELS: Record<string, string> = {
  waiting: '作業待ち',
  in_progress: '作業中',
  done: '完了',
};
export const HISTORY_KIND_LABELS: Record<string, string> = {
  note: 'メモ',
  call: '電話',
  visit: '来店',
  fax: 'FAX',
  mail: 'メール',
  form: 'フォーム',
  mypage: 'MYPAGE',
  sms: 'SMS',
  system: 'システム',
};

export const HISTORY_CSV_COLUMNS = [
  '履歴ID',
  '作成日',
  '種別',
  'タイトル',
  '状態',
  '担当',
  '依頼先',
  '次回予定',
  '問い合わせID',
  '明細作業日時',
  '明細予定日時',
  '明細担当',
  '明細状態',
  '明細内容',
];

/** The CSV rows of one entry: one per detail line, or one for an entry without details. */
export function historyRows(
  e: HistoryEntryView,
  staffNames: Map<number, string>,
  timeZone: string,
): string[][] {
  const staff = (id: number | null) => (id === null ? '' : (staffNames.get(id) ?? `#${id}`));
  const date = (d: Date | null) => (d ? formatDateTime(d, timeZone) : '');
  const head = [
    String(e.id),
    date(e.createdAt),
    HISTORY_KIND_LABELS[e.kind] ?? e.kind,
    e.title,
    HISTORY_STATE_LABELS[e.state] ?? e.state,
    staff(e.staffId),
    staff(e.requestedToId),
    date(e.nextScheduledAt),
    e.ticketId ? String(e.ticketId) : '',
  ];
  const lines = e.details.length ? e.details : [null];
  return lines.map((d) => [
    ...head,
    date(d?.workedAt ?? null),
    date(d?.scheduledAt ?? null),
    staff(d?.staffId ?? null),
    d?.state ? HISTORY_STATE_LABELS[d.state] : '',
    d?.content ?? '',
  ]);
}

/**
 * A customer's history as CSV: one row per detail line (an entry without details is one row),
 * through the one CSV writer (BOM, CRLF, no cell becomes a formula).
 */
export function historyCsv(
  batches: AsyncIterable<HistoryEntryView[]>,
  staffNames: Map<number, string>,
  timeZone: string,
): Readable {
  const csv = createCsvWriter({ columns: HISTORY_CSV_COLUMNS });
  (async () => {
    try {
      for await (const batch of batches) {
        for (const e of batch) {
          for (const row of historyRows(e, staffNames, timeZone)) {
            const ok = csv.write(row);
            if (!ok) await new Promise((r) => csv.once('drain', r));
          }
        }
      }
      csv.end();
    } catch (e) {
      csv.destroy(e as Error);
    }
  })();
  return csv;
}
