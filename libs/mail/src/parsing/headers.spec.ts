import * as Encoding from 'encoding-japanese';
import * as iconv from 'iconv-lite';
import {
  decodeRawHeaderText,
  decodeTextHeader,
  normalizeCharsetLabels,
  parseAddressList,
  parseDateHeader,
  parseMessageIds,
} from './headers';

const binary = (bytes: Buffer) => bytes.toString('latin1');
const jis = (text: string) =>
  Buffer.from(Encoding.convert(Encoding.stringToCode(text), { to: 'JIS', from: 'UNICODE' }));

describe('decodeRawHeaderText', () => {
  it.each([
    [
      'leaves 7-bit text alone',
      binary(Buffer.from('plain =?UTF-8?B?44GC?=')),
      null,
      'plain =?UTF-8?B?44GC?=',
    ],
    ['reads raw UTF-8', binary(Buffer.from('件名①')), null, '件名①'],
    ['reads raw ISO-2022-JP escapes, CP50220 rows included', binary(jis('件名①㈱髙')), null, '件名①㈱髙'],
    ['detects raw Shift_JIS with kana', binary(iconv.encode('お問い合わせ', 'cp932')), null, 'お問い合わせ'],
    ['detects raw EUC-JP with kana', binary(iconv.encode('お問い合わせ', 'eucjp')), null, 'お問い合わせ'],
    [
      'reads all-kanji Shift_JIS in the body charset',
      binary(iconv.encode('見積依頼', 'cp932')),
      'iso-2022-jp',
      '見積依頼',
    ],
    ['reads Latin-1 in the body charset', binary(Buffer.from('Grüße', 'latin1')), 'iso-8859-1', 'Grüße'],
    [
      'does not mistake Latin-1 that forms valid kanji bytes for Shift_JIS',
      binary(Buffer.from('Hélène', 'latin1')),
      null,
      'Hélène',
    ],
    [
      'falls back to Windows-1252 (curly quotes)',
      binary(Buffer.from([0x93, 0x68, 0x69, 0x94])),
      'utf-8',
      '\u201chi\u201d',
    ],
  ])('%s', (_behaviour, raw, hint, expected) => {
    expect(decodeRawHeaderText(raw, hint)).toBe(expected);
  });
});

describe('normalizeCharsetLabels', () => {
  it('maps CP50220-family labels in encoded words and RFC 2231 parameters to ISO-2022-JP', () => {
    expect(normalizeCharsetLabels('=?CP50220?B?x?= =?x-cp50221?Q?y?= =?UTF-8?B?z?=')).toBe(
      '=?ISO-2022-JP?B?x?= =?ISO-2022-JP?Q?y?= =?UTF-8?B?z?=',
    );
    expect(normalizeCharsetLabels("attachment; filename*=CP50220''%1B%24B")).toBe(
      "attachment; filename*=ISO-2022-JP''%1B%24B",
    );
  });
});

describe('decodeTextHeader', () => {
  it('joins a Shift_JIS character split across two encoded words', () => {
    const bytes = iconv.encode('見積①', 'cp932');
    expect(
      decodeTextHeader(
        `=?Shift_JIS?B?${bytes.subarray(0, 3).toString('base64')}?= =?Shift_JIS?B?${bytes.subarray(3).toString('base64')}?=`,
      ),
    ).toBe('見積①');
  });
});

describe('parseAddressList', () => {
  it.each([
    [
      'decodes names after splitting, so a decoded comma stays in the name',
      '=?UTF-8?B?5bGx55SwLCDlpKrpg44=?= <Y@Example.JP>, b@example.jp',
      [
        { address: 'y@example.jp', name: '山田, 太郎' },
        { address: 'b@example.jp', name: '' },
      ],
    ],
    [
      'flattens groups',
      'Team: a@example.jp, "B" <b@example.jp>;',
      [
        { address: 'a@example.jp', name: '' },
        { address: 'b@example.jp', name: 'B' },
      ],
    ],
    [
      'shows punycode domains in Unicode',
      'a@xn--eckwd4c7c.xn--zckzah',
      [{ address: 'a@ドメイン.テスト', name: '' }],
    ],
    ['keeps a name-only sender', 'MAILER-DAEMON', [{ address: '', name: 'MAILER-DAEMON' }]],
    [
      'salvages the address behind an unclosed quote',
      '"Yamada <y@example.jp>',
      [{ address: 'y@example.jp', name: 'Yamada' }],
    ],
  ])('%s', (_behaviour, value, expected) => {
    expect(parseAddressList(value)).toEqual(expected);
  });
});

describe('parseMessageIds', () => {
  it.each([
    ['strips brackets', '<a@b>', ['a@b']],
    ['reads several, folded, once each', '<a@b>\r\n\t<c@d> <a@b>', ['a@b', 'c@d']],
    ['ignores comments and junk around ids', '<a@b> (from Outlook) "x"', ['a@b']],
    ['takes a bare id when there are no brackets', ' a@b ', ['a@b']],
    ['gives nothing for an empty header', '', []],
  ])('%s', (_behaviour, value, expected) => {
    expect(parseMessageIds(value)).toEqual(expected);
  });
});

describe('parseDateHeader', () => {
  it.each([
    ['RFC 5322 with a comment', 'Mon, 16 Nov 2026 10:15:00 +0900 (JST)', '2026-11-16T01:15:00.000Z'],
    ['a bare JST zone', 'Mon, 16 Nov 2026 10:15:00 JST', '2026-11-16T01:15:00.000Z'],
    ['nothing readable', 'yesterday-ish', null],
  ])('%s', (_behaviour, value, expected) => {
    expect(parseDateHeader(value)?.toISOString() ?? null).toBe(expected);
  });
});
