import { APP_CONFIG, AppConfig, runAsUnitOfWork } from '@madoguchi/core';
import { MailboxesService } from '@madoguchi/mailboxes';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AddressInfo } from 'node:net';
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
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { port, host, lmtp } = this.config.mail.intakeSmtp;
    if (!this.config.roles.worker || !port) return;
    await this.listen(port, host, lmtp);
  }

  async listen(port: number, host: string, lmtp = false): Promise<number> {
    const server = new SMTPServer({
      lmtp,
      secure: false,
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      // Mail over the limit is still accepted and kept raw, flagged oversized (as IMAP intake
      // does); only four times the limit is refused, to bound memory.
      size: this.config.mail.maxMessageBytes * 4,
      banner: 'Madoguchi intake',
      logger: false,
      onRcptTo: (address, _session, cb) => {
        void this.mailboxes.byAddresses([address.address]).then(
          (found) => cb(found.length ? undefined : Object.assign(new Error(`No mailbox for ${address.address}`), { responseCode: 550 })),
          (e: Error) => cb(Object.assign(e, { responseCode: 451 })),
        );
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
            cb(Object.assign(new Error('Message too large'), { responseCode: 552 }));
            return;
          }
          const raw = Buffer.concat(chunks);
          const rcpts = session.envelope.rcptTo.map((r) => r.address);
          runAsUnitOfWork(async () => {
            const boxes = await this.mailboxes.byAddresses(rcpts);
            for (const box of boxes) await this.intake.ingest(box, raw, { kind: 'smtp' });
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
