import { createCsvWriter } from '@madoguchi/core';
import { Readable } from 'node:stream';
import { CustomerView } from '../customers.service';
import { HISTORY_CSV_COLUMNS, historyRows } from '../history/history-csv';
import { HistoryEntryView } from '../history/history.service';
import { VisitSummary, VisitView } from '../visits/visit.dto';
import { CUSTOMER_CSV_COLUMNS, formatDateTime } from './customers-csv';

export interface KarteCsvInput {
  customer: CustomerView;
  visitSummary: VisitSummary;
  visits: AsyncIterable<VisitView[]>;
  history: AsyncIterable<HistoryEntryView[]>;
  staffNames: Map<number, string>;
  timeZone: string;
}

/**
 * The karte as one CSV a person opens in Excel: three sections one after the other, each under a
 * 【title】 row — the customer's fields (項目, 値), 来店・利用金額 (the totals, then one row per
 * visit) and 対応履歴 (the same columns as the history CSV). Through the one CSV writer (BOM,
 * CRLF, no cell becomes a formula); visits and history are streamed batch by batch.
 */
export function karteCsv(input: KarteCsvInput): Readable {
  const { customer, visitSummary, staffNames, timeZone } = input;
  const csv = createCsvWriter({});
  const staff = (id: number | null) => (id === null ? '' : (staffNames.get(id) ?? `#${id}`));
  const write = async (row: string[]) => {
    if (!csv.write(row)) await new Promise((r) => csv.once('drain', r));
  };
  (async () => {
    try {
      await write(['【顧客情報】']);
      await write(['項目', '値']);
      for (const col of CUSTOMER_CSV_COLUMNS)
        await write([col.header, col.value(customer, { staffNames, timeZone })]);
      await write([]);
      await write(['【来店・利用金額】']);
      await write(['来店回数', String(visitSummary.count)]);
      await write([
        '最終来店日',
        visitSummary.lastVisitAt ? formatDateTime(visitSummary.lastVisitAt, timeZone) : '',
      ]);
      await write(['合計金額', String(visitSummary.totalAmount)]);
      await write(['平均金額', String(visitSummary.averageAmount)]);
      await write(['来店日時', '支店', '担当', '金額', '接客メモ', '提案メモ']);
      for await (const batch of input.visits)
        for (const v of batch)
          await write([
            formatDateTime(v.visitedAt, timeZone),
            v.branch ?? '',
            staff(v.staffId),
            String(v.amount),
            v.serviceMemo ?? '',
            v.proposalMemo ?? '',
          ]);
      await write([]);
      await write(['【対応履歴】']);
      await write(HISTORY_CSV_COLUMNS);
      for await (const batch of input.history)
        for (const e of batch) for (const row of historyRows(e, staffNames, timeZone)) await write(row);
      csv.end();
    } catch (e) {
      csv.destroy(e as Error);
    }
  })();
  return csv;
}
