import { GroupsService, UsersService } from '@madoguchi/auth';
import { CustomersService } from '@madoguchi/customers';
import { APP_CONFIG, AppConfig, SYSTEM_ACTOR } from '@madoguchi/core';
import { MailboxesService } from '@madoguchi/mailboxes';
import { SmsTemplatesService } from '@madoguchi/sms';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DEMO_CUSTOMERS, DEMO_SMS_TEMPLATES } from './demo-data';

export const ADMIN_GROUP = '管理者';

/** First start on an empty database: the administrator (and, when configured, demo data). */
@Injectable()
export class BootstrapService {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly groups: GroupsService,
    private readonly customers: CustomersService,
    private readonly mailboxes: MailboxesService,
    private readonly smsTemplates: SmsTemplatesService,
  ) {}

  async run(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    const adminGroup = await this.groups.ensureAdminGroup(ADMIN_GROUP, SYSTEM_ACTOR);
    const email = this.config.bootstrap.adminEmail || 'admin@localhost';
    const password = this.config.bootstrap.adminPassword || randomBytes(9).toString('base64url');
    await this.users.createInitialAdmin(email, '管理者', password, adminGroup, SYSTEM_ACTOR);
    if (this.config.bootstrap.adminPassword) {
      this.logger.log(`Created the administrator ${email} (password from MADOGUCHI_ADMIN_PASSWORD)`);
    } else {
      // Printed once: it is not stored anywhere in clear text.
      this.logger.warn(`Created the administrator ${email} with the password: ${password}  (shown only this once; change it in 設定 > ユーザー)`);
    }
    if (this.config.bootstrap.demoData) await this.demoData();
  }

  private async demoData(): Promise<void> {
    const mailbox = await this.mailboxes.create({ name: 'お問い合わせ窓口', address: 'info@example.jp' }, SYSTEM_ACTOR);
    await this.groups.create(
      {
        name: 'スタッフ',
        rights: ['customers.read', 'customers.write', 'mypage', 'sms.send'],
        mailboxRights: [{ mailboxId: mailbox.id, view: true, reply: true, approve: false, manage: false }],
      },
      SYSTEM_ACTOR,
    );
    for (const c of DEMO_CUSTOMERS) await this.customers.create(c, SYSTEM_ACTOR);
    for (const t of DEMO_SMS_TEMPLATES) await this.smsTemplates.create(t, SYSTEM_ACTOR);
    this.logger.log(`Demo data: 1 mailbox, ${DEMO_CUSTOMERS.length} customers, ${DEMO_SMS_TEMPLATES.length} SMS templates`);
  }
}
