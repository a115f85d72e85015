import { SignJWT } from 'jose';
import { createVerifier, TokenError } from 'fast-jwt';
import { AppError } from '@waitlessq/errors';
import type { Identity, StaffRole } from './identity';
import { staffRoles } from './identity';

const ISSUER = 'waitlessq';
const AUDIENCE = 'waitlessq-api';

export interface AccessClaims {
  sub: string;
  org: string;
  kind: 'staff' | 'customer';
  role?: StaffRole;
  pa?: boolean;
}

export interface TokenService {
  signAccessToken(claims: AccessClaims): Promise<string>;
  /** Returns the identity of a valid token; UNAUTHENTICATED for anything else. */
  verifyAccessToken(token: string): Promise<Identity>;
}

/** Verified tokens remembered, each until its expiry: a client sends the same token with every request. */
const verificationCacheSize = 10_000;

/**
 * Short-lived access tokens (HS256). Only HS256 is accepted, so `alg: none` and tokens signed
 * with another algorithm or key are refused. Signed with jose (at sign-in only); verified on every
 * request with fast-jwt over node:crypto HMAC, key imported once (4-5 µs where jose over WebCrypto
 * took 60-100), with its cache of verified tokens, each kept no longer than its own expiry.
 */
export function createTokenService(options: { secret: string; ttlSeconds: number }): TokenService {
  const key = new TextEncoder().encode(options.secret);
  const verify = createVerifier({
    key: Buffer.from(key),
    algorithms: ['HS256'],
    allowedIss: ISSUER,
    allowedAud: AUDIENCE,
    requiredClaims: ['exp'],
    cache: verificationCacheSize,
    // fast-jwt keeps an entry until the earlier of its exp and this bound; failures are not cached.
    cacheTTL: options.ttlSeconds * 1000,
  });
  return {
    async signAccessToken(claims) {
      return new SignJWT({ org: claims.org, kind: claims.kind, role: claims.role, pa: claims.pa })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.sub)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${options.ttlSeconds}s`)
        .sign(key);
    },
    async verifyAccessToken(token) {
      try {
        return identityFromClaims(verify(token) as AccessClaims);
      } catch (error) {
        const expired = error instanceof TokenError && error.code === TokenError.codes.expired;
        throw new AppError('UNAUTHENTICATED', expired ? 'The access token has expired.' : 'The access token is not valid.');
      }
    },
  };
}

function identityFromClaims(claims: AccessClaims): Identity {
  if (typeof claims.sub !== 'string' || typeof claims.org !== 'string') throw new Error('claims lack sub or org');
  if (claims.kind === 'customer') return { kind: 'customer', subjectId: claims.sub, organizationId: claims.org };
  if (claims.kind === 'staff' && claims.role && staffRoles.includes(claims.role)) {
    return { kind: 'staff', subjectId: claims.sub, organizationId: claims.org, role: claims.role, platformAdmin: claims.pa === true };
  }
  throw new Error(`unknown token kind ${String(claims.kind)}`);
}
