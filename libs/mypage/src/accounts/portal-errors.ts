import { Conflict, DomainError, fieldError, TooManyAttempts } from '@madoguchi/core';

/** One answer for a token that is unknown, used, expired or whose account was disabled: nothing to tell apart. */
export class PortalTokenInvalid extends DomainError {
  constructor() {
    const message = 'This link is invalid or has expired: ask for a new one';
    super('PORTAL_TOKEN_INVALID', message, 400, { token: [fieldError('PORTAL_TOKEN_INVALID', message)] });
  }
}

export class CustomerHasNoEmail extends DomainError {
  constructor() {
    const message = 'The customer has no email address to send the invitation to: add one on the karte first';
    super('CUSTOMER_HAS_NO_EMAIL', message, 400, { email: [fieldError('CUSTOMER_HAS_NO_EMAIL', message)] });
  }
}

/** No mailbox can send the portal's mails (none chosen in the MYPAGE settings, and no active one that can). */
export class MypageCannotSend extends DomainError {
  constructor() {
    super(
      'MYPAGE_CANNOT_SEND',
      'No mailbox can send the MYPAGE mails: add a mailbox (設定 > メールBOX)',
      400,
    );
  }
}

export class PortalAccountActive extends Conflict {
  constructor() {
    super(
      'PORTAL_ACCOUNT_ACTIVE',
      'The customer already uses MYPAGE: they can reset their password from the sign-in page',
    );
  }
}

export class PortalAccessDisabled extends Conflict {
  constructor() {
    super(
      'PORTAL_ACCESS_DISABLED',
      'MYPAGE access of this customer is disabled: enable it first (PUT /api/customers/:id/portal-access)',
    );
  }
}

export class PortalEmailTaken extends Conflict {
  constructor() {
    super('PORTAL_EMAIL_TAKEN', 'Another customer already signs in to MYPAGE with this email address');
  }
}

/** 429 for sign-up and reset requests over their limit (per address and per client, counted in the database). */
export class PortalMailLimit extends TooManyAttempts {
  constructor(retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super(
      retryAfterSeconds,
      'PORTAL_MAIL_LIMIT',
      `Too many requests for a MYPAGE mail. Try again in ${minutes} minute(s).`,
    );
  }
}
