import { Principal, UsersService } from '@madoguchi/auth';
import { APP_CONFIG, AppConfig, Clock, NotFound, OutboxEntry } from '@madoguchi/core';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { OutboundMessages, OutboundSender } from '../outbound/outbound-messages.service';
import { Ticket } from '../ticket.entity';
import { NotificationPreference } from './notification-preference.entity';
import { Notification, NotificationKind } from './notification.entity';

/** The notices a user may choose to have by mail too, and the preference that says so. */
const MAIL_BY_CHOICE: Partial<Record<NotificationKind, 'mailOnAssign' | 'mailOnMention'>> = {
  ticket_assigned: 'mailOnAssign',
  comment_mention: 'mailOnMention',
};

export interface NotificationPreferences {
  mailOnAssign: boolean;
  mailOnMention: boolean;
}

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

  /**
   * Written in the caller's transaction; `mailFromMailboxId` also mails each user from that
   * mailbox. Assignment and mention notices go by mail to the users who chose it
   * (`notification_preference`), from the ticket's mailbox. Each mail is one outbox row written
   * with its notice, so a rollback sends nothing, and the row's key (fixed before the first
   * attempt) makes the dispatcher's retries the same message, never a second one.
   */
  async notify(m: EntityManager, userIds: number[], n: NotificationInput, mailFromMailboxId: number | null): Promise<void> {
    const ids = [...new Set(userIds)];
    if (!ids.length) return;
    const now = this.clock.now();
    await m.insert(
      Notification,
      ids.map((userId) => ({ userId, kind: n.kind, ticketId: n.ticketId, replyId: n.replyId, text: n.text.slice(0, 1000), createdAt: now, readAt: null })),
    );
    let mailTo = ids;
    const ticket: Ticket | null = n.ticketId ? await m.findOneBy(Ticket, { id: n.ticketId }) : null;
    const choice = MAIL_BY_CHOICE[n.kind];
    if (mailFromMailboxId === null && choice && ticket) {
      const chosen = await m.find(NotificationPreference, { where: { userId: In(ids), [choice]: true } });
      mailTo = chosen.map((c) => c.userId);
      mailFromMailboxId = ticket.mailboxId;
    }
    if (mailFromMailboxId === null || !mailTo.length) return;
    const sender = await this.outbound.sender(mailFromMailboxId);
    if (!sender) return;
    const users = await this.staff.activeContacts(mailTo, m);
    const rows = users.map((u) => this.mail(sender, u, n, ticket, now));
    if (rows.length) await m.insert(OutboxEntry, rows);
  }

  /** A short Japanese notice: whom it is for by name, what happened, the ticket and a link to it. */
  private mail(sender: OutboundSender, u: { email: string; name: string }, n: NotificationInput, ticket: Ticket | null, now: Date) {
    const base = this.config.http.publicUrl.replace(/\/+$/, '');
    const link = n.ticketId ? `${base}/tickets/${n.ticketId}` : base;
    const about = ticket ? `\n\n問い合わせ: ${ticket.code} ${ticket.subject}` : '';
    const settings = MAIL_BY_CHOICE[n.kind] ? `\n通知メールの設定: ${base}/settings/notifications` : '';
    return this.outbound.standalone(
      sender,
      {
        from: { address: sender.identity.address, name: `${sender.identity.name} (Madoguchi)` },
        to: [{ address: u.email, name: u.name }],
        cc: [],
        bcc: [],
        subject: `[Madoguchi] ${n.text.split('\n')[0].slice(0, 120)}`,
        text: `${u.name} 様\n\n${n.text}${about}\n${link}\n\n-- \nこのメールは Madoguchi が自動で送信しています。${settings}`,
        attachments: [],
      },
      now,
      'notification',
    ).row;
  }

  /** A user's choice of mail notices; nothing by mail until they choose it. */
  async preferences(userId: number): Promise<NotificationPreferences> {
    const row = await this.dataSource.getRepository(NotificationPreference).findOneBy({ userId });
    return { mailOnAssign: row?.mailOnAssign ?? false, mailOnMention: row?.mailOnMention ?? false };
  }

  async setPreferences(userId: number, prefs: NotificationPreferences): Promise<NotificationPreferences> {
    await this.dataSource
      .getRepository(NotificationPreference)
      .upsert({ userId, mailOnAssign: prefs.mailOnAssign, mailOnMention: prefs.mailOnMention, updatedAt: this.clock.now() }, ['userId']);
    return this.preferences(userId);
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
