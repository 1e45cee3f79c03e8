import { UsersService } from '@madoguchi/auth';
import { APP_CONFIG, AppConfig, OutboxEntry } from '@madoguchi/core';
import { OutboundMessages } from '@madoguchi/tickets';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PortalMail } from '../accounts/portal-mail';
import { MypagePost } from './mypage-post.entity';
import { MypageThread } from './mypage-thread.entity';

export const CUSTOMER_MAIL_SUBJECT = '[お客様マイページ]メッセージが届きました。';
/** The console's route of one thread (MYPAGE's メッセージ管理), after PUBLIC_URL: not under /mypage, which is the customer portal's. */
export const CONSOLE_THREAD_PATH = '/messages/';
const EXCERPT = 200;
/** A text post goes into the customer's mail whole (at most 1,000 characters). */
const MAX_MAIL_TEXT = 1000;

/** What a post says in a mail: its text, or that an image or a file was posted. Never the thread's label or memo. */
export function postSummary(post: Pick<MypagePost, 'kind' | 'text' | 'filename'>, max = EXCERPT): string {
  if (post.kind === 'image') return `画像が投稿されました。（${post.filename ?? ''}）`;
  if (post.kind === 'file') return `ファイルが投稿されました。（${post.filename ?? ''}）`;
  const text = post.text ?? '';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * The notification mails of MYPAGE posts, each one outbox row written in the transaction that
 * made the post visible (so a rollback sends nothing, and the dispatcher's retries send the same
 * message, never a second one), from the MYPAGE mailbox (PortalMail.sender).
 */
@Injectable()
export class ThreadMail {
  private readonly logger = new Logger('MypageMail');

  constructor(
    private readonly portalMail: PortalMail,
    private readonly outbound: OutboundMessages,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private base(): string {
    return this.config.http.publicUrl.replace(/\/+$/, '');
  }

  /** A staff post reached the portal: the customer hears of it, with a link to the thread on the portal. */
  async toCustomer(
    m: EntityManager,
    thread: MypageThread,
    post: MypagePost,
    to: { email: string; name: string | null },
    now: Date,
  ): Promise<void> {
    const sender = await this.portalMail.sender(m);
    if (!sender) {
      this.logger.warn(
        `thread ${thread.code}: a staff post reached the portal, but no mailbox can send the notification`,
      );
      return;
    }
    const company = this.config.company.name;
    const text = [
      `${to.name ? `${to.name} 様` : 'お客様'}`,
      '',
      `${company}から、お客様マイページにメッセージが届きました。`,
      '',
      `タイトル: ${thread.title}`,
      '',
      postSummary(post, MAX_MAIL_TEXT),
      '',
      '下のリンクからご確認ください。',
      `${this.base()}/mypage/threads/${thread.id}`,
      '',
      '-- ',
      company,
    ].join('\n');
    const { row } = this.outbound.standalone(
      sender,
      {
        from: null,
        to: [{ address: to.email, name: to.name ?? '' }],
        cc: [],
        bcc: [],
        subject: CUSTOMER_MAIL_SUBJECT,
        text,
        attachments: [],
      },
      now,
      'portal',
    );
    await m.insert(OutboxEntry, row);
  }

  /** A customer posted: the staff told (their 担当, or the settings' fallback recipients) get an excerpt and the console's link. */
  async toStaff(
    m: EntityManager,
    thread: MypageThread,
    post: MypagePost,
    customer: { code: string; name: string },
    userIds: number[],
    now: Date,
  ): Promise<void> {
    if (!userIds.length) return;
    const sender = await this.portalMail.sender(m);
    if (!sender) return;
    const users = await this.users.activeContacts(userIds, m);
    const link = `${this.base()}${CONSOLE_THREAD_PATH}${thread.id}`;
    const rows = users.map(
      (u) =>
        this.outbound.standalone(
          sender,
          {
            from: null,
            to: [{ address: u.email, name: u.name }],
            cc: [],
            bcc: [],
            subject: `[MYPAGE] ${customer.name} 様から投稿がありました: ${thread.title}`.slice(0, 200),
            text: [
              `${u.name} 様`,
              '',
              `お客様マイページに投稿がありました。`,
              '',
              `スレッド: ${thread.code} ${thread.title}`,
              `お客様: ${customer.code} : ${customer.name}`,
              '',
              postSummary(post),
              '',
              link,
              '',
              '-- ',
              'このメールは Madoguchi が自動で送信しています。',
            ].join('\n'),
            attachments: [],
          },
          now,
          'notification',
        ).row,
    );
    if (rows.length) await m.insert(OutboxEntry, rows);
  }
}
