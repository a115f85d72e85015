import { apiKeyPattern, hashApiKey, identityHeader, partnerKeyCacheKey, partnerKeyCacheTtlSeconds, revokedPartnerKey, type Identity } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';
import type { KeyValueStore } from '@waitlessq/redis';
import { withDeadline } from '@waitlessq/subgraph-kit';

export type PartnerIdentity = Extract<Identity, { kind: 'partner' }>;

/** The user subgraph's answer for a key hash: the key and its organization, or null (unknown or revoked). */
export type PartnerKeyLookup = (keyHash: string) => Promise<{ apiKeyId: string; organizationId: string } | null>;

export interface PartnerKeys {
  /** The partner a key acts for; UNAUTHENTICATED for a malformed, unknown or revoked key. */
  resolve(key: string): Promise<PartnerIdentity>;
}

const refused = () => new AppError('UNAUTHENTICATED', 'The API key is not valid: it is unknown or was revoked.');

/**
 * Partner keys as the gateway sees them: a malformed key is refused without any lookup; a known
 * one is answered from the shared cache (Redis, so every replica benefits and a revocation
 * reaches all of them); a miss asks the user subgraph, which owns the keys.
 *
 * The answer is cached with SET NX only: revoking a key overwrites the entry with a tombstone
 * (user subgraph, api-key-service.ts), and a lookup that read the key just before it was
 * revoked must not put it back. Unknown keys are not cached: random keys would only fill Redis,
 * and the rate limiter already bounds how often they cost a lookup.
 *
 * When the cache cannot be read or written, keys are looked up every time: slower, never wrong
 * (without a readable cache there is no stale answer to serve, and the owner knows revocations).
 */
export function createPartnerKeys(store: KeyValueStore, lookup: PartnerKeyLookup, onCacheError: (error: unknown) => void = () => undefined): PartnerKeys {
  // Concurrent first requests of one key (a kiosk fleet starting up) share one lookup.
  const inFlight = new Map<string, Promise<PartnerIdentity>>();

  const lookUpAndCache = async (keyHash: string): Promise<PartnerIdentity> => {
    const found = await lookup(keyHash);
    if (!found) throw refused();
    const identity: PartnerIdentity = { kind: 'partner', subjectId: found.apiKeyId, organizationId: found.organizationId };
    await store.setIfAbsent(partnerKeyCacheKey(keyHash), JSON.stringify(found), partnerKeyCacheTtlSeconds).catch(onCacheError);
    return identity;
  };

  return {
    async resolve(key) {
      if (!apiKeyPattern.test(key)) throw refused();
      const keyHash = hashApiKey(key);
      const entry = await store.get(partnerKeyCacheKey(keyHash)).catch((error: unknown) => {
        onCacheError(error);
        return null;
      });
      const cached = parseCacheEntry(entry);
      if (cached === 'revoked') throw refused();
      if (cached) return cached;
      let pending = inFlight.get(keyHash);
      if (!pending) {
        pending = lookUpAndCache(keyHash).finally(() => inFlight.delete(keyHash));
        inFlight.set(keyHash, pending);
      }
      return pending;
    },
  };
}

function parseCacheEntry(value: string | null): PartnerIdentity | 'revoked' | null {
  if (value === null) return null;
  if (value === revokedPartnerKey) return 'revoked';
  try {
    const { apiKeyId, organizationId } = JSON.parse(value) as { apiKeyId?: unknown; organizationId?: unknown };
    if (typeof apiKeyId === 'string' && typeof organizationId === 'string') return { kind: 'partner', subjectId: apiKeyId, organizationId };
  } catch {
    // An entry this code did not write: ask the owner again.
  }
  return null;
}

const identityQuery = /* GraphQL */ `
  query ApiKeyIdentity($keyHash: String!) {
    apiKeyIdentity(keyHash: $keyHash) {
      apiKeyId
      organizationId
    }
  }
`;

interface LookupResponse {
  data?: { apiKeyIdentity: { apiKeyId: string; organizationId: string } | null } | null;
  errors?: { message: string }[];
}

/**
 * Asks the user subgraph directly (`apiKeyIdentity` is @inaccessible: not part of the public
 * graph, so not reachable through the gateway's own query planner) as the gateway's service
 * identity. A failure is an outage, not a bad key: it is thrown as such (masked as an internal
 * error), so partners are not told to replace a key that is fine.
 */
export function createUserSubgraphKeyLookup(options: { url: string; signServiceIdentity: () => Promise<string>; timeoutMs?: number }): PartnerKeyLookup {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return async (keyHash) => {
    const identity = await options.signServiceIdentity();
    const { status, ok, body } = await withDeadline(timeoutMs, `the user subgraph did not answer within ${timeoutMs} ms`, async (signal) => {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [identityHeader]: identity },
        body: JSON.stringify({ query: identityQuery, variables: { keyHash } }),
        signal,
      });
      return { status: response.status, ok: response.ok, body: (await response.json()) as LookupResponse };
    });
    if (!ok || body.errors?.length || !body.data) {
      throw new Error(`the user subgraph could not resolve an API key (HTTP ${status}): ${body.errors?.[0]?.message ?? 'no data'}`);
    }
    return body.data.apiKeyIdentity;
  };
}
