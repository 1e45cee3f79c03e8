export * from './intake/imap-poller';
export * from './intake/intake.service';
export * from './intake/mail-scheduler';
export * from './intake/raw-message.entity';
export * from './intake/smtp-intake.server';
export * from './mail.module';
export * from './sending/email-sender';
export * from './sending/outbox-dispatcher';
