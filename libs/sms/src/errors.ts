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
