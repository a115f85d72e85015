import type { Prisma, PrismaClient } from '@waitlessq/database';
import { createLine, type Line, type LinePlace } from './positions';
import type { EstimatePlace, ServiceTimes } from './estimates';

/** A client or a transaction: line reads happen in both. */
export type Db = PrismaClient | Prisma.TransactionClient;

export type WaitingPlace = LinePlace & EstimatePlace;

/** Booked appointments further ahead than this are not expected to shape today's waits. */
export const appointmentHorizonMs = 12 * 3600_000;
/**
 * A booked appointment past its time is still expected until its check-in deadline (the
 * policy's grace, kept on the visit when booked); without one, this long after its time.
 */
export const appointmentGraceMs = 15 * 60_000;

/**
 * The booked appointments that count as places in the estimates: due within the horizon and
 * not past their check-in deadline (they will enter the line at their scheduled time). The
 * event snapshot (events/snapshot.ts) applies the same rule in SQL.
 */
export function expectedAppointments(now: Date): Prisma.VisitWhereInput {
  return {
    status: 'BOOKED',
    kind: 'APPOINTMENT',
    scheduledAt: { lte: new Date(now.getTime() + appointmentHorizonMs) },
    OR: [{ checkInDeadline: { gte: now } }, { checkInDeadline: null, scheduledAt: { gte: new Date(now.getTime() - appointmentGraceMs) } }],
  };
}

const lineSelect = {
  id: true,
  queueId: true,
  status: true,
  priority: true,
  lineAt: true,
  scheduledAt: true,
  ticketNumber: true,
  serviceId: true,
  expectedServiceMinutes: true,
} as const satisfies Prisma.VisitSelect;

/**
 * The waiting lines of some queues in one statement (the index on
 * [queueId, status, priority desc, lineAt, ticketNumber] serves the waiting part), ordered in
 * memory by the same rule callNext uses, with the booked appointments expected to enter each
 * line (they shape estimates, not positions). An empty line for a queue nobody waits in.
 */
export async function readLines(db: Db, queueIds: readonly string[], now = new Date()): Promise<Map<string, Line<WaitingPlace>>> {
  const rows = await db.visit.findMany({
    where: { queueId: { in: [...queueIds] }, OR: [{ status: 'WAITING' }, expectedAppointments(now)] },
    select: lineSelect,
    orderBy: [{ priority: 'desc' }, { lineAt: 'asc' }, { ticketNumber: 'asc' }, { id: 'asc' }],
  });
  const byQueue = new Map<string, { places: WaitingPlace[]; appointments: WaitingPlace[] }>(queueIds.map((id) => [id, { places: [], appointments: [] }]));
  for (const { queueId, status, scheduledAt, ...place } of rows) {
    const line = byQueue.get(queueId);
    if (status === 'WAITING') line?.places.push(place);
    else line?.appointments.push(appointmentPlace({ ...place, scheduledAt }));
  }
  return new Map([...byQueue].map(([queueId, { places, appointments }]) => [queueId, createLine(places, appointments)]));
}

/** A booked appointment as the line expects it: standing at its scheduled time. */
export function appointmentPlace<T extends WaitingPlace & { scheduledAt: Date | null }>({ scheduledAt, ...place }: T): WaitingPlace {
  return {
    id: place.id,
    priority: place.priority,
    lineAt: scheduledAt,
    ticketNumber: place.ticketNumber,
    serviceId: place.serviceId,
    expectedServiceMinutes: place.expectedServiceMinutes,
  };
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
