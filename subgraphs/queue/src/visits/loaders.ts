import DataLoader from 'dataloader';
import type { Identity } from '@waitlessq/auth';
import { Prisma, type PrismaClient, type Visit, type VisitEvent } from '@waitlessq/database';
import { createByIdLoader, organizationScope } from '@waitlessq/subgraph-kit';
import { isUuid } from '@waitlessq/validation';
import { groupBy } from '@waitlessq/subgraph-kit';
import type { ServiceTimes } from './estimates';
import { readServiceTimes } from './line';

export interface CustomerVisitsKey {
  customerId: string;
  first: number;
}

export interface VisitLoaders {
  /** Any visit by id; callers decide who may see it (visit-reads.ts). */
  visitById: DataLoader<string, Visit | null>;
  historyByVisit: DataLoader<string, VisitEvent[]>;
  serviceTimesByBusiness: DataLoader<string, ServiceTimes>;
  /** Ids of a customer's latest visits inside the caller's organization, newest first. */
  visitIdsByCustomer: DataLoader<CustomerVisitsKey, string[], string>;
}

export function createVisitLoaders(prisma: PrismaClient, identity: Identity): VisitLoaders {
  const organizationId = organizationScope(identity);
  return {
    visitById: createByIdLoader((ids) => prisma.visit.findMany({ where: { id: { in: ids.filter(isUuid) } } })),
    historyByVisit: new DataLoader(async (visitIds) => {
      const rows = await prisma.visitEvent.findMany({
        where: { visitId: { in: [...visitIds] } },
        orderBy: [{ at: 'asc' }, { id: 'asc' }],
      });
      const byVisit = groupBy(rows, (row) => row.visitId);
      return visitIds.map((id) => byVisit.get(id) ?? []);
    }),
    serviceTimesByBusiness: new DataLoader(async (businessIds) => {
      const times = await readServiceTimes(prisma, businessIds);
      return businessIds.map((id) => times.get(id)!);
    }),
    visitIdsByCustomer: new DataLoader(
      async (keys) => {
        const customerIds = [...new Set(keys.map((key) => key.customerId).filter(isUuid))];
        const first = Math.max(0, ...keys.map((key) => key.first));
        const rows = customerIds.length && first ? await latestVisitIds(prisma, customerIds, first, organizationId) : [];
        const byCustomer = groupBy(rows, (row) => row.customerId);
        return keys.map((key) => (byCustomer.get(key.customerId) ?? []).slice(0, key.first).map((row) => row.id));
      },
      { cacheKeyFn: (key) => `${key.customerId}:${key.first}` },
    ),
  };
}

/** The latest `first` visits of each customer in one statement (a window over the customer index). */
function latestVisitIds(prisma: PrismaClient, customerIds: string[], first: number, organizationId: string | null) {
  const scope = organizationId ? Prisma.sql`AND "organizationId" = ${organizationId}::uuid` : Prisma.empty;
  return prisma.$queryRaw<{ id: string; customerId: string }[]>`
    SELECT "id", "customerId" FROM (
      SELECT "id", "customerId",
             row_number() OVER (PARTITION BY "customerId" ORDER BY "createdAt" DESC, "id" DESC) AS "rank"
      FROM "Visit"
      WHERE "customerId" = ANY(${customerIds}::uuid[]) ${scope}
    ) AS ranked
    WHERE "rank" <= ${first}
    ORDER BY "customerId", "rank"`;
}
