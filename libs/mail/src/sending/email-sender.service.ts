import { MailboxConnection } from '@madoguchi/mailboxes';
import type { EmailPayload } from './email-payload';
import { APP_CONFIG, AppConfig, BLOB_STORAGE, BlobStorage, Clock } from '@madoguchi/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import * as Encoding from 'encoding-japanese';
import { createTransport, Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import { DataSource } from 'typeorm';
import { CapturedMail } from './captured-mail.entity';
import { NoSmtpAccountError, PermanentSendError } from './send-errors';

export interface SendReceipt {
  messageId: string;
  response: string;
  raw: Buffer;
  /** Recipients the server refused while accepting the others. */
  rejected: string[];
  /** Kept locally (mail.capture, no SMTP account) instead of sent: nobody received it. */
  captured?: boolean;
}

export { PermanentSendError } from './send-errors';

/**
 * ISO-2022-JP as Japanese mail software writes it (CP50220): NEC and IBM extensions such as
 * ①, ㈱ and 髙 included, which iconv-lite cannot encode at all.
 */
export function encodeIso2022jp(text: string): Buffer {
  return Buffer.from(Encoding.convert(Encoding.stringToCode(text), { to: 'JIS', from: 'UNICODE' }));
}

/**
 * A 7-bit body line may not pass 998 octets (RFC 5322): a longer line is cut, at character
 * boundaries, into lines of at most `limit` encoded octets (escape sequences counted), each
 * written on its own, so each starts and ends in ASCII as ISO-2022-JP lines must. Japanese
 * mailers do not wrap, so only such long lines change.
 */
export function encodeIso2022jpBody(text: string, limit = 990): Buffer {
  const lines = text.replace(/\r?\n/g, '\n').replace(/\n?$/, '').split('\n');
  const out: Buffer[] = [];
  for (const line of lines) {
    const encoded = encodeIso2022jp(line);
    if (encoded.length <= limit) {
      out.push(encoded, CRLF);
      continue;
    }
    // Greedy: a character costs 1 octet (ASCII, half-width katakana) or 2 (JIS X 0208), a
    // switch of character set 3, and the switch back to ASCII at the end of the line 3 more.
    let start = 0;
    let size = 0;
    let mode = 'ascii';
    const chars = [...line];
    for (let i = 0; i < chars.length; i++) {
      const code = chars[i].charCodeAt(0);
      const charMode = code < 0x80 ? 'ascii' : code >= 0xff61 && code <= 0xff9f ? 'kana' : 'jis';
      const cost = (charMode === 'jis' ? 2 : 1) + (charMode !== mode ? 3 : 0);
      if (size + cost + 3 > limit) {
        out.push(encodeIso2022jp(chars.slice(start, i).join('')), CRLF);
        start = i;
        size = 0;
        mode = 'ascii';
        i--;
        continue;
      }
      size += cost;
      mode = charMode;
    }
    out.push(encodeIso2022jp(chars.slice(start).join('')), CRLF);
  }
  return Buffer.concat(out);
}
const CRLF = Buffer.from('\r\n');

/** A sanitised HTML fragment as a whole document, its charset named for mail software that reads the meta tag. */
function htmlDocument(fragment: string, charset: string): string {
  return `<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; charset=${charset}"></head><body>\n${fragment}\n</body></html>`;
}

/** ISO-2022-JP has no emoji and few non-Japanese letters: such a message goes out as UTF-8 instead of with `?`s. */
function representableInIso2022jp(p: EmailPayload): boolean {
  const texts = [p.subject, p.text, p.html ?? '', p.from.name, p.replyTo?.name ?? '', ...p.to.map((a) => a.name), ...p.cc.map((a) => a.name)];
  return texts.every((t) => {
    const back = Encoding.codeToString(Encoding.convert(Array.from(encodeIso2022jp(t)), { to: 'UNICODE', from: 'JIS' }));
    return back === t;
  });
}

/**
 * RFC 1468 header text: ISO-2022-JP in B-encoded words, each short enough for a 76-character
 * line and each a complete escape sequence (back in ASCII at its end), folded between words.
 */
function isoJpWords(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const chars = [...text];
  const words: string[] = [];
  for (let i = 0; i < chars.length; i += 12) {
    words.push(`=?ISO-2022-JP?B?${encodeIso2022jp(chars.slice(i, i + 12).join('')).toString('base64')}?=`);
  }
  return words.join('\r\n ');
}

/**
 * Builds and sends one message: our own Message-ID, In-Reply-To, References, the mailbox's
 * From, and the chosen charset. The raw bytes are returned so they can be appended to Sent.
 */
@Injectable()
export class EmailSender {
  private readonly logger = new Logger('EmailSender');
  private transports = new Map<string, Transporter>();

  async build(payload: EmailPayload, messageId: string): Promise<Buffer> {
    const headers: Record<string, string> = {};
    const common = {
      messageId: `<${messageId}>`,
      inReplyTo: payload.inReplyTo ? `<${payload.inReplyTo}>` : undefined,
      references: payload.references.length ? payload.references.map((r) => `<${r}>`).join(' ') : undefined,
      date: new Date(),
      headers,
    };
    const files = await Promise.all(
      (payload.attachments ?? []).map(async (a) => ({ filename: a.filename, contentType: a.contentType, content: await this.blobs.read(a.blobKey) })),
    );
    if (payload.charset === 'iso-2022-jp' && representableInIso2022jp(payload)) {
      // For recipients whose mail software wants the classic Japanese encoding: a 7-bit
      // ISO-2022-JP text part with encoded-word headers in the same charset. Written by hand:
      // nodemailer's composer re-encodes such headers as UTF-8 and the body as quoted-printable.
      const fmt = (a: { address: string; name: string }) => (a.name ? `${isoJpWords(a.name)} <${a.address}>` : `<${a.address}>`);
      const boundary = `----=_madoguchi_${messageId.replace(/[^A-Za-z0-9]/g, '').slice(0, 32)}`;
      const lines = [
        `From: ${fmt(payload.from)}`,
        `To: ${payload.to.map(fmt).join(',\r\n ')}`,
        ...(payload.cc.length ? [`Cc: ${payload.cc.map(fmt).join(',\r\n ')}`] : []),
        ...(payload.replyTo ? [`Reply-To: ${fmt(payload.replyTo)}`] : []),
        `Subject: ${isoJpWords(payload.subject)}`,
        `Date: ${common.date.toUTCString()}`,
        `Message-ID: ${common.messageId}`,
        ...(common.inReplyTo ? [`In-Reply-To: ${common.inReplyTo}`] : []),
        ...(common.references ? [`References: ${common.references.split(' ').join('\r\n ')}`] : []),
        'MIME-Version: 1.0',
      ];
      let textHeaders = ['Content-Type: text/plain; charset=ISO-2022-JP', 'Content-Transfer-Encoding: 7bit'];
      let body = encodeIso2022jpBody(payload.text);
      if (payload.html) {
        // A rich reply: multipart/alternative, the text part first (the one a plain reader shows), both in ISO-2022-JP.
        const alt = `${boundary}_alt`;
        body = Buffer.concat([
          Buffer.from(`--${alt}\r\n${textHeaders.join('\r\n')}\r\n\r\n`, 'ascii'),
          body,
          Buffer.from(`--${alt}\r\nContent-Type: text/html; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n`, 'ascii'),
          encodeIso2022jpBody(htmlDocument(payload.html, 'ISO-2022-JP')),
          Buffer.from(`--${alt}--\r\n`, 'ascii'),
        ]);
        textHeaders = [`Content-Type: multipart/alternative; boundary="${alt}"`];
      }
      if (!files.length) return Buffer.concat([Buffer.from([...lines, ...textHeaders, '', ''].join('\r\n'), 'ascii'), body]);
      // With attachments: multipart/mixed, the text part first; file names as RFC 2231 UTF-8.
      const parts: Buffer[] = [
        Buffer.from([...lines, `Content-Type: multipart/mixed; boundary="${boundary}"`, '', `--${boundary}`, ...textHeaders, '', ''].join('\r\n'), 'ascii'),
        body,
      ];
      for (const f of files) {
        const name = `UTF-8''${encodeURIComponent(f.filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
        const base64 = f.content.toString('base64').replace(/.{76}/g, '$&\r\n');
        parts.push(
          Buffer.from(
            [`--${boundary}`, `Content-Type: ${f.contentType.replace(/[\r\n"]/g, '')}; name*=${name}`, 'Content-Transfer-Encoding: base64', `Content-Disposition: attachment; filename*=${name}`, '', base64, ''].join('\r\n'),
            'ascii',
          ),
        );
      }
      parts.push(Buffer.from(`--${boundary}--\r\n`, 'ascii'));
      return Buffer.concat(parts);
    }
    const composer = new MailComposer({
      ...common,
      from: { name: payload.from.name, address: payload.from.address },
      to: payload.to,
      cc: payload.cc.length ? payload.cc : undefined,
      replyTo: payload.replyTo ? { name: payload.replyTo.name, address: payload.replyTo.address } : undefined,
      subject: payload.subject,
      text: payload.text,
      // With an HTML part nodemailer writes multipart/alternative (text first, then HTML).
      ...(payload.html ? { html: htmlDocument(payload.html, 'UTF-8') } : {}),
      textEncoding: 'base64',
      attachments: files.length ? files : undefined,
    });
    return composer.compile().build();
  }

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(BLOB_STORAGE) private readonly blobs: BlobStorage,
  ) {}

  // Only the capture branch needs these: injected as properties, so that the builder can still
  // be made with just the configuration and the blob store.
  @InjectDataSource() private readonly dataSource!: DataSource;
  @Inject(Clock) private readonly clock!: Clock;

  /** `outboxId`: the outbox row being sent, under which a captured message is kept (once). */
  async send(conn: MailboxConnection, payload: EmailPayload, messageId: string, outboxId: number): Promise<SendReceipt> {
    if (!conn.smtp) {
      if (!this.config.mail.capture) throw new NoSmtpAccountError();
      return this.capture(conn, payload, messageId, outboxId);
    }
    const raw = await this.build(payload, messageId);
    const envelope = {
      from: payload.from.address,
      to: [...payload.to, ...payload.cc, ...payload.bcc].map((a) => a.address),
    };
    try {
      const info = await this.transport(conn).sendMail({ envelope, raw });
      const rejected = ((info.rejected ?? []) as (string | { address: string })[]).map((r) => (typeof r === 'string' ? r : r.address));
      return { messageId, response: String(info.response ?? ''), raw, rejected, captured: false };
    } catch (e) {
      const err = e as { responseCode?: number; message?: string; command?: string; code?: string };
      // Keeps what the classification reads (code, command, responseCode).
      if (err.responseCode && err.responseCode >= 500) throw Object.assign(new PermanentSendError(err.message ?? 'rejected'), { responseCode: err.responseCode, command: err.command, code: err.code });
      throw e;
    }
  }

  /**
   * The embedded default keeps mail of a mailbox without an SMTP account instead of sending it
   * (§8): the raw message goes to blob storage and a `captured_mail` row (one per outbox row, so
   * a repeat after a crash adds none) lets the console show it as not sent and readable.
   */
  private async capture(conn: MailboxConnection, payload: EmailPayload, messageId: string, outboxId: number): Promise<SendReceipt> {
    const repo = this.dataSource.getRepository(CapturedMail);
    const kept = await repo.findOneBy({ outboxId });
    if (kept) return { messageId, response: `captured locally as ${kept.blobKey}`, raw: await this.blobs.read(kept.blobKey), rejected: [], captured: true };
    const raw = await this.build(payload, messageId);
    const blob = await this.blobs.put(raw);
    const recipients = [...payload.to, ...payload.cc, ...payload.bcc].map((a) => ({ address: a.address, name: a.name ?? '' }));
    await repo
      .createQueryBuilder()
      .insert()
      .into(CapturedMail)
      .values({
        outboxId,
        mailboxId: conn.id,
        messageId,
        fromAddress: payload.from.address,
        toJson: JSON.stringify(recipients),
        subject: payload.subject.slice(0, 998),
        blobKey: blob.key,
        size: raw.length,
        createdAt: this.clock.now(),
      })
      // Two instances racing on one row: the first insert wins, the second adds nothing.
      .orIgnore()
      .execute();
    this.logger.log(`captured ${messageId} for ${payload.to.map((t) => t.address).join(', ')} (no SMTP account; blob ${blob.key})`);
    return { messageId, response: `captured locally as ${blob.key}`, raw, rejected: [], captured: true };
  }

  /** Connects and signs in; with a timeout, on a transport of its own (the connection test's short wait). */
  async verify(conn: MailboxConnection, timeoutMs?: number): Promise<void> {
    if (!conn.smtp) throw new Error('No SMTP account');
    if (!timeoutMs) {
      await this.transport(conn).verify();
      return;
    }
    const once = this.transport(conn, timeoutMs);
    try {
      await once.verify();
    } finally {
      once.close();
    }
  }

  private transport(conn: MailboxConnection, timeoutMs?: number): Transporter {
    const s = conn.smtp!;
    const make = () =>
      createTransport({
        host: s.host,
        port: s.port,
        secure: s.secure,
        auth: s.user ? { user: s.user, pass: s.password ?? '' } : undefined,
        connectionTimeout: timeoutMs ?? 15_000,
        greetingTimeout: timeoutMs ?? 15_000,
        socketTimeout: timeoutMs ?? 60_000,
        tls: { rejectUnauthorized: false },
      });
    if (timeoutMs) return make();
    const key = JSON.stringify([s.host, s.port, s.secure, s.user, s.password]);
    let t = this.transports.get(key);
    if (!t) {
      t = make();
      this.transports.set(key, t);
    }
    return t;
  }
}
