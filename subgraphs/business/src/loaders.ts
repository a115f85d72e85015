import DataLoader from 'dataloader';
import type { BookingPolicy, Business, OpeningHours, Organization, PrismaClient, Service } from '@waitlessq/database';
import type { JsonCache } from '@waitlessq/redis';
import { createByIdLoader, groupBy } from '@waitlessq/subgraph-kit';
import { isUuid } from '@waitlessq/validation';
import { createAvailabilityLoaders } from './availability/availability-loaders';
import { publicBusiness, publicService, type BusinessCaches } from './public-cache';

/**
 * Per-request loaders: one `findMany ... where in` per batch, whatever the number of rows.
 * They load without tenancy filters; resolvers decide what the caller may see, because the
 * rules differ by caller (public profiles, members, our own subgraphs). Profiles and services
 * come through the shared cache first (public-cache.ts): one lookup per batch, one statement
 * for the misses.
 */
export function createLoaders(prisma: PrismaClient, caches: BusinessCaches) {
  const fill = caches.fillFrom;
  const businessById = createByIdLoader<Business>((ids) =>
    cached(caches.profileById, ids, async (missing) => (await fill.business.findMany({ where: { id: { in: uuids(missing) } } })).map(publicBusiness)),
  );
  const serviceById = createByIdLoader<Service>((ids) =>
    cached(caches.serviceById, ids, async (missing) => (await fill.service.findMany({ where: { id: { in: uuids(missing) } } })).map(publicService)),
  );
  return {
    organizationById: createByIdLoader<Organization>((ids) => prisma.organization.findMany({ where: { id: { in: uuids(ids) } } })),
    businessById,
    serviceById,
    businessesByOrganizationId: createGroupLoader<Business>(
      async (ids) =>
        primed(businessById, await prisma.business.findMany({ where: { organizationId: { in: ids } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })),
      (row) => row.organizationId,
    ),
    /** Active services only: the public list, cached. A business with none is read each time (absence is not cached). */
    activeServicesByBusinessId: new DataLoader<string, Service[]>(async (businessIds) => {
      const lists = await caches.activeServicesByBusiness.getMany(uuids(businessIds), async (missing) => {
        const rows = await fill.service.findMany({ where: { businessId: { in: missing }, active: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
        return groupBy(rows.map(publicService), (row) => row.businessId);
      });
      const byBusiness = new Map(uuids(businessIds).map((id, i) => [id, lists[i] ?? []]));
      return businessIds.map((id) => primed(serviceById, byBusiness.get(id) ?? []));
    }),
    /** Inactive ones included, for staff: not cached. */
    servicesByBusinessId: createGroupLoader<Service>(
      async (ids) => primed(serviceById, await prisma.service.findMany({ where: { businessId: { in: ids } }, orderBy: [{ name: 'asc' }, { id: 'asc' }] })),
      (row) => row.businessId,
    ),
    openingHoursByBusinessId: createGroupLoader<OpeningHours>(
      (ids) => prisma.openingHours.findMany({ where: { businessId: { in: ids } }, orderBy: [{ weekday: 'asc' }, { opensAt: 'asc' }] }),
      (row) => row.businessId,
    ),
    bookingPolicyByBusinessId: new DataLoader<string, BookingPolicy | null>(async (ids) => {
      const rows = await prisma.bookingPolicy.findMany({ where: { businessId: { in: uuids(ids) } } });
      const byBusiness = new Map(rows.map((row) => [row.businessId, row]));
      return ids.map((id) => byBusiness.get(id) ?? null);
    }),
    ...createAvailabilityLoaders(prisma),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** Children of many parents in one query, handed back per parent in the query's order. */
function createGroupLoader<T>(fetchMany: (parentIds: string[]) => Promise<T[]>, parentOf: (row: T) => string) {
  return new DataLoader<string, T[]>(async (parentIds) => {
    const valid = uuids(parentIds);
    const groups = groupBy(valid.length > 0 ? await fetchMany(valid) : [], parentOf);
    return parentIds.map((id) => groups.get(id) ?? []);
  });
}

/** Rows by id through a cache; ids that are not UUIDs never reach it. */
async function cached<T extends { id: string }>(cache: JsonCache<T>, ids: readonly string[], load: (missing: string[]) => Promise<T[]>): Promise<T[]> {
  const rows = await cache.getMany(uuids(ids), async (missing) => new Map((await load(missing)).map((row) => [row.id, row])));
  return rows.filter((row): row is T => row !== undefined);
}

/** Rows loaded as children are also known by id: `Service.business` after `Organization.businesses` costs nothing. */
function primed<T extends { id: string }>(byId: DataLoader<string, T | null>, rows: T[]): T[] {
  for (const row of rows) byId.prime(row.id, row);
  return rows;
}

function uuids(ids: readonly string[]): string[] {
  return ids.filter(isUuid);
}

/**
 * The row a foreign key points to (a service's business, a business's organization): the
 * schema declares it non-null, so its absence is a broken invariant, reported as such.
 */
export async function loadReferenced<T>(loader: DataLoader<string, T | null>, id: string, what: string): Promise<T> {
  const row = await loader.load(id);
  if (!row) throw new Error(`${what} ${id} is referenced but does not exist`);
  return row;
}
