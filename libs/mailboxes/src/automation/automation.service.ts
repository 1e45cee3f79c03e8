import { Principal } from '@madoguchi/auth';
import { LINKABLE_FIELDS, LinkableField } from '@madoguchi/customers';
import { AuditService, Conflict, NotFound, ValidationFailed, MissingRight, fieldError, FieldProblem } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { CreateFolderDto, CustomerLinkDto, JournalDto, UpdateFolderDto } from './automation.dto';
import { FolderContentsCounter, FolderCount, FolderDeletedListener } from './folder-contents';
import { Folder } from './folder.entity';
import { Mailbox } from '../mailbox.entity';

export interface FolderView {
  id: number;
  mailboxId: number;
  parentId: number | null;
  name: string;
  position: number;
  /** Tickets directly in this folder. */
  count: number;
  /** Unhandled tickets directly in this folder. */
  unhandled: number;
}

export interface JournalSettings {
  enabled: boolean;
  recipients: string[];
  folderIds: number[];
}

export const NO_JOURNAL: JournalSettings = { enabled: false, recipients: [], folderIds: [] };

/** データベース自動連携: find or create the inquiry's customer and fill mapped fields. */
export interface CustomerLinkSettings {
  enabled: boolean;
  matchBy: 'email' | 'phone';
  /** Form field key → customer field (lastName, firstName, …, comment). */
  fieldMap: Record<string, LinkableField>;
}

export const NO_CUSTOMER_LINK: CustomerLinkSettings = { enabled: false, matchBy: 'email', fieldMap: {} };

/**
 * Mailbox automation settings (§2): folders, journal mail (ジャーナルメール) and the customer
 * database link (データベース自動連携). Routing rules live in tickets (they act on tickets). Reading needs the mailbox's view right, changing it the manage right.
 */
@Injectable()
export class AutomationService {
  private readonly counters: FolderContentsCounter[] = [];
  private readonly folderDeletedListeners: FolderDeletedListener[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** E.g. tickets, which says how many tickets each folder holds (for the counts and for deleting). */
  countFolderContents(counter: FolderContentsCounter): void {
    this.counters.push(counter);
  }

  /** E.g. tickets, which moves a deleted folder's tickets where the user said, in the same transaction. */
  onFolderDeleted(listener: FolderDeletedListener): void {
    this.folderDeletedListeners.push(listener);
  }

  /** Whether the folder is one of this mailbox's (no permission check). */
  async folderExists(mailboxId: number, folderId: number, m: EntityManager = this.dataSource.manager): Promise<boolean> {
    return m.existsBy(Folder, { id: folderId, mailboxId });
  }

  /** Names of these folders by id (those that exist), e.g. for a rule log that shows where mail went. */
  async folderNames(folderIds: number[], m: EntityManager = this.dataSource.manager): Promise<Map<number, string>> {
    const ids = [...new Set(folderIds)];
    if (!ids.length) return new Map();
    const rows = await m.find(Folder, { select: { id: true, name: true }, where: { id: In(ids) } });
    return new Map(rows.map((f) => [f.id, f.name]));
  }

  // ---- folders ---------------------------------------------------------------------------

  async folders(mailboxId: number, p: Principal): Promise<FolderView[]> {
    await this.mailbox(mailboxId, p, 'view');
    const rows = await this.dataSource.getRepository(Folder).find({ where: { mailboxId }, order: { position: 'ASC', name: 'ASC', id: 'ASC' } });
    const byId = new Map<number, FolderCount>();
    for (const counter of this.counters) {
      for (const [id, c] of await counter.shown(this.dataSource.manager, mailboxId)) {
        const sum = byId.get(id) ?? { count: 0, unhandled: 0 };
        byId.set(id, { count: sum.count + c.count, unhandled: sum.unhandled + c.unhandled });
      }
    }
    return rows.map((f) => ({ id: f.id, mailboxId: f.mailboxId, parentId: f.parentId, name: f.name, position: f.position, count: byId.get(f.id)?.count ?? 0, unhandled: byId.get(f.id)?.unhandled ?? 0 }));
  }

  async createFolder(mailboxId: number, dto: CreateFolderDto, p: Principal): Promise<FolderView> {
    await this.mailbox(mailboxId, p, 'manage');
    return this.dataSource.transaction(async (m) => {
      const parentId = dto.parentId ?? null;
      if (parentId !== null) await this.folderOf(m, mailboxId, parentId, 'parentId');
      await this.uniqueName(m, mailboxId, parentId, dto.name.trim());
      const max = (await m.query('SELECT MAX(position) AS p FROM folder WHERE mailbox_id = ?', [mailboxId])) as { p: number | null }[];
      const f = await m.save(m.create(Folder, { mailboxId, parentId, name: dto.name.trim(), position: Number(max[0]?.p ?? 0) + 1 }));
      await this.audit.record(p.actor, { entity: 'folder', entityId: f.id, action: 'create', after: { mailboxId, name: f.name, parentId } }, m);
      return { id: f.id, mailboxId, parentId, name: f.name, position: f.position, count: 0, unhandled: 0 };
    });
  }

  async updateFolder(mailboxId: number, folderId: number, dto: UpdateFolderDto, p: Principal): Promise<FolderView> {
    await this.mailbox(mailboxId, p, 'manage');
    await this.dataSource.transaction(async (m) => {
      const f = await this.folderOf(m, mailboxId, folderId, 'folderId');
      const before = { name: f.name, parentId: f.parentId };
      if (dto.parentId !== undefined) {
        const parentId = dto.parentId || null;
        if (parentId !== null) {
          // A folder cannot go under itself or one of its own subfolders.
          let cursor: Folder | null = await this.folderOf(m, mailboxId, parentId, 'parentId');
          while (cursor) {
            if (cursor.id === folderId) throw new ValidationFailed({ parentId: [fieldError('FOLDER_CYCLE', 'a folder cannot be moved into itself or one of its subfolders')] });
            cursor = cursor.parentId ? await m.findOneBy(Folder, { id: cursor.parentId }) : null;
          }
        }
        f.parentId = parentId;
      }
      if (dto.name !== undefined) f.name = dto.name.trim();
      await this.uniqueName(m, mailboxId, f.parentId, f.name, folderId);
      await m.save(f);
      await this.audit.record(p.actor, { entity: 'folder', entityId: folderId, action: 'update', before, after: { name: f.name, parentId: f.parentId } }, m);
    });
    return (await this.folders(mailboxId, p)).find((f) => f.id === folderId)!;
  }

  /**
   * Deletes a folder. Its tickets go to `moveTo` (a folder id, or `root`); without it a folder
   * holding tickets is refused with how many there are. Subfolders move up to its parent.
   * A folder that rules move mail into is refused, naming the rules.
   */
  async deleteFolder(mailboxId: number, folderId: number, moveTo: string | undefined, p: Principal): Promise<{ moved: number }> {
    await this.mailbox(mailboxId, p, 'manage');
    return this.dataSource.transaction(async (m) => {
      const f = await this.folderOf(m, mailboxId, folderId, 'folderId');
      let n = 0;
      for (const counter of this.counters) n += await counter.held(m, folderId);
      let target: number | null = null;
      if (moveTo !== undefined && moveTo !== 'root') {
        target = Number(moveTo);
        if (!Number.isInteger(target) || target === folderId) throw new ValidationFailed({ moveTo: ['moveTo must be another folder of this mailbox, or root'] });
        await this.folderOf(m, mailboxId, target, 'moveTo');
      }
      if (n > 0 && moveTo === undefined) {
        throw new Conflict('FOLDER_NOT_EMPTY', `The folder 「${f.name}」 holds ${n} ticket${n === 1 ? '' : 's'}: say where they go (moveTo = a folder id, or root)`, { name: f.name, count: n });
      }
      // Tickets' listeners refuse a folder its routing rules still use (FOLDER_IN_USE) and move its tickets.
      for (const listener of this.folderDeletedListeners) await listener({ mailboxId, folderId, moveTo: target }, m);
      await m.update(Folder, { parentId: folderId }, { parentId: f.parentId });
      await m.delete(Folder, { id: folderId });
      await this.audit.record(p.actor, { entity: 'folder', entityId: folderId, action: 'delete', before: { name: f.name }, after: { ticketsMovedTo: target ?? 'root', moved: n } }, m);
      return { moved: n };
    });
  }

  // ---- journal ---------------------------------------------------------------------------

  async journal(mailboxId: number, p: Principal): Promise<JournalSettings> {
    await this.mailbox(mailboxId, p, 'view');
    return this.journalSettings(this.dataSource.manager, mailboxId);
  }

  async journalSettings(m: EntityManager, mailboxId: number): Promise<JournalSettings> {
    const row = await m.findOne(Mailbox, { select: { id: true, journalJson: true }, where: { id: mailboxId } });
    return row?.journalJson ? (JSON.parse(row.journalJson) as JournalSettings) : NO_JOURNAL;
  }

  async setJournal(mailboxId: number, dto: JournalDto, p: Principal): Promise<JournalSettings> {
    await this.mailbox(mailboxId, p, 'manage');
    const settings: JournalSettings = {
      enabled: dto.enabled,
      recipients: [...new Set(dto.recipients.map((r) => r.trim().toLowerCase()))],
      folderIds: [...new Set(dto.folderIds ?? [])],
    };
    if (settings.enabled && !settings.recipients.length) throw new ValidationFailed({ recipients: [fieldError('REQUIRED', 'give at least one recipient to turn journal mail on')] });
    await this.dataSource.transaction(async (m) => {
      for (const id of settings.folderIds) await this.folderOf(m, mailboxId, id, 'folderIds');
      const before = await this.journalSettings(m, mailboxId);
      await m.update(Mailbox, { id: mailboxId }, { journalJson: JSON.stringify(settings) });
      await this.audit.record(p.actor, { entity: 'mailbox', entityId: mailboxId, action: 'journal', before, after: settings }, m);
    });
    return settings;
  }

  // ---- customer database link ------------------------------------------------------------

  async customerLink(mailboxId: number, p: Principal): Promise<CustomerLinkSettings> {
    await this.mailbox(mailboxId, p, 'view');
    return this.customerLinkSettings(this.dataSource.manager, mailboxId);
  }

  async customerLinkSettings(m: EntityManager, mailboxId: number): Promise<CustomerLinkSettings> {
    const row = await m.findOne(Mailbox, { select: { id: true, customerLinkJson: true }, where: { id: mailboxId } });
    return row?.customerLinkJson ? (JSON.parse(row.customerLinkJson) as CustomerLinkSettings) : NO_CUSTOMER_LINK;
  }

  async setCustomerLink(mailboxId: number, dto: CustomerLinkDto, p: Principal): Promise<CustomerLinkSettings> {
    await this.mailbox(mailboxId, p, 'manage');
    const fieldMap: Record<string, LinkableField> = {};
    const errors: Record<string, FieldProblem[]> = {};
    for (const [key, field] of Object.entries(dto.fieldMap ?? {})) {
      if (!/^[A-Za-z0-9_-]{1,50}$/.test(key)) errors[`fieldMap.${key}`] = [fieldError('FIELD_KEY_PATTERN', 'form field keys are letters, digits, - and _')];
      else if (!(LINKABLE_FIELDS as readonly string[]).includes(String(field)))
        errors[`fieldMap.${key}`] = [fieldError('UNKNOWN_CUSTOMER_FIELD', `unknown customer field "${String(field)}": use one of ${LINKABLE_FIELDS.join(', ')}`, { field: String(field) })];
      else fieldMap[key] = field as LinkableField;
    }
    if (Object.keys(errors).length) throw new ValidationFailed(errors);
    const settings: CustomerLinkSettings = { enabled: dto.enabled, matchBy: dto.matchBy, fieldMap };
    await this.dataSource.transaction(async (m) => {
      const before = await this.customerLinkSettings(m, mailboxId);
      await m.update(Mailbox, { id: mailboxId }, { customerLinkJson: JSON.stringify(settings) });
      await this.audit.record(p.actor, { entity: 'mailbox', entityId: mailboxId, action: 'customer_link', before, after: settings }, m);
    });
    return settings;
  }

  // ---- helpers ---------------------------------------------------------------------------

  private async folderOf(m: EntityManager, mailboxId: number, folderId: number, field: string): Promise<Folder> {
    const f = await m.findOneBy(Folder, { id: folderId, mailboxId });
    if (!f) throw new ValidationFailed({ [field]: [fieldError('UNKNOWN_FOLDER', `there is no folder ${folderId} in this mailbox`)] });
    return f;
  }

  private async uniqueName(m: EntityManager, mailboxId: number, parentId: number | null, name: string, except?: number): Promise<void> {
    const same = await m.findBy(Folder, { mailboxId, parentId: parentId === null ? IsNull() : parentId, name });
    if (same.some((f) => f.id !== except)) throw new ValidationFailed({ name: [fieldError('FOLDER_EXISTS', `there is already a folder 「${name}」 here`, { name })] });
  }

  private async mailbox(mailboxId: number, p: Principal, right: 'view' | 'manage'): Promise<void> {
    const exists = await this.dataSource.getRepository(Mailbox).existsBy({ id: mailboxId });
    if (!exists || !p.can(mailboxId, 'view')) throw new NotFound('mailbox', mailboxId);
    if (right === 'manage' && !p.can(mailboxId, 'manage')) throw new MissingRight('manage');
  }
}
