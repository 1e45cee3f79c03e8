import { Principal } from '@madoguchi/auth';
import { AuditService, Clock, Conflict, NotFound, ValidationFailed, fieldError } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TicketFilter } from '../ticket.dto';
import { TicketsService } from '../tickets.service';
import { SavedView } from './saved-view.entity';
import { SavedViewDto } from './saved-view.dto';

/** How many views one user keeps: a side bar, not a report catalogue. */
export const MAX_VIEWS = 30;

export interface SavedViewItem {
  id: number;
  name: string;
  filter: TicketFilter;
  /** Tickets the view selects now, among those the user may see. */
  count: number;
}

/** Drops what a filter does not hold (undefined), so the stored JSON is the query as given. */
function cleanFilter(filter: TicketFilter): TicketFilter {
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== null && v !== '')) as TicketFilter;
}

/**
 * 保存した表示: each user's own named combinations of the list's filters, listed in the inbox's
 * side bar with how many tickets each selects now. A view is private: another user's view
 * answers 404, the same as an unknown id. Counts are of the tickets the user may see today.
 */
@Injectable()
export class SavedViewsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tickets: TicketsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(p: Principal): Promise<SavedViewItem[]> {
    const views = await this.dataSource.getRepository(SavedView).find({ where: { userId: p.userId }, order: { position: 'ASC', id: 'ASC' } });
    return Promise.all(views.map(async (v) => ({ id: v.id, name: v.name, filter: v.filter, count: await this.count(v.filter, p) })));
  }

  async create(dto: SavedViewDto, p: Principal): Promise<SavedViewItem> {
    const name = dto.name.normalize('NFC').trim();
    if (!name) throw new ValidationFailed({ name: [fieldError('REQUIRED', 'name is required')] });
    const filter = cleanFilter(dto.filter);
    const view = await this.dataSource.transaction(async (m) => {
      const mine = await m.find(SavedView, { where: { userId: p.userId } });
      if (mine.length >= MAX_VIEWS) throw new Conflict('VIEW_LIMIT', `a user keeps at most ${MAX_VIEWS} views`, { max: MAX_VIEWS });
      const key = name.normalize('NFKC').toLowerCase();
      if (mine.some((v) => v.name.normalize('NFKC').toLowerCase() === key)) throw new Conflict('VIEW_NAME_TAKEN', `you already have a view named "${name}"`, { name });
      const position = mine.reduce((max, v) => Math.max(max, v.position + 1), 0);
      const saved = await m.save(m.create(SavedView, { userId: p.userId, name, filter, position, createdAt: this.clock.now() }));
      await this.audit.record(p.actor, { entity: 'saved_view', entityId: saved.id, action: 'create', after: { name, filter } }, m);
      return saved;
    });
    return { id: view.id, name: view.name, filter: view.filter, count: await this.count(view.filter, p) };
  }

  async remove(id: number, p: Principal): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const view = await m.findOneBy(SavedView, { id, userId: p.userId });
      if (!view) throw new NotFound('view', id);
      await m.delete(SavedView, { id });
      await this.audit.record(p.actor, { entity: 'saved_view', entityId: id, action: 'delete', before: { name: view.name, filter: view.filter } }, m);
    });
  }

  private async count(filter: TicketFilter, p: Principal): Promise<number> {
    await this.tickets.searchReady(filter);
    const qb = this.tickets.filtered(filter, p);
    return qb ? qb.getCount() : 0;
  }
}
