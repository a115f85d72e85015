import type { Prisma, PrismaClient } from '@waitlessq/database';
import { createLine, type Line, type LinePlace } from './positions';
import type { EstimatePlace, ServiceTimes } from './estimates';

/** A client or a transaction: line reads happen in both. */
export type Db = PrismaClient | Prisma.TransactionClient;

export type WaitingPlace = LinePlace & EstimatePlace;

const lineSelect = {
  id: true,
  queueId: true,
  priority: true,
  joinedAt: true,
  ticketNumber: true,
  serviceId: true,
  expectedServiceMinutes: true,
} as const satisfies Prisma.VisitSelect;

/**
 * The waiting lines of some queues in one statement (the index on
 * [queueId, status, priority desc, joinedAt, ticketNumber] serves it), ordered in memory by
 * the same rule callNext uses. An empty line for a queue nobody waits in.
 */
export async function readLines(db: Db, queueIds: readonly string[]): Promise<Map<string, Line<WaitingPlace>>> {
  const rows = await db.visit.findMany({
    where: { queueId: { in: [...queueIds] }, status: 'WAITING' },
    select: lineSelect,
    orderBy: [{ priority: 'desc' }, { joinedAt: 'asc' }, { ticketNumber: 'asc' }, { id: 'asc' }],
  });
  const byQueue = new Map<string, WaitingPlace[]>(queueIds.map((id) => [id, []]));
  for (const { queueId, ...place } of rows) byQueue.get(queueId)?.push(place);
  return new Map([...byQueue].map(([queueId, places]) => [queueId, createLine(places)]));
}

/** Measured service times of some businesses, by service key, in one statement. */
export async function readServiceTimes(db: Db, businessIds: readonly string[]): Promise<Map<string, ServiceTimes>> {
  const rows = await db.serviceTimeStat.findMany({
    where: { businessId: { in: [...businessIds] } },
    select: { businessId: true, serviceKey: true, averageSeconds: true },
  });
  const byBusiness = new Map<string, Map<string, number>>(businessIds.map((id) => [id, new Map()]));
  for (const row of rows) byBusiness.get(row.businessId)?.set(row.serviceKey, row.averageSeconds);
  return byBusiness;
}
