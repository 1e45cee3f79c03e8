import { AuthModule } from '@madoguchi/auth';
import { AppConfig, CoreModule } from '@madoguchi/core';
import { CustomersModule } from '@madoguchi/customers';
import { MailboxesModule } from '@madoguchi/mailboxes';
import { DynamicModule, Module } from '@nestjs/common';
import { BootstrapService } from './bootstrap/bootstrap.service';
import { AuditController } from './audit/audit.controller';
import { HealthController } from './health/health.controller';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), AuthModule, MailboxesModule, CustomersModule],
      controllers: [HealthController, AuditController],
      providers: [BootstrapService],
    };
  }
}
