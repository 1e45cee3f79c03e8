import { CurrentPrincipal, Principal, RequireRights } from '@madoguchi/auth';
import { APP_CONFIG, AppConfig, BLOB_STORAGE, BlobStorage, Conflict, NotFound, MissingRight } from '@madoguchi/core';
import { MailboxesService } from '@madoguchi/mailboxes';
import { Body, Controller, Get, HttpCode, Inject, Param, ParseIntPipe, Post, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import MailComposer from 'nodemailer/lib/mail-composer';
import { DataSource, In } from 'typeorm';
import { ConnectionTester, connectionToTest } from './connection-test.service';
import { ConnectionTestDto } from './connection-test.dto';
import { IntakeStateService } from './intake/intake-state.service';
import { IntakeService } from './intake/intake.service';
import { MailScheduler } from './intake/mail-scheduler.job';
import { RawMessage } from './intake/raw-message.entity';
import { parseMessage } from './parsing';

@ApiTags('mailboxes')
@Controller()
export class MailController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BLOB_STORAGE) private readonly blobs: BlobStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly mailboxes: MailboxesService,
    private readonly scheduler: MailScheduler,
    private readonly intake: IntakeService,
    private readonly tester: ConnectionTester,
    private readonly state: IntakeStateService,
  ) {}

  /**
   * Intake status: last fetch, last error (a code the console words, with the IMAP endpoint for
   * its text), counts. `state` is what the card says: failing while the last polls failed.
   */
  @Get('mailboxes/:id/status')
  async status(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    const mailbox = await this.mailboxes.get(id, p);
    const state = await this.state.status(id);
    const intake: 'not_configured' | 'paused' | 'failing' | 'receiving' = !mailbox.imap
      ? 'not_configured'
      : !mailbox.active
        ? 'paused'
        : state.consecutiveFailures > 0
          ? 'failing'
          : 'receiving';
    const rows: { state: string; n: string | number }[] = await this.dataSource
      .getRepository(RawMessage)
      .createQueryBuilder('r')
      .select('r.state', 'state')
      .addSelect('COUNT(*)', 'n')
      .where('r.mailbox_id = :id', { id })
      .groupBy('r.state')
      .getRawMany();
    const count = (s: string) => Number(rows.find((r) => r.state === s)?.n ?? 0);
    return {
      ...state,
      state: intake,
      endpoint: mailbox.imap ? { host: mailbox.imap.host, port: mailbox.imap.port } : null,
      // Direct delivery (SMTP/LMTP into this server), for the empty inbox's "how mail gets in".
      directDelivery: this.config.mail.intakeSmtp.port ? { host: this.config.mail.intakeSmtp.host, port: this.config.mail.intakeSmtp.port, lmtp: this.config.mail.intakeSmtp.lmtp } : null,
      idle: this.scheduler.isIdling(id),
      counts: {
        fetched: rows.reduce((s, r) => s + Number(r.n), 0),
        ingested: count('ingested'),
        duplicates: count('duplicate'),
        pending: count('pending'),
        quarantined: count('quarantined'),
        oversized: count('oversized'),
      },
    };
  }

  /**
   * Tries the settings of a mailbox not created yet, as the form holds them: creating mailboxes
   * takes the admin right, and so does trying hosts for one. Limited like the test below.
   */
  @Post('mailboxes/test')
  @HttpCode(200)
  @RequireRights('admin')
  async testUnsaved(@Body() dto: ConnectionTestDto, @CurrentPrincipal() p: Principal) {
    const conn = connectionToTest(dto, null);
    this.tester.take(p.userId);
    return this.tester.test(conn);
  }

  /**
   * Tries the saved IMAP and SMTP settings, or the form's changes to them (nothing is saved), and
   * says what it found, in our words only (a verdict per protocol, never the other side's banner
   * or error text); a few tests per user per window.
   */
  @Post('mailboxes/:id/test')
  @HttpCode(200)
  async test(@Param('id', ParseIntPipe) id: number, @Body() dto: ConnectionTestDto, @CurrentPrincipal() p: Principal) {
    await this.manageable(id, p);
    const saved = await this.mailboxes.connection(id, { unreadableSecrets: 'mark' });
    const conn = connectionToTest(dto ?? {}, saved!);
    this.tester.take(p.userId);
    return this.tester.test(conn);
  }

  /**
   * テストメール: a sample Japanese customer mail filed into the mailbox through the whole intake
   * pipeline (parsing, threading, routing rules, customer link), as if it had arrived: it shows a
   * new install that mail gets in and what a ticket looks like. Takes the manage right; counted
   * against the same per-user limit as connection tests. Answers the ticket it made.
   */
  @Post('mailboxes/:id/test-mail')
  @HttpCode(201)
  async testMail(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    await this.manageable(id, p);
    const mailbox = await this.mailboxes.get(id, p);
    this.tester.take(p.userId);
    const raw = await new MailComposer({
      from: { name: '窓口 テスト', address: 'test-sender@example.invalid' },
      to: mailbox.address,
      subject: '【テスト】窓口へのテストメール',
      text: 'これは窓口 Madoguchi のテストメールです。\nこのメールが受信箱に届いていれば、受信の設定は完了です。\n返信は送信されません（宛先は example.invalid です）。',
      messageId: `<test-${randomUUID()}@madoguchi.invalid>`,
      date: new Date(),
    })
      .compile()
      .build();
    const filed = await this.intake.ingest({ id: mailbox.id, address: mailbox.address }, raw, { kind: 'smtp' });
    return { ticketId: filed.ticketId };
  }

  /** Fetch now instead of waiting for the next poll: it connects out, so it takes the manage right. */
  @Post('mailboxes/:id/poll')
  @HttpCode(202)
  async poll(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    await this.manageable(id, p);
    void this.scheduler.requestPoll(id);
    return { requested: true };
  }

  /** Messages that could not be filed: unparsable (quarantined) or too large (oversized). */
  @Get('mailboxes/:id/quarantine')
  async quarantine(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    await this.manageable(id, p);
    const rows = await this.dataSource.getRepository(RawMessage).find({ where: { mailboxId: id, state: In(['quarantined', 'oversized']) }, order: { id: 'DESC' }, take: 500 });
    return Promise.all(
      rows.map(async (r) => {
        const head = r.state === 'quarantined' && r.blobKey ? await this.headerPreview(r.blobKey) : { subject: null, from: null };
        return { id: r.id, state: r.state, error: r.error, size: r.size, receivedAt: r.receivedAt, ...head };
      }),
    );
  }

  @Get('raw-messages/:id/raw')
  @ApiProduces('message/rfc822')
  async raw(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal, @Res() res: Response) {
    const row = await this.rawRow(id, p);
    res.setHeader('Content-Type', 'message/rfc822');
    res.setHeader('Content-Disposition', `attachment; filename="message-${id}.eml"`);
    await pipeline(await this.blobs.get(row.blobKey!), res);
  }

  /** Parses a quarantined (or oversized) message again, e.g. after a fix or a higher limit. */
  @Post('raw-messages/:id/retry')
  @HttpCode(200)
  async retry(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    const row = await this.rawRow(id, p);
    if (!['quarantined', 'oversized', 'pending'].includes(row.state)) {
      throw new Conflict('NOT_QUARANTINED', `This message is already ${row.state}; only quarantined or oversized mail can be retried`);
    }
    const box = await this.mailboxes.ref(row.mailboxId);
    if (!box) throw new NotFound('mailbox', row.mailboxId);
    const result = await this.intake.process(box, row);
    return { state: result.state, ticketId: result.ticketId };
  }

  private async rawRow(id: number, p: Principal): Promise<RawMessage> {
    const row = await this.dataSource.getRepository(RawMessage).findOneBy({ id });
    if (!row || !p.can(row.mailboxId, 'view')) throw new NotFound('raw message', id);
    if (!p.can(row.mailboxId, 'manage')) throw new MissingRight('manage');
    return row;
  }

  private async manageable(id: number, p: Principal): Promise<void> {
    await this.mailboxes.get(id, p);
    if (!p.can(id, 'manage')) throw new MissingRight('manage');
  }

  private async headerPreview(key: string): Promise<{ subject: string | null; from: string | null }> {
    try {
      const raw = await this.blobs.read(key);
      const head = raw.subarray(0, Math.min(raw.length, 64 * 1024));
      const end = head.indexOf('\r\n\r\n');
      const parsed = await parseMessage(end > 0 ? head.subarray(0, end + 4) : head);
      return { subject: parsed.subject || null, from: parsed.from?.address ?? null };
    } catch {
      return { subject: null, from: null };
    }
  }
}
