import { anonymousIdentity, type Identity, type TokenService } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';

/**
 * The token of an `Authorization: Bearer <token>` header; undefined when there is no header.
 * A header in any other shape is refused rather than ignored: a client that sent credentials
 * and is served as anonymous would see confusing NOT_FOUNDs instead of the real problem.
 */
export function parseBearer(header: string | undefined): string | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]+)[ \t]*$/i.exec(header);
  if (!match) throw new AppError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <access token>".');
  return match[1];
}

export type Authenticate = (authorization: string | undefined) => Promise<Identity>;

/** Who is calling: anonymous without a header, the token's identity, or UNAUTHENTICATED. */
export function createAuthenticator(tokens: TokenService): Authenticate {
  return async (authorization) => {
    const token = parseBearer(authorization);
    if (token === undefined) return anonymousIdentity;
    return tokens.verifyAccessToken(token);
  };
}
