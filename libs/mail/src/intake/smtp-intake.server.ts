import { APP_CONFIG, AppConfig, BLOB_STORAGE, BlobStorage, runAsUnitOfWork, StoredBlob } from '@madoguchi/core';
import { MailboxesService } from '@madoguchi/mailboxes';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AddressInfo, isIPv6 } from 'node:net';
import { PassThrough } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import { IntakeService } from './intake.service';

/**
 * Direct delivery: the company's mail server pushes mail here by SMTP (or LMTP) instead of us
 * polling. A recipient must be one of our mailboxes; the message is stored and filed before we
 * answer 250, so an accepted message is never lost.
 */
@Injectable()
export class SmtpIntakeServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SmtpIntake');
  private server: SMTPServer | null = null;
  port = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly mailboxes: MailboxesService,
    private readonly intake: IntakeService,
    @Inject(BLOB_STORAGE) private readonly blobs: BlobStorage,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { port, host, lmtp } = this.config.mail.intakeSmtp;
    if (!this.config.roles.worker || !port) return;
    await this.listen(port, host, lmtp);
  }

  async listen(port: number, host: string, lmtp = false): Promise<number> {
    const { maxConnections, maxConnectionsPerAddress, idleTimeoutMs } = this.config.mail.intakeSmtp;
    const limit = this.config.mail.maxMessageBytes;
    // Mail over the limit is still accepted and kept raw, flagged oversized (as IMAP intake
    // does); only four times the limit is refused. Advertised in EHLO as SIZE, so a sender that
    // announces a larger message is refused at MAIL FROM, before it sends a byte.
    const refuseAbove = limit * 4;
    /** Open connections per client address (keyed by session id, so each is counted once). */
    const perAddress = new Map<string, number>();
    const counted = new Map<string, string>();
    const server = new SMTPServer({
      lmtp,
      secure: false,
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      size: refuseAbove,
      banner: 'Madoguchi intake',
      logger: false,
      // The (max + 1)th connection is answered 421 and closed.
      maxClients: maxConnections,
      // Idle while it owes us input (a command, the next DATA bytes): 421 and closed. Time we
      // take to file a message does not count.
      socketTimeout: idleTimeoutMs,
      disableReverseLookup: true,
      onConnect: (session, cb) => {
        const key = clientKey(session.remoteAddress);
        const open = perAddress.get(key) ?? 0;
        if (open >= maxConnectionsPerAddress) {
          cb(Object.assign(new Error('Too many connections from your address, try again later'), { responseCode: 421 }));
          return;
        }
        perAddress.set(key, open + 1);
        counted.set(session.id, key);
        cb();
      },
      onClose: (session) => {
        const key = counted.get(session.id);
        if (key === undefined) return;
        counted.delete(session.id);
        const left = (perAddress.get(key) ?? 1) - 1;
        if (left > 0) perAddress.set(key, left);
        else perAddress.delete(key);
      },
      onRcptTo: (address, _session, cb) => {
        void this.mailboxes.byAddresses([address.address]).then(
          (found) => cb(found.length ? undefined : Object.assign(new Error(`No mailbox for ${address.address}`), { responseCode: 550 })),
          (e: Error) => cb(Object.assign(e, { responseCode: 451 })),
        );
      },
      onData: (stream, session, cb) => {
        // Bounded memory: up to the limit the bytes are kept (to be parsed); past it they go to
        // blob storage as they come (the message is kept raw, not parsed); past four times the
        // limit nothing more is kept and the rest is only read to its end, to answer 552. The
        // SMTP stream applies backpressure to the socket while the spool catches up.
        const chunks: Buffer[] = [];
        let size = 0;
        let spool: PassThrough | null = null;
        let stored: Promise<StoredBlob> | null = null;
        let tooLarge = false;
        stream.on('data', (c: Buffer) => {
          size += c.length;
          if (tooLarge) return;
          if (size > refuseAbove) {
            tooLarge = true;
            chunks.length = 0;
            spool?.destroy(new Error('over the size limit'));
            return;
          }
          if (spool) {
            if (!spool.write(c)) {
              stream.pause();
              const resume = () => {
                spool?.off('drain', resume).off('close', resume);
                stream.resume();
              };
              spool.on('drain', resume).on('close', resume);
            }
            return;
          }
          chunks.push(c);
          if (size > limit) {
            spool = new PassThrough();
            stored = this.blobs.put(spool);
            // Looked at at the end; a failure before then must not be an unhandled rejection.
            stored.catch(() => undefined);
            for (const b of chunks.splice(0)) spool.write(b);
          }
        });
        // The sender went away mid-message: smtp-server destroys the stream, and what was
        // spooled so far is dropped (the temp file removed) rather than left open.
        const abandon = () => {
          chunks.length = 0;
          spool?.destroy(new Error('the sender went away'));
        };
        stream.on('error', abandon);
        stream.on('close', () => {
          if (!stream.readableEnded) abandon();
        });
        stream.on('end', () => {
          if (tooLarge || (stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
            spool?.destroy();
            cb(Object.assign(new Error(`Message too large: at most ${refuseAbove} bytes`), { responseCode: 552 }));
            return;
          }
          spool?.end();
          const raw = spool ? null : Buffer.concat(chunks);
          chunks.length = 0;
          const rcpts = session.envelope.rcptTo.map((r) => r.address);
          runAsUnitOfWork(async () => {
            const blob = stored ? await stored : null;
            const boxes = await this.mailboxes.byAddresses(rcpts);
            for (const box of boxes) {
              if (blob) await this.intake.ingestOversized(box, blob, { kind: 'smtp' });
              else await this.intake.ingest(box, raw!, { kind: 'smtp' });
            }
          }).then(
            () => cb(null),
            (e: Error) => {
              this.logger.error(`delivery failed: ${e.message}`);
              cb(Object.assign(new Error('Temporary failure, try again later'), { responseCode: 451 }));
            },
          );
        });
      },
    });
    server.on('error', (e) => this.logger.error(`SMTP intake: ${e.message}`));
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    this.logger.log(`Direct delivery (${lmtp ? 'LMTP' : 'SMTP'}) on ${host}:${this.port}`);
    return this.port;
  }

  async onApplicationShutdown(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}

/**
 * The address connections are counted under: an IPv4 address (also when it comes mapped into
 * IPv6), or an IPv6 address's /64, the block one host is usually given, so a host cannot step
 * around the cap by using many addresses of its own block.
 */
export function clientKey(remote: string): string {
  const a = remote.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (!isIPv6(a)) return a;
  const [head, tail = ''] = a.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = a.includes('::') && tail ? tail.split(':') : [];
  const groups = a.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
