import DataLoader from 'dataloader';
import type { BookingPolicy, Business, OpeningHours, Organization, PrismaClient, Service } from '@waitlessq/database';
import { createByIdLoader } from '@waitlessq/subgraph-kit';
import { isUuid } from './access';

/**
 * Per-request loaders: one `findMany ... where in` per batch, whatever the number of rows.
 * They load without tenancy filters; resolvers decide what the caller may see, because the
 * rules differ by caller (public profiles, members, our own subgraphs).
 */
export function createLoaders(prisma: PrismaClient) {
  const businessById = createByIdLoader<Business>((ids) => prisma.business.findMany({ where: { id: { in: uuids(ids) } } }));
  const serviceById = createByIdLoader<Service>((ids) => prisma.service.findMany({ where: { id: { in: uuids(ids) } } }));
  return {
    organizationById: createByIdLoader<Organization>((ids) => prisma.organization.findMany({ where: { id: { in: uuids(ids) } } })),
    businessById,
    serviceById,
    businessesByOrganizationId: createGroupLoader<Business>(
      async (ids) => primed(businessById, await prisma.business.findMany({ where: { organizationId: { in: ids } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })),
      (row) => row.organizationId,
    ),
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
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** Children of many parents in one query, handed back per parent in the query's order. */
function createGroupLoader<T>(fetchMany: (parentIds: string[]) => Promise<T[]>, parentOf: (row: T) => string) {
  return new DataLoader<string, T[]>(async (parentIds) => {
    const valid = uuids(parentIds);
    const rows = valid.length > 0 ? await fetchMany(valid) : [];
    const groups = new Map<string, T[]>();
    for (const row of rows) {
      const key = parentOf(row);
      const group = groups.get(key);
      if (group) group.push(row);
      else groups.set(key, [row]);
    }
    return parentIds.map((id) => groups.get(id) ?? []);
  });
}

/** Rows loaded as children are also known by id: `Service.business` after `Organization.businesses` costs nothing. */
function primed<T extends { id: string }>(byId: DataLoader<string, T | null>, rows: T[]): T[] {
  for (const row of rows) byId.prime(row.id, row);
  return rows;
}

function uuids(ids: readonly string[]): string[] {
  return ids.filter(isUuid);
}
