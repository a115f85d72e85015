import type { Identity } from '@waitlessq/auth';
import type { Logger } from '@waitlessq/observability';
import type { RateLimitVerdict } from './edge/rate-limits';

/** What the gateway knows about one request; the data sources read it when they call subgraphs. */
export interface GatewayContext {
  identity: Identity;
  requestId: string;
  logger: Logger;
  /** The identity signed for the subgraphs: signed once per request, reused by every fetch. */
  signedIdentity(): Promise<string>;
  /** What the caller's rate limit budget said when the request came in (HTTP only). */
  callerRateLimit?: RateLimitVerdict;
}
