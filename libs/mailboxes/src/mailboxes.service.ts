import { Principal } from '@madoguchi/auth';
import { Actor, AuditService, Conflict, DomainError, NotFound, SecretBox, ValidationFailed, MissingRight, fieldError } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull, Not } from 'typeorm';
import { CreateMailboxDto, UpdateMailboxDto } from './mailbox.dto';
import { Mailbox, OutgoingCharset } from './mailbox.entity';

export interface MailboxView {
  id: number;
  name: string;
  address: string;
  active: boolean;
  imap: { host: string; port: number; secure: boolean; user: string; folder: string; sentFolder: string | null; hasPassword: boolean } | null;
  smtp: { host: string; port: number; secure: boolean; user: string | null; hasPassword: boolean } | null;
  pollIntervalSec: number;
  outgoingCharset: OutgoingCharset;
}

/**
 * Everything a channel needs to connect, secrets opened. Never leaves the server.
 * `passwordUnreadable` is set only when asked for with `{ unreadableSecrets: 'mark' }`: the stored
 * password could not be decrypted, and `password` is empty.
 */
export interface MailboxConnection {
  id: number;
  name: string;
  address: string;
  active: boolean;
  outgoingCharset: OutgoingCharset;
  pollIntervalSec: number;
  imap: { host: string; port: number; secure: boolean; user: string; password: string; folder: string; sentFolder: string | null; passwordUnreadable?: boolean } | null;
  smtp: { host: string; port: number; secure: boolean; user: string | null; password: string | null; passwordUnreadable?: boolean } | null;
}

/**
 * A stored IMAP or SMTP password that no longer decrypts: SECRET_KEY was changed (or the column
 * damaged). Nothing but typing the password again helps, so it is a state to show, not a 500.
 */
export class SecretUnreadable extends DomainError {
  constructor(readonly protocol: 'imap' | 'smtp') {
    super(
      'SECRET_UNREADABLE',
      `The stored ${protocol.toUpperCase()} password cannot be decrypted (was SECRET_KEY changed?); enter the password again`,
      409,
      undefined,
      { protocol },
    );
  }
}

function view(m: Mailbox & { imapSecret?: string | null; smtpSecret?: string | null }): MailboxView {
  return {
    id: m.id,
    name: m.name,
    address: m.address,
    active: m.active,
    imap: m.imapHost
      ? { host: m.imapHost, port: m.imapPort ?? 993, secure: m.imapSecure, user: m.imapUser ?? '', folder: m.imapFolder, sentFolder: m.sentFolder, hasPassword: !!m.imapSecret }
      : null,
    smtp: m.smtpHost ? { host: m.smtpHost, port: m.smtpPort ?? 587, secure: m.smtpSecure, user: m.smtpUser, hasPassword: !!m.smtpSecret } : null,
    pollIntervalSec: m.pollIntervalSec,
    outgoingCharset: m.outgoingCharset,
  };
}

/** Told, inside the transaction that saves them, that a mailbox's settings changed. */
export type MailboxSettingsListener = (mailboxId: number, m: EntityManager) => Promise<void>;

@Injectable()
export class MailboxesService {
  private readonly settingsListeners: MailboxSettingsListener[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly secrets: SecretBox,
  ) {}

  /** E.g. the mail channel, which resets its poll schedule and failure streak on new settings. */
  onSettingsChanged(listener: MailboxSettingsListener): void {
    this.settingsListeners.push(listener);
  }

  /** Only the mailboxes the user may view; others do not exist for them. */
  async list(p: Principal): Promise<MailboxView[]> {
    const ids = p.visibleMailboxIds();
    if (ids !== null && !ids.length) return [];
    const rows = await this.withSecrets(this.dataSource.manager)
      .where(ids === null ? '1=1' : 'm.id IN (:...ids)', { ids })
      .orderBy('m.id', 'ASC')
      .getMany();
    return rows.map(view);
  }

  async get(id: number, p: Principal): Promise<MailboxView> {
    const row = p.can(id, 'view') ? await this.withSecrets(this.dataSource.manager).where('m.id = :id', { id }).getOne() : null;
    if (!row) throw new NotFound('mailbox', id);
    return view(row);
  }

  async create(dto: CreateMailboxDto, actor: Actor): Promise<MailboxView> {
    return this.dataSource.transaction(async (m) => {
      const address = dto.address.trim().toLowerCase();
      if (await m.getRepository(Mailbox).existsBy({ address })) {
        throw new Conflict('MAILBOX_EXISTS', `A mailbox for ${address} already exists`, { address });
      }
      if (dto.imap && !dto.imap.password) throw new ValidationFailed({ 'imap.password': [fieldError('REQUIRED', 'imap.password is required')] });
      const row = m.getRepository(Mailbox).create({ name: dto.name.trim(), address, active: dto.active ?? true, pollIntervalSec: dto.pollIntervalSec ?? 60, outgoingCharset: dto.outgoingCharset ?? 'utf-8', imapFolder: 'INBOX', imapSecure: true, smtpSecure: false });
      this.applyConnections(row, dto);
      const saved = await m.getRepository(Mailbox).save(row);
      const result = view(saved);
      await this.audit.record(actor, { entity: 'mailbox', entityId: saved.id, action: 'create', after: result }, m);
      return result;
    });
  }

  async update(id: number, dto: UpdateMailboxDto, p: Principal): Promise<MailboxView> {
    if (!p.can(id, 'manage')) {
      if (p.can(id, 'view')) throw new MissingRight('manage');
      throw new NotFound('mailbox', id);
    }
    return this.dataSource.transaction(async (m) => {
      const row = await this.withSecrets(m).where('m.id = :id', { id }).getOne();
      if (!row) throw new NotFound('mailbox', id);
      const before = view(row);
      if (dto.address !== undefined) {
        const address = dto.address.trim().toLowerCase();
        const other = await m.getRepository(Mailbox).findOneBy({ address });
        if (other && other.id !== id) throw new Conflict('MAILBOX_EXISTS', `A mailbox for ${address} already exists`, { address });
        row.address = address;
      }
      if (dto.name !== undefined) row.name = dto.name.trim();
      if (dto.active !== undefined) row.active = dto.active;
      if (dto.pollIntervalSec !== undefined) row.pollIntervalSec = dto.pollIntervalSec;
      if (dto.outgoingCharset !== undefined) row.outgoingCharset = dto.outgoingCharset;
      if (dto.imap && !dto.imap.password && !row.imapSecret) throw new ValidationFailed({ 'imap.password': [fieldError('REQUIRED', 'imap.password is required')] });
      this.applyConnections(row, dto);
      const saved = await m.getRepository(Mailbox).save(row);
      for (const listener of this.settingsListeners) await listener(id, m);
      const after = view(saved);
      await this.audit.record(p.actor, { entity: 'mailbox', entityId: id, action: 'update', before, after }, m);
      return after;
    });
  }

  /** Connection settings with secrets opened, for the mail channel. */
  /**
   * The reply approval policy as stored (JSON the tickets workflow reads), `undefined` when the
   * mailbox does not exist. Mailboxes own the column; tickets asks here instead of reading it.
   */
  async approvalPolicyJson(id: number, m: EntityManager = this.dataSource.manager): Promise<string | null | undefined> {
    const row = await m.getRepository(Mailbox).findOne({ select: { id: true, approvalPolicy: true }, where: { id } });
    return row ? row.approvalPolicy : undefined;
  }

  async setApprovalPolicyJson(id: number, json: string | null, m: EntityManager): Promise<void> {
    await m.getRepository(Mailbox).update({ id }, { approvalPolicy: json });
  }

  /**
   * Throws SecretUnreadable for a stored password that does not decrypt, unless asked to `mark`
   * it instead (intake, which records the failure, and the connection test, which reports it).
   */
  async connection(id: number, options: { unreadableSecrets?: 'throw' | 'mark' } = {}): Promise<MailboxConnection | null> {
    const m = await this.withSecrets(this.dataSource.manager).where('m.id = :id', { id }).getOne();
    if (!m) return null;
    const mark = options.unreadableSecrets === 'mark';
    const open = (protocol: 'imap' | 'smtp', sealed: string): { password: string; passwordUnreadable?: true } => {
      try {
        return { password: this.secrets.open(sealed) };
      } catch {
        if (!mark) throw new SecretUnreadable(protocol);
        return { password: '', passwordUnreadable: true };
      }
    };
    return {
      id: m.id,
      name: m.name,
      address: m.address,
      active: m.active,
      outgoingCharset: m.outgoingCharset,
      pollIntervalSec: m.pollIntervalSec,
      imap: m.imapHost
        ? { host: m.imapHost, port: m.imapPort ?? 993, secure: m.imapSecure, user: m.imapUser ?? '', ...(m.imapSecret ? open('imap', m.imapSecret) : { password: '' }), folder: m.imapFolder, sentFolder: m.sentFolder }
        : null,
      smtp: m.smtpHost
        ? { host: m.smtpHost, port: m.smtpPort ?? 587, secure: m.smtpSecure, user: m.smtpUser, ...(m.smtpSecret ? open('smtp', m.smtpSecret) : { password: null }) }
        : null,
    };
  }

  /** The active mailboxes with IMAP settings, by id: those intake polls. */
  async intakeMailboxIds(): Promise<number[]> {
    const rows = await this.dataSource.getRepository(Mailbox).find({ select: { id: true }, where: { active: true, imapHost: Not(IsNull()) } });
    return rows.map((r) => r.id);
  }

  /** The active mailboxes' ids, oldest first (MYPAGE sends its sign-in mails from the first that can send when none is chosen). */
  async activeIds(): Promise<number[]> {
    const rows = await this.dataSource.getRepository(Mailbox).find({ select: { id: true }, where: { active: true }, order: { id: 'ASC' } });
    return rows.map((r) => r.id);
  }

  /** Id and address of a mailbox (active or not), e.g. to file a message again; null when there is none. */
  async ref(id: number): Promise<{ id: number; address: string } | null> {
    const row = await this.dataSource.getRepository(Mailbox).findOne({ select: { id: true, address: true }, where: { id } });
    return row ? { id: row.id, address: row.address } : null;
  }

  /** Names of these mailboxes by id (those that exist), no permission check. */
  async names(ids: number[], m: EntityManager = this.dataSource.manager): Promise<Map<number, string>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const rows = await m.getRepository(Mailbox).find({ select: { id: true, name: true }, where: { id: In(unique) } });
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async byAddresses(addresses: string[]): Promise<Mailbox[]> {
    if (!addresses.length) return [];
    return this.dataSource.getRepository(Mailbox).findBy({ address: In(addresses.map((a) => a.toLowerCase())) });
  }

  private withSecrets(m: EntityManager) {
    return m.getRepository(Mailbox).createQueryBuilder('m').addSelect('m.imapSecret').addSelect('m.smtpSecret');
  }

  private applyConnections(row: Mailbox, dto: CreateMailboxDto | UpdateMailboxDto): void {
    if (dto.imap === null) {
      Object.assign(row, { imapHost: null, imapPort: null, imapUser: null, imapSecret: null, sentFolder: null });
    } else if (dto.imap) {
      row.imapHost = dto.imap.host.trim();
      row.imapPort = dto.imap.port;
      row.imapSecure = dto.imap.secure;
      row.imapUser = dto.imap.user;
      if (dto.imap.password) row.imapSecret = this.secrets.seal(dto.imap.password);
      if (dto.imap.folder) row.imapFolder = dto.imap.folder;
      if (dto.imap.sentFolder !== undefined) row.sentFolder = dto.imap.sentFolder || null;
    }
    if (dto.smtp === null) {
      Object.assign(row, { smtpHost: null, smtpPort: null, smtpUser: null, smtpSecret: null });
    } else if (dto.smtp) {
      row.smtpHost = dto.smtp.host.trim();
      row.smtpPort = dto.smtp.port;
      row.smtpSecure = dto.smtp.secure;
      row.smtpUser = dto.smtp.user || null;
      if (dto.smtp.password) row.smtpSecret = this.secrets.seal(dto.smtp.password);
      if (!dto.smtp.user) row.smtpSecret = null;
    }
  }
}
