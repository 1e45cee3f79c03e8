import { Principal, UsersService } from '@madoguchi/auth';
import { AuditService, Clock, fieldError, ValidationFailed } from '@madoguchi/core';
import { MailboxesService } from '@madoguchi/mailboxes';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { MypageSettingsDto } from './mypage-settings.dto';
import { MypageSettings } from './mypage-settings.entity';

export interface MypageSettingsView {
  mailboxId: number | null;
  customersMayStartThreads: boolean;
  fallbackRecipients: number[];
}

/** The one row of MYPAGE settings (made on first write). */
@Injectable()
export class MypageSettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mailboxes: MailboxesService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async view(m: EntityManager = this.dataSource.manager): Promise<MypageSettingsView> {
    const row = await m.getRepository(MypageSettings).findOne({ where: {}, order: { id: 'ASC' } });
    let recipients: number[] = [];
    try {
      const parsed: unknown = JSON.parse(row?.fallbackRecipientsJson ?? '[]');
      if (Array.isArray(parsed)) recipients = parsed.filter((x): x is number => Number.isInteger(x));
    } catch {
      recipients = [];
    }
    return {
      mailboxId: row?.mailboxId ?? null,
      customersMayStartThreads: !!row?.customersMayStartThreads,
      fallbackRecipients: recipients,
    };
  }

  /** The mailbox threads go to: the chosen one while it is active, else the oldest active one; null when there is none. */
  async threadMailbox(m: EntityManager = this.dataSource.manager): Promise<number | null> {
    const chosen = (await this.view(m)).mailboxId;
    const active = await this.mailboxes.activeIds();
    if (chosen !== null && active.includes(chosen)) return chosen;
    return active[0] ?? null;
  }

  async update(dto: MypageSettingsDto, p: Principal): Promise<MypageSettingsView> {
    const mailboxId = dto.mailboxId ?? null;
    if (mailboxId !== null && !(await this.mailboxes.names([mailboxId])).has(mailboxId))
      throw new ValidationFailed({
        mailboxId: [
          fieldError('MAILBOX_NOT_FOUND', `mailbox ${mailboxId} does not exist`, { id: mailboxId }),
        ],
      });
    const recipients = [...new Set(dto.fallbackRecipients)];
    const unknown = await this.users.unknownIds(recipients);
    if (unknown.length)
      throw new ValidationFailed({
        fallbackRecipients: [
          fieldError('USER_NOT_FOUND', `unknown staff user id(s): ${unknown.join(', ')}`, {
            ids: unknown.join(', '),
          }),
        ],
      });
    await this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(MypageSettings);
      const before = await this.view(m);
      const row = await repo.findOne({ where: {}, order: { id: 'ASC' } });
      const values = {
        mailboxId,
        customersMayStartThreads: dto.customersMayStartThreads,
        fallbackRecipientsJson: JSON.stringify(recipients),
        updatedAt: this.clock.now(),
      };
      if (row) await repo.update({ id: row.id }, values);
      else await repo.insert(values);
      await this.audit.record(
        p.actor,
        {
          entity: 'mypage_settings',
          entityId: row?.id ?? 1,
          action: 'update',
          before: { ...before },
          after: {
            mailboxId,
            customersMayStartThreads: dto.customersMayStartThreads,
            fallbackRecipients: recipients,
          },
        },
        m,
      );
    });
    return this.view();
  }
}
