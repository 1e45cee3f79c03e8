export * from './mailbox.dto';
export * from './mailbox.entity';
export * from './mailboxes.module';
export * from './mailboxes.service';
