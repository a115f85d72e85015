import type { TestDatabase } from './test-database';
import { testRedisUrl } from './test-redis';

/** The secrets of the graphs the end-to-end suites start (the gateway and the subgraphs must share them). */
export const testSecrets = {
  JWT_SECRET: 'e2e-jwt-secret-0123456789abcdef0123456789',
  IDENTITY_SIGNING_SECRET: 'e2e-identity-secret-0123456789abcdef012345',
  VISIT_TOKEN_SECRET: 'e2e-visit-token-secret-0123456789abcdef0123',
} as const;

/** Every rate limit off, for suites about something else that send hundreds of calls from one address. */
export const rateLimitsOff = {
  RATE_LIMIT_PER_ADDRESS: '0',
  RATE_LIMIT_PER_USER: '0',
  RATE_LIMIT_PER_PARTNER_KEY: '0',
  SIGN_IN_RATE_LIMIT_PER_ADDRESS: '0',
  SIGN_IN_RATE_LIMIT_PER_EMAIL: '0',
} as const;

/**
 * The environment of a graph on this suite's database and the machine's Redis, under a key
 * prefix of its own (suites run in parallel on one Redis), with cheap password hashing.
 */
export function graphEnv(db: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: db.url,
    REDIS_URL: testRedisUrl,
    REDIS_KEY_PREFIX: `e2e:${db.name}:`,
    ...testSecrets,
    PASSWORD_HASH_MEMORY_KIB: '4096',
    ...extra,
  };
}
