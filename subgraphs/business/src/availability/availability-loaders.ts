import DataLoader from 'dataloader';
import type { AvailabilityException, AvailabilityRule, PrismaClient } from '@waitlessq/database';
import { groupBy } from '@waitlessq/subgraph-kit';
import { isUuid } from '@waitlessq/validation';
import { fromDateColumn, toDateColumn } from './calendar-dates';

/** A business's exceptions on and after a day (YYYY-MM-DD). */
export interface ExceptionsKey {
  businessId: string;
  from: string;
}

/**
 * Per-request loaders of availability rows: one statement per batch however many businesses
 * and rows. Not cached across requests (public-cache.ts): the schedule built from them must
 * never be older than the last write, and these tables are small per business.
 */
export function createAvailabilityLoaders(prisma: PrismaClient) {
  return {
    /** Business-wide windows first, then by service, weekday and time. */
    availabilityRulesByBusinessId: new DataLoader<string, AvailabilityRule[]>(async (businessIds) => {
      const ids = businessIds.filter(isUuid);
      const rows = ids.length
        ? await prisma.availabilityRule.findMany({
            where: { businessId: { in: ids } },
            orderBy: [{ serviceId: { sort: 'asc', nulls: 'first' } }, { weekday: 'asc' }, { startsAt: 'asc' }, { id: 'asc' }],
          })
        : [];
      const groups = groupBy(rows, (row) => row.businessId);
      return businessIds.map((id) => groups.get(id) ?? []);
    }),
    /**
     * Keys may ask from different days (a dashboard's list, the schedule from yesterday): one
     * statement from the earliest day, each key then keeps its own days.
     */
    exceptionsFrom: new DataLoader<ExceptionsKey, AvailabilityException[], string>(
      async (keys) => {
        const ids = [...new Set(keys.map((key) => key.businessId).filter(isUuid))];
        const earliest = keys.reduce((min, key) => (key.from < min ? key.from : min), keys[0].from);
        const rows = ids.length
          ? await prisma.availabilityException.findMany({
              where: { businessId: { in: ids }, date: { gte: toDateColumn(earliest) } },
              orderBy: [{ date: 'asc' }],
            })
          : [];
        const groups = groupBy(rows, (row) => row.businessId);
        return keys.map((key) => (groups.get(key.businessId) ?? []).filter((row) => fromDateColumn(row.date) >= key.from));
      },
      { cacheKeyFn: (key) => `${key.businessId}|${key.from}` },
    ),
  };
}
