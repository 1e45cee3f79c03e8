import type { CustomerSearch } from '../api/customers-api';

export type CustomerPickFields = 'tel' | 'mobile' | 'lastName' | 'firstName' | 'postalCode' | 'branch';

/**
 * The dialog's fields as filters of `GET /api/customers`, every one matching any part of the field
 * (one character such as 「田」 included). Where the search has no filter of its own for a field
 * (separate 姓/名/MOBILE), the nearest one is used: 姓名 together, TEL matching both numbers.
 */
/** `filters`: the names the customers search knows (`CUSTOMER_FILTERS`). */
export function customerPickFilters(values: Record<CustomerPickFields, string>, filters: readonly string[]): CustomerSearch['filters'] {
  const v = Object.fromEntries(Object.entries(values).map(([k, x]) => [k, x.trim()])) as Record<CustomerPickFields, string>;
  // Which filters the customers search knows (separate 姓/名/MOBILE ones may be added to it later).
  const known = (name: string) => filters.includes(name);
  const out: Record<string, string> = {};
  const set = (key: string, value: string) => {
    if (value) out[key] = value;
  };
  set('postalCode', v.postalCode);
  set('branch', v.branch);
  if (known('mobile')) {
    set('tel', v.tel);
    set('mobile', v.mobile);
  } else {
    // `tel` matches the TEL and the MOBILE number; with both given, the MOBILE narrows further only
    // if the server had a filter for it, so the TEL wins.
    set('tel', v.tel || v.mobile);
  }
  if (known('lastName') && known('firstName')) {
    set('lastName', v.lastName);
    set('firstName', v.firstName);
  } else if (v.lastName && v.firstName) {
    // `name` matches 姓 and 名 written together.
    set('name', `${v.lastName}${v.firstName}`);
  } else {
    set('name', v.lastName || v.firstName);
  }
  return out as CustomerSearch['filters'];
}
