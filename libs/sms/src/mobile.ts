import { parsePhoneNumberFromString } from 'libphonenumber-js';

export interface JapaneseMobile {
  /** +819012345678 */
  e164: string;
  /** 090-1234-5678 */
  national: string;
}

/**
 * A Japanese mobile number (070, 080 or 090 and eight digits), normalised; null for anything
 * else (landlines, 050 IP phones, 020 pagers/M2M, foreign numbers), which cannot receive SMS
 * through the Japanese carriers' gateways we send to.
 */
export function japaneseMobile(raw: string | null | undefined): JapaneseMobile | null {
  if (!raw || raw.length > 40) return null;
  const p = parsePhoneNumberFromString(raw.normalize('NFKC'), 'JP');
  if (!p || p.countryCallingCode !== '81' || !p.isValid()) return null;
  const nsn = p.nationalNumber;
  if (!/^[789]0\d{8}$/.test(nsn)) return null;
  return { e164: `+81${nsn}`, national: `0${nsn.slice(0, 2)}-${nsn.slice(2, 6)}-${nsn.slice(6)}` };
}
