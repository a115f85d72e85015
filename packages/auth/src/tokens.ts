import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
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

/**
 * Short-lived access tokens (HS256 via jose). Only HS256 is accepted, so `alg: none` and
 * tokens signed with another algorithm or key are refused.
 */
export function createTokenService(options: { secret: string; ttlSeconds: number }): TokenService {
  const key = new TextEncoder().encode(options.secret);
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
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
        return identityFromClaims(payload as unknown as AccessClaims);
      } catch (error) {
        const expired = error instanceof joseErrors.JWTExpired;
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
