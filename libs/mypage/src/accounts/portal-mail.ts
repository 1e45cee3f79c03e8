import { MailboxesService } from '@madoguchi/mailboxes';
import { OutboundMessages, OutboundSender } from '@madoguchi/tickets';
import { APP_CONFIG, AppConfig, OutboxEntry } from '@madoguchi/core';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MypageSettings } from '../settings/mypage-settings.entity';

export type PortalMailKind = 'invitation' | 'signup' | 'reset' | 'already-registered';

const SUBJECTS: Record<PortalMailKind, string> = {
  invitation: '[お客様マイページ]ご招待：パスワードを設定してください',
  signup: '[お客様マイページ]メールアドレスのご確認',
  reset: '[お客様マイページ]パスワード再設定のご案内',
  'already-registered': '[お客様マイページ]すでにご登録があります',
};

/**
 * The portal's sign-in mails, each one outbox row written in the caller's transaction (so a
 * rollback sends nothing; the dispatcher's retries send the same message, never a second one),
 * from the mailbox chosen in the MYPAGE settings or else the oldest active one that can send.
 * The link carries the token in clear text only here and in that row's payload.
 */
@Injectable()
export class PortalMail {
  constructor(
    private readonly outbound: OutboundMessages,
    private readonly mailboxes: MailboxesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The sending account, or null when no mailbox can send. */
  async sender(m: EntityManager): Promise<OutboundSender | null> {
    const settings = await m.getRepository(MypageSettings).findOne({ where: {}, order: { id: 'ASC' } });
    if (settings?.mailboxId) {
      const chosen = await this.outbound.sender(settings.mailboxId);
      if (chosen) return chosen;
    }
    for (const id of await this.mailboxes.activeIds()) {
      const s = await this.outbound.sender(id);
      if (s) return s;
    }
    return null;
  }

  /** `/mypage/set-password?token=…` on the public address. */
  link(token: string): string {
    return `${this.config.http.publicUrl.replace(/\/+$/, '')}/mypage/set-password?token=${encodeURIComponent(token)}`;
  }

  async queue(
    m: EntityManager,
    sender: OutboundSender,
    kind: PortalMailKind,
    to: { email: string; name: string | null },
    token: string | null,
    now: Date,
  ): Promise<void> {
    const base = this.config.http.publicUrl.replace(/\/+$/, '');
    const company = this.config.company.name;
    const greeting = to.name ? `${to.name} 様` : 'お客様';
    const link = token ? this.link(token) : `${base}/mypage/password-reset`;
    const bodies: Record<PortalMailKind, string> = {
      invitation: `${company}のお客様マイページにご招待します。\n下のリンクからパスワードを設定してください（有効期限 72 時間、一度だけ使えます）。`,
      signup: `お客様マイページへのご登録ありがとうございます。\n下のリンクからパスワードを設定すると登録が完了します（有効期限 24 時間、一度だけ使えます）。`,
      reset: `お客様マイページのパスワード再設定を受け付けました。\n下のリンクから新しいパスワードを設定してください（有効期限 1 時間、一度だけ使えます）。`,
      'already-registered': `このメールアドレスはすでにお客様マイページに登録されています。\nパスワードをお忘れの場合は、下のリンクからパスワードの再設定を行ってください。`,
    };
    const { row } = this.outbound.standalone(
      sender,
      {
        from: null,
        to: [{ address: to.email, name: to.name ?? '' }],
        cc: [],
        bcc: [],
        subject: SUBJECTS[kind],
        text: `${greeting}\n\n${bodies[kind]}\n\n${link}\n\nお心当たりのない場合は、このメールを破棄してください。\n\n-- \n${company}`,
        attachments: [],
      },
      now,
      'portal',
    );
    await m.insert(OutboxEntry, row);
  }
}
