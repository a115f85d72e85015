import type { Business, PrismaClient, Service } from '@waitlessq/database';
import { createCache, reviveDates, type ServiceRuntime } from '@waitlessq/subgraph-kit';
import type { JsonCache } from '@waitlessq/redis';

/**
 * The hot public reads of this subgraph, cached: business profiles (by id and by slug, the
 * PWA's address), services by id, and each business's active services. Every field of these
 * types is public (anonymous PWA visitors read them), and the only private columns,
 * idempotencyKey and its fingerprint, are blanked before a row is stored; who may see which
 * row is still decided after the read (access.ts), so one entry serves every caller.
 */
export interface BusinessCaches {
  profileById: JsonCache<Business>;
  profileBySlug: JsonCache<Business>;
  serviceById: JsonCache<Service>;
  activeServicesByBusiness: JsonCache<Service[]>;
  /**
   * Where misses are read: the primary while caching is on. A write is followed by an
   * invalidation, and the next reader fills the entry; from a lagging replica it would store
   * the old row under the new version, stale until it expires. Fills are rare (one per write
   * per key, plus expiries), so the primary barely notices. With caching off, every read is a
   * fill, so they go where reads go.
   */
  fillFrom: PrismaClient;
  /** After a business write committed (before answering): both slugs, in case it changed. */
  businessChanged(before: Pick<Business, 'id' | 'slug'>, after: Pick<Business, 'id' | 'slug'>): Promise<void>;
  serviceChanged(service: Pick<Service, 'id' | 'businessId'>): Promise<void>;
}

const reviveBusiness = reviveDates<Business>('createdAt', 'updatedAt');
const reviveService = reviveDates<Service>('createdAt', 'updatedAt');

export const publicBusiness = (row: Business): Business => ({ ...row, idempotencyKey: null, idempotencyFingerprint: null });
export const publicService = (row: Service): Service => ({ ...row, idempotencyKey: null, idempotencyFingerprint: null });

export function createBusinessCaches(runtime: ServiceRuntime): BusinessCaches {
  const profileById = createCache(runtime, 'business-profile', reviveBusiness);
  const profileBySlug = createCache(runtime, 'business-profile-by-slug', reviveBusiness);
  const serviceById = createCache(runtime, 'service', reviveService);
  const activeServicesByBusiness = createCache(runtime, 'business-services', (json) => (json as unknown[]).map(reviveService));
  const { db } = runtime;
  return {
    profileById,
    profileBySlug,
    serviceById,
    activeServicesByBusiness,
    fillFrom: runtime.config.cache.ttlSeconds > 0 ? db.primary : db.prisma,
    businessChanged: async (before, after) => {
      await Promise.all([profileById.invalidate(after.id), profileBySlug.invalidate(before.slug, after.slug)]);
    },
    serviceChanged: async (service) => {
      await Promise.all([serviceById.invalidate(service.id), activeServicesByBusiness.invalidate(service.businessId)]);
    },
  };
}
