import { sha256 } from './random';

/** The header in which partners (kiosks, display screens, CRMs) send their API key. */
export const apiKeyHeader = 'x-api-key';

/** What every partner key starts with: recognisable in logs and by secret scanners. */
export const apiKeyPrefix = 'wlq_live_';

/** `wlq_live_` and 32 random bytes in base64url: anything else is refused before any lookup. */
export const apiKeyPattern = /^wlq_live_[A-Za-z0-9_-]{43}$/;

/** Keys are stored and looked up by their SHA-256 only; the key itself is shown once. */
export const hashApiKey = (key: string): string => sha256(key);

/**
 * The gateway caches which partner a key belongs to, and the user subgraph overwrites the entry
 * when the key is revoked. Both services must agree on this name (they share REDIS_KEY_PREFIX),
 * so it is defined once, here.
 */
export const partnerKeyCacheKey = (keyHash: string): string => `partner-key:${keyHash}`;

/**
 * How long the gateway trusts a cached answer. Revocation does not wait for it (the entry is
 * replaced by a tombstone at once); it bounds how stale `lastUsedAt` can be.
 */
export const partnerKeyCacheTtlSeconds = 60;

/**
 * The cache entry of a revoked key. It outlives any positive entry written before it, and the
 * gateway writes positive entries only where none exists, so a lookup that raced the revocation
 * cannot put the key back.
 */
export const revokedPartnerKey = 'revoked';
export const revokedPartnerKeyTtlSeconds = 2 * partnerKeyCacheTtlSeconds;
