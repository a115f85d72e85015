import { anonymousIdentity, type Identity, type TokenService } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';
import type { PartnerKeys } from './partner-keys';

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

/** The credentials of one request, as sent: the Authorization and x-api-key headers. */
export interface Credentials {
  authorization?: string;
  apiKey?: string;
}

export type Authenticate = (credentials: Credentials) => Promise<Identity>;

const present = (header: string | undefined): header is string => header !== undefined && header.trim() !== '';

/**
 * Who is calling: anonymous without credentials, the token's identity, the partner of an API
 * key, or UNAUTHENTICATED. A request carrying both a bearer token and an API key is refused:
 * acting as one and ignoring the other would make it unclear whose rights and whose rate limit
 * apply (a leaked key riding along a staff session, or the reverse).
 */
export function createAuthenticator(tokens: TokenService, partnerKeys?: PartnerKeys): Authenticate {
  return async ({ authorization, apiKey }) => {
    if (present(apiKey)) {
      if (present(authorization)) {
        throw new AppError('UNAUTHENTICATED', 'Send either an Authorization bearer token or an x-api-key header, not both.');
      }
      if (!partnerKeys) throw new AppError('UNAUTHENTICATED', 'API keys are not accepted here.');
      return partnerKeys.resolve(apiKey.trim());
    }
    const token = parseBearer(authorization);
    if (token === undefined) return anonymousIdentity;
    return tokens.verifyAccessToken(token);
  };
}
