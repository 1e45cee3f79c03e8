import { normalizeForSearch } from './normalize';

export interface SearchableCustomer {
  code: string;
  lastName: string;
  firstName: string | null;
  lastNameKana: string | null;
  firstNameKana: string | null;
  email: string | null;
  tel: string | null;
  mobile: string | null;
  postalCode: string | null;
  address: string | null;
  branch: string | null;
  comment: string | null;
  companyName?: string | null;
  department?: string | null;
}

/**
 * One line per field (so a match never spans two fields), each normalised the way queries are
 * (phone numbers and postal codes end up as bare digits).
 */
export function buildSearchText(c: SearchableCustomer): string {
  const lines = [
    c.code,
    `${c.lastName}${c.firstName ?? ''}`,
    `${c.lastNameKana ?? ''}${c.firstNameKana ?? ''}`,
    c.email,
    c.tel,
    c.mobile,
    c.postalCode,
    c.address,
    c.branch,
    c.comment,
    c.companyName,
    c.department,
  ];
  return lines
    .filter((l): l is string => !!l)
    .map((l) => normalizeForSearch(l))
    .filter(Boolean)
    .join('\n');
}
