import { MemberMailMailbox } from '@madoguchi/customers';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { PortalMail } from './portal-mail';

/**
 * The customers lib's 通知メール (registration, withdrawal) go out from the mailbox MYPAGE's own
 * mails use: the one chosen in the MYPAGE settings, else the oldest active one that can send.
 */
@Injectable()
export class MemberMailMailboxRegistration implements OnModuleInit {
  constructor(
    private readonly registry: MemberMailMailbox,
    private readonly mail: PortalMail,
  ) {}

  onModuleInit(): void {
    this.registry.use(async (m) => (await this.mail.sender(m))?.mailboxId ?? null);
  }
}
