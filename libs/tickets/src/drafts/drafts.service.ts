import { Principal } from '@madoguchi/auth';
import { Clock, MissingRight } from '@madoguchi/core';
import { ConflictException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { sanitizeReplyHtml } from '../replies/rich-text';
import { TicketsService } from '../tickets.service';
import { PutDraftDto } from './reply-draft.dto';
import { ReplyDraft } from './reply-draft.entity';

export interface DraftView {
  ticketId: number;
  body: string;
  /** The rich text draft's (sanitised) HTML; null for plain text. */
  bodyHtml: string | null;
  subject: string | null;
  to: string[];
  cc: string[];
  bcc: string[];
  version: number;
  updatedAt: Date;
}

/**
 * 409 whose body carries the draft as it is now, so the console can offer it without a second
 * call: `{statusCode, error: 'DRAFT_VERSION_CONFLICT', message, current}`.
 */
export class DraftVersionConflict extends ConflictException {
  constructor(current: DraftView | null) {
    super({
      error: 'DRAFT_VERSION_CONFLICT',
      message:
        'The draft was changed elsewhere (another device saved or sent it); load it or save again on its version',
      current,
    });
  }
}

/**
 * Server-side drafts of a reply (issue #13 point 8): one per user and ticket, so a reload or
 * another device finds the half-written reply. Needs `reply` on the ticket's mailbox (a hidden
 * ticket answers 404). Saves are optimistic: each builds on the version it read.
 */
@Injectable()
export class DraftsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tickets: TicketsService,
    private readonly clock: Clock,
  ) {}

  async get(ticketId: number, p: Principal): Promise<DraftView | null> {
    await this.check(ticketId, p);
    const row = await this.dataSource.getRepository(ReplyDraft).findOneBy({ userId: p.userId, ticketId });
    return row ? view(row) : null;
  }

  async put(ticketId: number, dto: PutDraftDto, p: Principal): Promise<DraftView> {
    await this.check(ticketId, p);
    return this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(ReplyDraft);
      const row = await repo.findOneBy({ userId: p.userId, ticketId });
      const expected = dto.version ?? 0;
      const fields = {
        body: dto.body,
        bodyHtml: dto.bodyHtml ? sanitizeReplyHtml(dto.bodyHtml) : null,
        subject: dto.subject ?? null,
        toJson: dto.to ?? [],
        ccJson: dto.cc ?? [],
        bccJson: dto.bcc ?? [],
        updatedAt: this.clock.now(),
      };
      if (!row) {
        if (expected !== 0) throw new DraftVersionConflict(null);
        try {
          return view(await repo.save(repo.create({ userId: p.userId, ticketId, version: 1, ...fields })));
        } catch {
          // Another device created it at the same moment (the unique key held).
          throw new DraftVersionConflict(await this.current(m, ticketId, p));
        }
      }
      if (row.version !== expected) throw new DraftVersionConflict(view(row));
      // The version in the WHERE makes a save that raced another one lose, on both databases.
      const res = await repo
        .createQueryBuilder()
        .update(ReplyDraft)
        .set({ ...fields, version: row.version + 1 })
        .where('id = :id AND version = :version', { id: row.id, version: row.version })
        .execute();
      if (!res.affected) throw new DraftVersionConflict(await this.current(m, ticketId, p));
      return view({ ...row, ...fields, version: row.version + 1 });
    });
  }

  async remove(ticketId: number, p: Principal): Promise<void> {
    await this.check(ticketId, p);
    await this.dataSource.getRepository(ReplyDraft).delete({ userId: p.userId, ticketId });
  }

  /**
   * Merging: drafts on the merged tickets move to the survivor, in the merge's transaction, for
   * each user who has none there yet (one draft per user and ticket); the others stay with the
   * merged ticket's pointer.
   */
  async moveToTicket(m: EntityManager, fromTicketIds: number[], toTicketId: number): Promise<void> {
    if (!fromTicketIds.length) return;
    const repo = m.getRepository(ReplyDraft);
    const taken = new Set((await repo.find({ select: { userId: true }, where: { ticketId: toTicketId } })).map((d) => d.userId));
    for (const d of await repo.find({ where: { ticketId: In(fromTicketIds) }, order: { updatedAt: 'DESC' } })) {
      if (taken.has(d.userId)) continue;
      taken.add(d.userId);
      await repo.update({ id: d.id }, { ticketId: toTicketId });
    }
  }

  private async current(m: EntityManager, ticketId: number, p: Principal): Promise<DraftView | null> {
    const row = await m.getRepository(ReplyDraft).findOneBy({ userId: p.userId, ticketId });
    return row ? view(row) : null;
  }

  private async check(ticketId: number, p: Principal): Promise<void> {
    const ticket = await this.tickets.visibleTicket(ticketId, p);
    if (!p.can(ticket.mailboxId, 'reply')) throw new MissingRight('reply');
  }
}

function view(r: ReplyDraft): DraftView {
  return {
    ticketId: r.ticketId,
    body: r.body,
    bodyHtml: r.bodyHtml ?? null,
    subject: r.subject,
    to: r.toJson,
    cc: r.ccJson,
    bcc: r.bccJson,
    version: r.version,
    updatedAt: r.updatedAt,
  };
}

/** The user's reply to the ticket was written: their draft has served (called in the reply's transaction). */
export async function discardDraft(m: EntityManager, ticketId: number, userId: number): Promise<void> {
  await m.getRepository(ReplyDraft).delete({ userId, ticketId });
}
