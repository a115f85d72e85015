import { createHash, randomBytes } from 'node:crypto';

/** An unguessable token (256 bits), URL-safe. */
export function randomToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Tokens are stored hashed: a database leak gives no usable refresh token, key or visit token. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
