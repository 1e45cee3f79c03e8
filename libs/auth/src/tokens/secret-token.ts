import { createHash, randomBytes } from 'node:crypto';

/** A random token for a cookie or a bearer header, and the hash we keep of it. */
export function newSecretToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
