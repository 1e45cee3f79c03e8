import { AuthModule } from '@madoguchi/auth';
import { AppConfig, CoreModule } from '@madoguchi/core';
import { CustomersModule } from '@madoguchi/customers';
import { FormsModule } from '@madoguchi/forms';
import { MailModule } from '@madoguchi/mail';
import { MailboxesModule } from '@madoguchi/mailboxes';
import { SmsModule } from '@madoguchi/sms';
import { MypageModule } from '@madoguchi/mypage';
import { TicketsModule } from '@madoguchi/tickets';
import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { BootstrapService } from './bootstrap/bootstrap.service';
import { AuditController } from './audit/audit.controller';
import { HealthController } from './health/health.controller';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), ScheduleModule.forRoot(), AuthModule, MailboxesModule, CustomersModule, TicketsModule, FormsModule, MailModule, MypageModule, SmsModule],
      controllers: [HealthController, AuditController],
      providers: [BootstrapService],
    };
  }
}
