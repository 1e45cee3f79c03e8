import { normalizeForSearch } from './normalize';

export interface SearchableCustomer {
  code: string;
  lastName: string;
  firstName: string | null;
  lastNameKana: string | null;
  firstNameKana: string | null;
  email: string | null;
  tel: string | null;
  telDigits: string | null;
  mobile: string | null;
  mobileDigits: string | null;
  postalCode: string | null;
  address: string | null;
  branch: string | null;
  comment: string | null;
}

/**
 * One line per field (so a match never spans two fields), each normalised the way queries are.
 * Phone numbers and postal codes appear both as written and as bare digits.
 */
export function buildSearchText(c: SearchableCustomer): string {
  const lines = [
    c.code,
    `${c.lastName}${c.firstName ?? ''}`,
    `${c.lastNameKana ?? ''}${c.firstNameKana ?? ''}`,
    c.email,
    c.tel,
    c.telDigits,
    c.mobile,
    c.mobileDigits,
    c.postalCode,
    c.postalCode?.replace(/\D/g, ''),
    c.address,
    c.branch,
    c.comment,
  ];
  return lines
    .filter((l): l is string => !!l)
    .map((l) => normalizeForSearch(l))
    .filter(Boolean)
    .join('\n');
}
