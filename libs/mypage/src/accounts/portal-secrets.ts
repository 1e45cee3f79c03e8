import { createHash, randomBytes } from 'node:crypto';

/** A random token for a cookie or a mailed link (256 bits), and the hash that is all we keep of it. */
export function newPortalSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** `::ffff:192.0.2.1` and `192.0.2.1` are one client. */
export function clientKey(ip: string): string {
  return (ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip).slice(0, 64);
}

export interface PortalClient {
  ip: string;
  userAgent?: string;
}
