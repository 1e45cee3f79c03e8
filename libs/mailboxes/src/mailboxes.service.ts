import { Principal } from '@madoguchi/auth';
import { Actor, AuditService, Conflict, NotFound } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { CreateMailboxDto } from './mailbox.dto';
import { Mailbox } from './mailbox.entity';

export interface MailboxView {
  id: number;
  name: string;
  address: string;
}

const view = (m: Mailbox): MailboxView => ({ id: m.id, name: m.name, address: m.address });

@Injectable()
export class MailboxesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Only the mailboxes the user may view; others do not exist for them. */
  async list(p: Principal): Promise<MailboxView[]> {
    const ids = p.visibleMailboxIds();
    const repo = this.dataSource.getRepository(Mailbox);
    const rows = ids === null ? await repo.find({ order: { id: 'ASC' } }) : ids.length ? await repo.find({ where: { id: In(ids) }, order: { id: 'ASC' } }) : [];
    return rows.map(view);
  }

  async get(id: number, p: Principal): Promise<MailboxView> {
    const row = p.can(id, 'view') ? await this.dataSource.getRepository(Mailbox).findOneBy({ id }) : null;
    if (!row) throw new NotFound('mailbox', id);
    return view(row);
  }

  async create(dto: CreateMailboxDto, actor: Actor): Promise<MailboxView> {
    return this.dataSource.transaction(async (m) => {
      const address = dto.address.trim().toLowerCase();
      if (await m.getRepository(Mailbox).existsBy({ address })) {
        throw new Conflict('MAILBOX_EXISTS', `A mailbox for ${address} already exists`);
      }
      const row = await m.getRepository(Mailbox).save(m.getRepository(Mailbox).create({ name: dto.name.trim(), address }));
      await this.audit.record(actor, { entity: 'mailbox', entityId: row.id, action: 'create', after: view(row) }, m);
      return view(row);
    });
  }
}
