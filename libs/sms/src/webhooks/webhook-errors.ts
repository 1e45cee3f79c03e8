import { DomainError, fieldError } from '@madoguchi/core';
import { SMS_MAX_LENGTH } from '../segments';

/** A provider without webhooks (local capture), an unknown one, or one whose credentials are not set. */
export class SmsWebhookNotFound extends DomainError {
  constructor(provider: string) {
    super('SMS_WEBHOOK_NOT_FOUND', `there is no SMS webhook for provider "${provider.slice(0, 40)}": webhooks exist for twilio and gateway once their credentials are set`, 404);
  }
}

export class SmsWebhookContentType extends DomainError {
  constructor(expected: string) {
    super('SMS_WEBHOOK_CONTENT_TYPE', `this webhook takes ${expected}`, 415, undefined, { expected });
  }
}

export class SmsWebhookBody extends DomainError {
  constructor(why: string) {
    super('SMS_WEBHOOK_BODY', `the webhook body is not what the provider sends: ${why}`, 400);
  }
}

/** Forged, missing or made for another URL: nothing is recorded. */
export class SmsWebhookSignature extends DomainError {
  constructor(provider: string, why: string) {
    super('SMS_WEBHOOK_SIGNATURE', `the ${provider} webhook's signature does not check out (${why}): nothing was recorded`, 403);
  }
}

/** Signed correctly, but longer ago than the tolerance: a replay, or a clock to fix. */
export class SmsWebhookExpired extends DomainError {
  constructor() {
    super('SMS_WEBHOOK_EXPIRED', 'the webhook was signed more than 5 minutes from now: nothing was recorded (a replay, or a clock to fix)', 403);
  }
}

/** A Twilio webhook for another account than the one in the settings. */
export class SmsWebhookAccount extends DomainError {
  constructor() {
    super('SMS_WEBHOOK_ACCOUNT', "the webhook's AccountSid is not the account in the SMS settings: nothing was recorded", 403);
  }
}

/** A reply on an SMS ticket goes to one mobile number, no copies. */
export class SmsReplyRecipient extends DomainError {
  constructor(message: string) {
    super('SMS_REPLY_RECIPIENT', message, 400, { to: [fieldError('SMS_REPLY_RECIPIENT', message)] });
  }
}

export class SmsReplyAttachments extends DomainError {
  constructor() {
    const message = 'an SMS carries no files: remove the attachments';
    super('SMS_REPLY_ATTACHMENTS', message, 400, { attachments: [fieldError('SMS_REPLY_ATTACHMENTS', message)] });
  }
}

export class SmsTooLong extends DomainError {
  constructor(length: number) {
    const message = `an SMS is at most ${SMS_MAX_LENGTH} characters (this one is ${length})`;
    super('SMS_TOO_LONG', message, 400, { text: [fieldError('SMS_TOO_LONG', message, { max: SMS_MAX_LENGTH, length })] }, { max: SMS_MAX_LENGTH, length });
  }
}
