import { createHmac, timingSafeEqual } from 'node:crypto';
import { sha256, type Identity } from '@waitlessq/auth';
import { setRequestActor, visitTokenActorKey } from '@waitlessq/database';

/**
 * The visit token is HMAC-SHA256(secret, visitId), not a stored random value: an idempotent
 * retry of joinQueue must hand back the same token, and we keep only its hash. It is as
 * unguessable as a random token while the secret stays secret; rotating VISIT_TOKEN_SECRET
 * invalidates the tokens of visits in progress (their stored hashes no longer match).
 */
export function visitTokenFor(secret: string, visitId: string): string {
  return `vt_${createHmac('sha256', secret).update(visitId).digest('base64url')}`;
}

export const visitTokenHash = (token: string): string => sha256(token);

/** Compares hashes in constant time, so response times leak nothing about the stored hash. */
export function visitTokenMatches(storedHash: string | null, token: string | null | undefined): boolean {
  if (!storedHash || !token) return false;
  const given = Buffer.from(visitTokenHash(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/**
 * An anonymous caller presenting a visit token is that token's holder for read-your-writes:
 * named before the visit is read, so a walk-in who just joined reads its visit from the
 * primary rather than from a replica that may not have it yet.
 */
export function actAsTokenHolder(identity: Identity, visitToken: string | null | undefined): void {
  if (identity.kind === 'anonymous' && visitToken) setRequestActor(visitTokenActorKey(visitToken));
}
