import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { createVerifier } from 'fast-jwt';
import { AppError } from '@waitlessq/errors';
import type { Identity } from './identity';

/** The header in which the gateway (or a subgraph calling another) sends the caller's identity. */
export const identityHeader = 'x-waitlessq-identity';

/** Names the format and what the MAC is for, so no other value signed with the same secret (an access token) passes. */
const version = 'wq1';
const purpose = 'waitlessq-gateway>waitlessq-subgraph:';
const lifetimeSeconds = 60;
const macBytes = 32;
/**
 * A header signed this recently is sent again for the same identity (it still has 50 s or more
 * to live, and no request of the gateway lasts that long), so that a caller's repeated requests
 * (a display screen's, a session's) cost one HMAC every 10 s rather than one each.
 */
const reuseMs = 10_000;
/** Distinct identities kept; the map starts over when full (a flood of anonymous callers). */
const reusedIdentities = 10_000;

export interface IdentitySigner {
  sign(identity: Identity): Promise<string>;
  /** The identity of a header signed with our secret; UNAUTHENTICATED otherwise. */
  verify(header: string | undefined): Promise<Identity>;
}

interface SignedIdentity {
  identity: Identity;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/**
 * Subgraphs trust no client header: the identity travels signed with a secret only the gateway
 * and the subgraphs share, valid for a minute, so a request sent straight to a subgraph with a
 * made-up identity is refused.
 *
 * The header is `wq1.<base64url JSON {identity, exp}>.<base64url HMAC-SHA256>`: node:crypto's
 * HMAC with the key imported once costs a few µs where a JWT through WebCrypto cost 60-110 µs,
 * and it is signed once per request and verified by every subgraph call. The MAC is compared in
 * constant time.
 *
 * Rolling upgrades: the release before this one sent the identity as a JWT (HS256, issuer
 * waitlessq-gateway, audience waitlessq-subgraph, 60 s). Subgraphs still accept that form so
 * they can be upgraded first, while old gateways still call them; the gateways follow. Remove
 * `legacyJwt` in the release after.
 */
export function createIdentitySigner(secret: string): IdentitySigner {
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  const recent = new Map<string, { header: string; signedAt: number }>();
  const legacyJwt = createVerifier({
    key: Buffer.from(secret, 'utf8'),
    algorithms: ['HS256'],
    allowedIss: 'waitlessq-gateway',
    allowedAud: 'waitlessq-subgraph',
    requiredClaims: ['exp'],
  });
  return {
    async sign(identity) {
      const now = Date.now();
      const identityJson = JSON.stringify(identity);
      const reused = recent.get(identityJson);
      if (reused && now - reused.signedAt < reuseMs && now >= reused.signedAt) return reused.header;
      const claims = `{"identity":${identityJson},"exp":${Math.floor(now / 1000) + lifetimeSeconds}}`;
      const payload = Buffer.from(claims, 'utf8').toString('base64url');
      const header = `${version}.${payload}.${mac(key, payload).toString('base64url')}`;
      if (recent.size >= reusedIdentities) recent.clear();
      recent.set(identityJson, { header, signedAt: now });
      return header;
    },
    async verify(header) {
      if (!header) throw new AppError('UNAUTHENTICATED', 'This service only answers requests that come through the gateway.');
      const identity = header.startsWith(`${version}.`) ? verified(key, header) : verifiedLegacy(legacyJwt, header);
      if (!identity) throw new AppError('UNAUTHENTICATED', 'The identity of this request is not signed by the gateway.');
      return identity;
    },
  };
}

function mac(key: KeyObject, payload: string): Buffer {
  return createHmac('sha256', key).update(purpose).update(payload).digest();
}

function verified(key: KeyObject, header: string): Identity | undefined {
  const parts = header.split('.');
  if (parts.length !== 3 || parts[0] !== version) return undefined;
  const [, payload, signature] = parts as [string, string, string];
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== macBytes || !timingSafeEqual(given, mac(key, payload))) return undefined;
  let claims: Partial<SignedIdentity>;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<SignedIdentity>;
  } catch {
    return undefined;
  }
  if (typeof claims.exp !== 'number' || claims.exp <= Date.now() / 1000) return undefined;
  if (typeof claims.identity !== 'object' || claims.identity === null || typeof claims.identity.kind !== 'string') return undefined;
  return claims.identity;
}

function verifiedLegacy(verify: (token: string) => unknown, header: string): Identity | undefined {
  try {
    const { identity } = verify(header) as { identity?: Identity };
    return typeof identity === 'object' && identity !== null && typeof identity.kind === 'string' ? identity : undefined;
  } catch {
    return undefined;
  }
}
