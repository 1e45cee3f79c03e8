import * as Encoding from 'encoding-japanese';
import * as iconv from 'iconv-lite';
import { charsetForText } from './inspect-mime';

const jis = (text: string) =>
  Buffer.from(Encoding.convert(Encoding.stringToCode(text), { to: 'JIS', from: 'UNICODE' }));
const TEXT = '日本語の本文です。①～';

describe('charsetForText', () => {
  it.each([
    ['keeps a correct ISO-2022-JP label', jis(TEXT), 'ISO-2022-JP', 'text/plain', null],
    ['keeps a correct Shift_JIS label', iconv.encode(TEXT, 'cp932'), 'Shift_JIS', 'text/plain', null],
    ['keeps a correct EUC-JP label', iconv.encode(TEXT, 'eucjp'), 'euc-jp', 'text/plain', null],
    ['keeps UTF-8, labelled or not', Buffer.from(TEXT), '', 'text/plain', null],
    ['keeps plain ASCII under any label', Buffer.from('hello'), 'x-unknown', 'text/plain', null],
    [
      'keeps a single-byte label, which fits any bytes',
      Buffer.from('Grüße', 'latin1'),
      'iso-8859-1',
      'text/plain',
      null,
    ],
    ['relabels CP50220 as ISO-2022-JP', jis(TEXT), 'CP50220', 'text/plain', 'iso-2022-jp'],
    [
      'relabels ISO-2022-JP sent as us-ascii or unlabelled',
      jis(TEXT),
      'us-ascii',
      'text/plain',
      'iso-2022-jp',
    ],
    ['relabels ISO-2022-JP sent as ISO-8859-1', jis(TEXT), 'iso-8859-1', 'text/plain', 'iso-2022-jp'],
    ['detects unlabelled Shift_JIS', iconv.encode(TEXT, 'cp932'), '', 'text/plain', 'shift_jis'],
    ['detects unlabelled EUC-JP', iconv.encode(TEXT, 'eucjp'), '', 'text/plain', 'euc-jp'],
    ['detects Shift_JIS labelled UTF-8', iconv.encode(TEXT, 'cp932'), 'utf-8', 'text/plain', 'shift_jis'],
    [
      'detects Shift_JIS labelled ISO-2022-JP',
      iconv.encode(TEXT, 'cp932'),
      'iso-2022-jp',
      'text/plain',
      'shift_jis',
    ],
    ['detects UTF-8 labelled Shift_JIS', Buffer.from(TEXT), 'Shift_JIS', 'text/plain', 'utf-8'],
    ['detects EUC-JP labelled Shift_JIS', iconv.encode(TEXT, 'eucjp'), 'shift_jis', 'text/plain', 'euc-jp'],
    [
      'relabels Shift_JIS aliases libmime does not know',
      iconv.encode(TEXT, 'cp932'),
      'sjis-win',
      'text/plain',
      'shift_jis',
    ],
    [
      'takes the HTML <meta> charset of an unlabelled part',
      Buffer.concat([Buffer.from('<meta charset="shift_jis">'), iconv.encode(TEXT, 'cp932')]),
      '',
      'text/html',
      'shift_jis',
    ],
    [
      'reads unlabelled non-Japanese 8-bit text as Windows-1252',
      Buffer.from('Grüße aus Köln', 'latin1'),
      '',
      'text/plain',
      'windows-1252',
    ],
  ])('%s', (_behaviour, bytes, label, contentType, expected) => {
    expect(charsetForText(bytes, label, contentType)).toBe(expected);
  });
});
