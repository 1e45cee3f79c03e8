import { Principal, UsersService } from '@madoguchi/auth';
import { APP_CONFIG, AppConfig, Clock, NotFound, OutboxEntry } from '@madoguchi/core';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { OutboundMessages } from '../outbound/outbound-messages.service';
import { Notification, NotificationKind } from './notification.entity';

export interface NotificationInput {
  kind: NotificationKind;
  ticketId: number | null;
  replyId: number | null;
  text: string;
}

/**
 * In-app notices, and optionally the same notice by mail. Mail goes through the outbox like any
 * other message (retried, never doubled), from the ticket's mailbox, with no ticket attached so
 * it never touches the ticket's state or timeline.
 */
@Injectable()
export class NotificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbound: OutboundMessages,
    private readonly clock: Clock,
    private readonly staff: UsersService,
  ) {}

  /** Written in the caller's transaction; `mailFromMailboxId` also mails each user from that mailbox. */
  async notify(m: EntityManager, userIds: number[], n: NotificationInput, mailFromMailboxId: number | null): Promise<void> {
    const ids = [...new Set(userIds)];
    if (!ids.length) return;
    const now = this.clock.now();
    await m.insert(
      Notification,
      ids.map((userId) => ({ userId, kind: n.kind, ticketId: n.ticketId, replyId: n.replyId, text: n.text.slice(0, 1000), createdAt: now, readAt: null })),
    );
    if (mailFromMailboxId === null) return;
    const sender = await this.outbound.sender(mailFromMailboxId);
    if (!sender) return;
    const users = await this.staff.activeContacts(ids, m);
    const link = n.ticketId ? `${this.config.http.publicUrl}/tickets/${n.ticketId}` : this.config.http.publicUrl;
    const rows = users.map(
      (u) =>
        this.outbound.standalone(
          sender,
          {
            from: { address: sender.identity.address, name: `${sender.identity.name} (Madoguchi)` },
            to: [{ address: u.email, name: u.name }],
            cc: [],
            bcc: [],
            subject: `[Madoguchi] ${n.text.split('\n')[0].slice(0, 120)}`,
            text: `${u.name} 様\n\n${n.text}\n\n${link}\n\n-- \nこのメールは Madoguchi が自動で送信しています。`,
            attachments: [],
          },
          now,
          'notification',
        ).row,
    );
    if (rows.length) await m.insert(OutboxEntry, rows);
  }

  async list(p: Principal) {
    const repo = this.dataSource.getRepository(Notification);
    const items = await repo.find({ where: { userId: p.userId }, order: { id: 'DESC' }, take: 50 });
    const unread = await repo.count({ where: { userId: p.userId, readAt: IsNull() } });
    return { items, unread };
  }

  async read(id: number, p: Principal): Promise<void> {
    const res = await this.dataSource.getRepository(Notification).update({ id, userId: p.userId }, { readAt: this.clock.now() });
    if (!res.affected) throw new NotFound('notification', id);
  }

  async readAll(p: Principal): Promise<void> {
    await this.dataSource.getRepository(Notification).update({ userId: p.userId, readAt: IsNull() }, { readAt: this.clock.now() });
  }
}
