import { Principal } from '@madoguchi/auth';
import { AuditService, Clock, Conflict, fieldError, insertRows, MissingRight, NotFound, ValidationFailed } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { TicketRuleLog } from '../routing/rule-log.entity';
import { BlockedSender, BlockedSenderKind } from './blocked-sender.entity';

/** A plain address or `@domain`: no spaces, no second `@`, a dotted domain of letters, digits and hyphens. */
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const LOCAL = /^[^\s@"<>()[\],;:\\]{1,64}$/;

/** The pattern that blocks an address (`address`) or its domain (`@domain`), or null when it is not an address. */
export function blockPattern(address: string, kind: BlockedSenderKind): string | null {
  const a = address.trim().toLowerCase();
  const at = a.lastIndexOf('@');
  if (at <= 0 || !LOCAL.test(a.slice(0, at)) || !DOMAIN.test(a.slice(at + 1))) return null;
  return kind === 'address' ? a : a.slice(at);
}

export interface BlockedSenderView {
  id: number;
  pattern: string;
  kind: BlockedSenderKind;
  createdBy: number | null;
  createdAt: Date;
}

/**
 * 迷惑メール送信者 per mailbox: new tickets from a blocked address or domain start as spam (intake
 * reads the list once per group). Listing and changing the list need the mailbox's manage right.
 */
@Injectable()
export class BlockedSendersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(mailboxId: number, p: Principal): Promise<BlockedSenderView[]> {
    this.manageable(mailboxId, p);
    const rows = await this.dataSource.getRepository(BlockedSender).find({ where: { mailboxId }, order: { pattern: 'ASC' } });
    return rows.map(view);
  }

  /** Adds `taro@example.jp` or `@example.jp`; the same pattern twice is 409 BLOCKED_SENDER_EXISTS. */
  async add(mailboxId: number, raw: string, p: Principal): Promise<BlockedSenderView> {
    this.manageable(mailboxId, p);
    const text = raw.trim().toLowerCase();
    const kind: BlockedSenderKind = text.startsWith('@') ? 'domain' : 'address';
    const pattern = blockPattern(kind === 'domain' ? `x${text}` : text, kind);
    if (!pattern) throw new ValidationFailed({ pattern: [fieldError('BLOCKED_SENDER_INVALID', 'give an address (taro@example.jp) or a domain (@example.jp)')] });
    return this.dataSource.transaction(async (m) => {
      if (await m.existsBy(BlockedSender, { mailboxId, pattern })) throw new Conflict('BLOCKED_SENDER_EXISTS', `${pattern} is already blocked in this mailbox`, { pattern });
      const row = await m.save(m.create(BlockedSender, { mailboxId, pattern, kind, createdBy: p.userId, createdAt: this.clock.now() }));
      await this.audit.record(p.actor, { entity: 'mailbox', entityId: mailboxId, action: 'blocked_sender_add', after: { pattern, kind } }, m);
      return view(row);
    });
  }

  async remove(mailboxId: number, senderId: number, p: Principal): Promise<void> {
    this.manageable(mailboxId, p);
    await this.dataSource.transaction(async (m) => {
      const row = await m.findOneBy(BlockedSender, { id: senderId, mailboxId });
      if (!row) throw new NotFound('blocked sender', senderId);
      await m.delete(BlockedSender, { id: row.id });
      await this.audit.record(p.actor, { entity: 'mailbox', entityId: mailboxId, action: 'blocked_sender_remove', before: { pattern: row.pattern, kind: row.kind } }, m);
    });
  }

  /** Blocks these patterns (already normalised), in the caller's transaction; one already listed is left as it is. Answers the new ones. */
  async block(m: EntityManager, mailboxId: number, items: { pattern: string; kind: BlockedSenderKind }[], actorId: number | null): Promise<string[]> {
    const wanted = [...new Map(items.map((i) => [i.pattern, i])).values()];
    if (!wanted.length) return [];
    const have = new Set((await m.find(BlockedSender, { select: { pattern: true }, where: { mailboxId, pattern: In(wanted.map((w) => w.pattern)) } })).map((r) => r.pattern));
    const fresh = wanted.filter((w) => !have.has(w.pattern));
    const now = this.clock.now();
    await insertRows(m, BlockedSender, fresh.map((w) => m.create(BlockedSender, { mailboxId, pattern: w.pattern, kind: w.kind, createdBy: actorId, createdAt: now })), { ignoreDuplicates: true });
    return fresh.map((w) => w.pattern);
  }

  /** Removes the entries that block these addresses (the address itself or its domain), in the caller's transaction. Answers the removed patterns. */
  async unblock(m: EntityManager, mailboxId: number, addresses: string[]): Promise<string[]> {
    const patterns = [...new Set(addresses.flatMap((a) => [blockPattern(a, 'address'), blockPattern(a, 'domain')]).filter((x): x is string => x !== null))];
    if (!patterns.length) return [];
    const rows = await m.find(BlockedSender, { where: { mailboxId, pattern: In(patterns) } });
    if (rows.length) await m.delete(BlockedSender, { id: In(rows.map((r) => r.id)) });
    return rows.map((r) => r.pattern);
  }

  /** The mailbox's patterns, for intake: read once per group of messages. */
  async patterns(m: EntityManager, mailboxId: number): Promise<Set<string>> {
    return new Set((await m.find(BlockedSender, { select: { pattern: true }, where: { mailboxId } })).map((r) => r.pattern));
  }

  /** The pattern that blocks this (lower-cased) address, if any: the address itself first, then its domain. */
  match(patterns: Set<string>, address: string | null): string | null {
    if (!address || !patterns.size) return null;
    const a = address.toLowerCase();
    if (patterns.has(a)) return a;
    const at = a.lastIndexOf('@');
    return at >= 0 && patterns.has(a.slice(at)) ? a.slice(at) : null;
  }

  /** Why intake filed these new tickets as spam, on their rule log (shown on the ticket like a routing rule's). */
  async logFiled(m: EntityManager, filed: { ticketId: number; pattern: string }[]): Promise<void> {
    if (!filed.length) return;
    const now = this.clock.now();
    await insertRows(
      m,
      TicketRuleLog,
      filed.map((f) => m.create(TicketRuleLog, { ticketId: f.ticketId, ruleId: null, ruleName: `迷惑メール送信者 ${f.pattern}`.slice(0, 100), position: 0, actionsJson: [{ type: 'markSpam' }], createdAt: now })),
    );
  }

  private manageable(mailboxId: number, p: Principal): void {
    if (p.can(mailboxId, 'manage')) return;
    if (!p.can(mailboxId, 'view')) throw new NotFound('mailbox', mailboxId);
    throw new MissingRight('manage', 'mailbox', 'to manage its blocked senders');
  }
}

function view(r: BlockedSender): BlockedSenderView {
  return { id: r.id, pattern: r.pattern, kind: r.kind, createdBy: r.createdBy, createdAt: r.createdAt };
}
