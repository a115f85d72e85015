import { SignJWT, jwtVerify } from 'jose';
import { AppError } from '@waitlessq/errors';
import type { Identity } from './identity';

/** The header in which the gateway (or a subgraph calling another) sends the caller's identity. */
export const identityHeader = 'x-waitlessq-identity';

const ISSUER = 'waitlessq-gateway';
const AUDIENCE = 'waitlessq-subgraph';

export interface IdentitySigner {
  sign(identity: Identity): Promise<string>;
  /** The identity of a header signed with our secret; UNAUTHENTICATED otherwise. */
  verify(header: string | undefined): Promise<Identity>;
}

/**
 * Subgraphs trust no client header: the identity travels as a JWT signed with a secret only
 * the gateway and the subgraphs share, valid for a minute, so a request sent straight to a
 * subgraph with a made-up identity is refused.
 */
export function createIdentitySigner(secret: string): IdentitySigner {
  const key = new TextEncoder().encode(secret);
  return {
    sign(identity) {
      return new SignJWT({ identity })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('60s')
        .sign(key);
    },
    async verify(header) {
      if (!header) throw new AppError('UNAUTHENTICATED', 'This service only answers requests that come through the gateway.');
      try {
        const { payload } = await jwtVerify(header, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
        return payload.identity as Identity;
      } catch {
        throw new AppError('UNAUTHENTICATED', 'The identity of this request is not signed by the gateway.');
      }
    },
  };
}
