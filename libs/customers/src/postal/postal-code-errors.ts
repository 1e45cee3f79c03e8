import { DomainError } from '@madoguchi/core';

/** 400: not 7 digits (hyphen, full-width digits and a leading 〒 are accepted). */
export class PostalCodeInvalid extends DomainError {
  constructor() {
    super(
      'POSTAL_CODE_INVALID',
      'A postal code is 7 digits, with or without a hyphen (e.g. 104-0061 or 1040061)',
      400,
    );
  }
}

/** 404: well formed, but Japan Post's data has no address for it. */
export class PostalCodeNotFound extends DomainError {
  constructor(postalCode: string) {
    super(
      'POSTAL_CODE_NOT_FOUND',
      `No address has the postal code ${postalCode} in Japan Post's data`,
      404,
      undefined,
      { postalCode },
    );
  }
}
