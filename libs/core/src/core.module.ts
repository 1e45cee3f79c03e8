import { DynamicModule, Global, Inject, Module, OnModuleInit } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditEntry } from './audit/audit-entry.entity';
import { AuditService } from './audit/audit.service';
import { Clock } from './clock/clock.service';
import { APP_CONFIG, AppConfig } from './config/config.schema';
import { dataSourceOptions } from './database/database.options';
import { DatabaseHealth } from './database/database.health';
import { serializeSqlite } from './database/sqlite-serializer';
import { ChannelRegistry } from './channels/channel.registry';
import { OutboxDispatcher } from './channels/outbox-dispatcher.job';
import { OutboxEntry } from './outbox/outbox-entry.entity';
import { SecretBox } from './secrets/secret-box.service';
import { Sequence } from './sequences/sequence.entity';
import { SequenceService } from './sequences/sequence.service';
import { BLOB_STORAGE } from './storage/blob-storage';
import { LocalBlobStorage } from './storage/local-blob-storage';

@Global()
@Module({})
export class CoreModule implements OnModuleInit {
  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    serializeSqlite(this.dataSource);
  }

  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.database), autoLoadEntities: true }),
        TypeOrmModule.forFeature([AuditEntry, Sequence, OutboxEntry]),
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: BLOB_STORAGE, useFactory: () => new LocalBlobStorage(config.storage.dir) },
        Clock,
        AuditService,
        SequenceService,
        DatabaseHealth,
        SecretBox,
        ChannelRegistry,
        OutboxDispatcher,
      ],
      exports: [APP_CONFIG, BLOB_STORAGE, Clock, AuditService, SequenceService, DatabaseHealth, SecretBox, ChannelRegistry, OutboxDispatcher],
    };
  }
}
