export * from './mailbox.dto';
export * from './mailbox.entity';
export * from './mailboxes.module';
export * from './mailboxes.service';
export * from './templates/placeholders';
export * from './templates/template.dto';
export * from './templates/template.entity';
export * from './templates/templates.service';
