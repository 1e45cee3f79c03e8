import * as Encoding from 'encoding-japanese';

const jis = (text: string) => Buffer.from(Encoding.convert(Encoding.stringToCode(text), { to: 'JIS', from: 'UNICODE' }));

export interface RawMailOptions {
  from: string;
  fromName?: string;
  to: string;
  subject: string;
  body: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  charset?: 'utf-8' | 'iso-2022-jp';
  date?: Date;
  headers?: Record<string, string>;
  attachment?: { filename: string; contentType: string; content: Buffer };
}

const b64word = (text: string, charset: 'utf-8' | 'iso-2022-jp') =>
  `=?${charset.toUpperCase()}?B?${(charset === 'utf-8' ? Buffer.from(text, 'utf8') : jis(text)).toString('base64')}?=`;

/** A raw RFC 5322 message as Japanese mail clients send them (CRLF, encoded-word headers). */
export function rawMail(o: RawMailOptions): Buffer {
  const charset = o.charset ?? 'utf-8';
  const from = o.fromName ? `${b64word(o.fromName, charset)} <${o.from}>` : o.from;
  const head = [
    `From: ${from}`,
    `To: ${o.to}`,
    `Subject: ${b64word(o.subject, charset)}`,
    `Date: ${(o.date ?? new Date('2026-11-23T01:00:00Z')).toUTCString()}`,
    ...(o.messageId ? [`Message-ID: <${o.messageId}>`] : []),
    ...(o.inReplyTo ? [`In-Reply-To: <${o.inReplyTo}>`] : []),
    ...(o.references?.length ? [`References: ${o.references.map((r) => `<${r}>`).join(' ')}`] : []),
    ...Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
  ];
  const bodyBytes = charset === 'utf-8' ? Buffer.from(o.body, 'utf8') : jis(o.body);
  const textPart = charset === 'utf-8'
    ? ['Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: base64', '', bodyBytes.toString('base64').replace(/.{76}/g, '$&\r\n')]
    : ['Content-Type: text/plain; charset=ISO-2022-JP', 'Content-Transfer-Encoding: 7bit', '', bodyBytes.toString('latin1')];
  if (!o.attachment) return Buffer.from([...head, ...textPart, ''].join('\r\n'), 'latin1');
  const boundary = 'b-' + Math.random().toString(36).slice(2);
  return Buffer.from(
    [
      ...head,
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      ...textPart,
      `--${boundary}`,
      `Content-Type: ${o.attachment.contentType}`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename="${b64word(o.attachment.filename, 'utf-8')}"`,
      '',
      o.attachment.content.toString('base64').replace(/.{76}/g, '$&\r\n'),
      `--${boundary}--`,
      '',
    ].join('\r\n'),
    'latin1',
  );
}
