import { Conflict, DomainError } from '@madoguchi/core';

/** No provider is set up and local capture does not apply (production). */
export class SmsNotConfigured extends Conflict {
  constructor() {
    super('SMS_NOT_CONFIGURED', 'No SMS provider is configured: choose one in the SMS settings');
  }
}

export class SmsNoMailbox extends Conflict {
  constructor() {
    super('SMS_NO_MAILBOX', 'There is no mailbox for SMS to belong to: choose one in the SMS settings');
  }
}

/** The customer has no number an SMS can go to (070/080/090). */
export class SmsNoMobile extends DomainError {
  constructor(customerId: number) {
    super('SMS_NO_MOBILE', `customer ${customerId} has no valid Japanese mobile number (070, 080 or 090)`, 409, undefined, { customerId });
  }
}

export class SmsNotCancellable extends Conflict {
  constructor(id: number, status: string) {
    super('SMS_NOT_CANCELLABLE', `SMS ${id} is ${status} and can no longer be cancelled`, { id, status });
  }
}

/** A marketing SMS to a customer who never agreed to them (特定電子メール法). */
export class SmsNoConsent extends Conflict {
  constructor(customerId: number) {
    super('SMS_NO_CONSENT', `customer ${customerId} has not agreed to marketing SMS (特定電子メール法): send it as transactional or record the opt-in first`, { customerId });
  }
}

/** A marketing SMS to a customer who opted out. */
export class SmsOptedOut extends Conflict {
  constructor(customerId: number) {
    super('SMS_OPTED_OUT', `customer ${customerId} opted out of marketing SMS: only transactional SMS may be sent`, { customerId });
  }
}

/** Retry by hand is for an SMS that failed for good. */
export class SmsNotRetryable extends Conflict {
  constructor(id: number, status: string) {
    super('SMS_NOT_RETRYABLE', `SMS ${id} is ${status}: only a failed SMS can be sent again`, { id, status });
  }
}

/** A bulk send names more customers than one bulk may reach. */
export class SmsBulkTooLarge extends DomainError {
  constructor(count: number, max: number) {
    super('SMS_BULK_TOO_LARGE', `a bulk send reaches at most ${max} customers (this one ${count > max ? `more than ${max}` : count}): narrow the search`, 400, undefined, { max, count });
  }
}
