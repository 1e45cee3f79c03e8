import { Principal } from '@madoguchi/auth';
import { Actor, AuditService, Clock, Conflict, fieldError, MissingRight, NotFound, ValidationFailed } from '@madoguchi/core';
import { MailboxesService } from '@madoguchi/mailboxes';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { CreateLabelDto, UpdateLabelDto } from './label.dto';
import { Label, LABEL_PALETTE, labelNameKey, MAX_LABELS_PER_MAILBOX, TicketLabel } from './label.entity';

/** A label as list rows, the ticket view and the catalogue show it. */
export interface LabelRef {
  id: number;
  name: string;
  color: string;
}

/** A catalogue entry in settings: with how many tickets carry it (the delete confirmation says so). */
export interface LabelView extends LabelRef {
  mailboxId: number;
  ticketCount: number;
  createdAt: Date;
}

/** Told, in the deleting transaction, that a label goes: routing rules drop their action for it. */
export type LabelDeletedHandler = (label: Label, actor: Actor, m: EntityManager) => Promise<void>;

const ref = (l: Label): LabelRef => ({ id: l.id, name: l.name, color: l.color });
const byName = (a: LabelRef, b: LabelRef) => a.name.localeCompare(b.name, 'ja') || a.id - b.id;

/** The number of rows an INSERT/DELETE changed, on both databases (EntityManager.query hides it on SQLite). */
async function changedRows(m: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const qr = m.queryRunner ?? m.connection.createQueryRunner();
  try {
    const result = await qr.query(sql, params, true);
    return Number(result.affected ?? 0);
  } finally {
    if (!m.queryRunner) await qr.release();
  }
}

/**
 * ラベル: a catalogue per mailbox (name, colour), managed with the mailbox's manage right and
 * listed with its view right. Tickets carry labels through `ticket_label` rows (ticket, label),
 * so a rename shows on every ticket at once and filtering by a label is an indexed lookup.
 * Deleting a label removes it from every ticket and from the routing rules that added it.
 */
@Injectable()
export class LabelsService {
  private readonly deletedHandlers: LabelDeletedHandler[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mailboxes: MailboxesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  onLabelDeleted(handler: LabelDeletedHandler): void {
    this.deletedHandlers.push(handler);
  }

  /** The mailbox's catalogue, by name, with ticket counts (one grouped query on the label index). */
  async list(mailboxId: number, p: Principal): Promise<LabelView[]> {
    await this.mailbox(mailboxId, p, 'view');
    const labels = await this.dataSource.getRepository(Label).findBy({ mailboxId });
    const counts = await this.ticketCounts(this.dataSource.manager, labels.map((l) => l.id));
    return labels.map((l) => this.view(l, counts.get(l.id) ?? 0)).sort(byName);
  }

  async create(mailboxId: number, dto: CreateLabelDto, p: Principal): Promise<LabelView> {
    await this.mailbox(mailboxId, p, 'manage');
    const label = await this.dataSource.transaction(async (m) => {
      const name = this.cleanName(dto.name);
      const existing = await m.findBy(Label, { mailboxId });
      if (existing.length >= MAX_LABELS_PER_MAILBOX) throw new ValidationFailed({ name: [fieldError('LABELS_TOO_MANY', `a mailbox has at most ${MAX_LABELS_PER_MAILBOX} labels`, { max: MAX_LABELS_PER_MAILBOX })] });
      this.checkUnique(existing, name);
      const color = dto.color?.toLowerCase() ?? LABEL_PALETTE[existing.length % LABEL_PALETTE.length];
      const label = await m.save(m.create(Label, { mailboxId, name, nameKey: labelNameKey(name), color, createdAt: this.clock.now() }));
      await this.audit.record(p.actor, { entity: 'label', entityId: label.id, action: 'create', after: { mailboxId, name, color } }, m);
      return label;
    });
    return this.view(label, 0);
  }

  /** Renames or recolours; the tickets carry the id, so they show the change at once. */
  async update(id: number, dto: UpdateLabelDto, p: Principal): Promise<LabelView> {
    const label = await this.dataSource.transaction(async (m) => {
      const label = await this.own(m, id, p);
      const before = { name: label.name, color: label.color };
      if (dto.name !== undefined) {
        const name = this.cleanName(dto.name);
        this.checkUnique((await m.findBy(Label, { mailboxId: label.mailboxId })).filter((l) => l.id !== id), name);
        label.name = name;
        label.nameKey = labelNameKey(name);
      }
      if (dto.color !== undefined) label.color = dto.color.toLowerCase();
      if (label.name === before.name && label.color === before.color) return label;
      await m.update(Label, { id }, { name: label.name, nameKey: label.nameKey, color: label.color });
      await this.audit.record(p.actor, { entity: 'label', entityId: id, action: 'update', before, after: { name: label.name, color: label.color } }, m);
      return label;
    });
    return this.view(label, (await this.ticketCounts(this.dataSource.manager, [id])).get(id) ?? 0);
  }

  /** Deletes the label: off every ticket, out of every rule that added it (audited there), then the row. */
  async remove(id: number, p: Principal): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const label = await this.own(m, id, p);
      const tickets = (await this.ticketCounts(m, [id])).get(id) ?? 0;
      for (const handler of this.deletedHandlers) await handler(label, p.actor, m);
      await m.delete(TicketLabel, { labelId: id });
      await m.delete(Label, { id });
      await this.audit.record(p.actor, { entity: 'label', entityId: id, action: 'delete', before: { mailboxId: label.mailboxId, name: label.name, color: label.color, tickets } }, m);
    });
  }

  /** Labels by id (those that exist), in the caller's transaction. */
  async byIds(m: EntityManager, ids: number[]): Promise<Label[]> {
    const unique = [...new Set(ids)];
    return unique.length ? m.findBy(Label, { id: In(unique) }) : [];
  }

  /** The labels of tickets, by ticket id, each list by name: one query for a whole page. */
  async labelsOf(ticketIds: number[], m: EntityManager = this.dataSource.manager): Promise<Map<number, LabelRef[]>> {
    const out = new Map<number, LabelRef[]>();
    const ids = [...new Set(ticketIds)];
    if (!ids.length) return out;
    const rows = (await m
      .createQueryBuilder(TicketLabel, 'tl')
      .innerJoin(Label, 'l', 'l.id = tl.label_id')
      .select(['tl.ticket_id AS ticketId', 'l.id AS id', 'l.name AS name', 'l.color AS color'])
      .where('tl.ticket_id IN (:...ids)', { ids })
      .getRawMany()) as { ticketId: number | string; id: number | string; name: string; color: string }[];
    for (const r of rows) {
      const key = Number(r.ticketId);
      const list = out.get(key) ?? [];
      list.push({ id: Number(r.id), name: r.name, color: r.color });
      out.set(key, list);
    }
    for (const list of out.values()) list.sort(byName);
    return out;
  }

  /**
   * Puts labels on tickets, in one INSERT … SELECT that skips pairs already there (and ids that
   * do not exist). Callers have checked rights and that the labels are of the tickets' mailbox.
   * Answers the number of pairs added.
   */
  async addToTickets(m: EntityManager, ticketIds: number[], labelIds: number[]): Promise<number> {
    const tickets = [...new Set(ticketIds)];
    const labels = [...new Set(labelIds)];
    if (!tickets.length || !labels.length) return 0;
    const verb = m.connection.options.type === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    const marks = (n: number) => new Array(n).fill('?').join(', ');
    return changedRows(m, `${verb} INTO ticket_label (ticket_id, label_id) SELECT t.id, l.id FROM ticket t CROSS JOIN label l WHERE t.id IN (${marks(tickets.length)}) AND l.id IN (${marks(labels.length)})`, [...tickets, ...labels]);
  }

  /** Takes labels off tickets in one DELETE; answers the number of pairs removed. */
  async removeFromTickets(m: EntityManager, ticketIds: number[], labelIds: number[]): Promise<number> {
    const tickets = [...new Set(ticketIds)];
    const labels = [...new Set(labelIds)];
    if (!tickets.length || !labels.length) return 0;
    const result = await m.createQueryBuilder().delete().from(TicketLabel).where('ticket_id IN (:...tickets)', { tickets }).andWhere('label_id IN (:...labels)', { labels }).execute();
    return Number(result.affected ?? 0);
  }

  /**
   * Sets a ticket's labels to exactly `labelIds` (PATCH labelIds), each of the ticket's mailbox
   * (else 400 LABEL_NOT_FOUND, naming the id). Answers the labels before and after, or null when
   * nothing changed.
   */
  async setForTicket(m: EntityManager, ticketId: number, mailboxId: number, labelIds: number[]): Promise<{ before: LabelRef[]; after: LabelRef[] } | null> {
    const wanted = [...new Set(labelIds)];
    const found = await this.byIds(m, wanted);
    const missing = wanted.find((id) => !found.some((l) => l.id === id && l.mailboxId === mailboxId));
    if (missing !== undefined) throw new ValidationFailed({ labelIds: [fieldError('LABEL_NOT_FOUND', `label ${missing} is not a label of this mailbox`, { id: missing })] });
    const before = (await this.labelsOf([ticketId], m)).get(ticketId) ?? [];
    const removed = before.filter((l) => !wanted.includes(l.id)).map((l) => l.id);
    const added = wanted.filter((id) => !before.some((l) => l.id === id));
    if (!removed.length && !added.length) return null;
    await this.removeFromTickets(m, [ticketId], removed);
    await this.addToTickets(m, [ticketId], added);
    return { before, after: found.map(ref).sort(byName) };
  }

  /**
   * The label of this name in the mailbox's catalogue, made (with a palette colour) when there is
   * none: for routing rules saved with a label's name, as API clients from before the catalogue do.
   */
  async findOrCreate(m: EntityManager, mailboxId: number, rawName: string, actor: Actor): Promise<Label> {
    const name = this.cleanName(rawName);
    const existing = await m.findBy(Label, { mailboxId });
    const same = existing.find((l) => l.nameKey === labelNameKey(name));
    if (same) return same;
    const label = await m.save(m.create(Label, { mailboxId, name, nameKey: labelNameKey(name), color: LABEL_PALETTE[existing.length % LABEL_PALETTE.length], createdAt: this.clock.now() }));
    await this.audit.record(actor, { entity: 'label', entityId: label.id, action: 'create', after: { mailboxId, name, color: label.color } }, m);
    return label;
  }

  private async ticketCounts(m: EntityManager, labelIds: number[]): Promise<Map<number, number>> {
    if (!labelIds.length) return new Map();
    const rows = (await m
      .createQueryBuilder(TicketLabel, 'tl')
      .select('tl.label_id', 'labelId')
      .addSelect('COUNT(*)', 'n')
      .where('tl.label_id IN (:...labelIds)', { labelIds })
      .groupBy('tl.label_id')
      .getRawMany()) as { labelId: number | string; n: number | string }[];
    return new Map(rows.map((r) => [Number(r.labelId), Number(r.n)]));
  }

  private cleanName(name: string): string {
    const clean = name.normalize('NFKC').trim().replace(/\s+/g, ' ');
    if (!clean) throw new ValidationFailed({ name: [fieldError('REQUIRED', 'name is required')] });
    if (clean.length > 50) throw new ValidationFailed({ name: [fieldError('MAX_LENGTH', 'name must be at most 50 characters', { max: 50 })] });
    return clean;
  }

  private checkUnique(others: Label[], name: string): void {
    const same = others.find((l) => l.nameKey === labelNameKey(name));
    if (same) throw new Conflict('LABEL_EXISTS', `This mailbox already has a label named 「${same.name}」`, { name: same.name });
  }

  /** A label the caller may manage; one of a mailbox they cannot see answers 404 like an unknown id. */
  private async own(m: EntityManager, id: number, p: Principal): Promise<Label> {
    const label = await m.findOneBy(Label, { id });
    if (!label || !p.can(label.mailboxId, 'view')) throw new NotFound('label', id);
    if (!p.can(label.mailboxId, 'manage')) throw new MissingRight('manage', 'mailbox', 'to manage labels');
    return label;
  }

  /** The same 404 for a mailbox that does not exist as for one the caller may not view. */
  private async mailbox(mailboxId: number, p: Principal, right: 'view' | 'manage'): Promise<void> {
    if (!(await this.mailboxes.names([mailboxId])).has(mailboxId) || !p.can(mailboxId, 'view')) throw new NotFound('mailbox', mailboxId);
    if (right === 'manage' && !p.can(mailboxId, 'manage')) throw new MissingRight('manage', 'mailbox', 'to manage labels');
  }

  private view(l: Label, ticketCount: number): LabelView {
    return { ...ref(l), mailboxId: l.mailboxId, ticketCount, createdAt: l.createdAt };
  }
}
