import type { Prisma } from '@waitlessq/database';
import { waitsInLine, type ServiceTimes, type WaitInLine } from '../visits/estimates';
import type { WaitingPlace } from '../visits/line';
import { createLine, type Line } from '../visits/positions';

/** [id, priority, lineAt (an appointment's scheduledAt), ticketNumber, serviceId, expectedServiceMinutes, latestEstimateMinutes] */
type PlaceRow = [string, number, string | null, number | null, string | null, number | null, number | null];

/** The line of a queue as the event's statement also returns it, compact (events/snapshot.ts). */
export interface LineRows {
  businessId: string;
  /** "Getting close" is sent at or under this position. */
  notifyAtPosition: number;
  /** The visits the change named, as they are now: what partners' webhooks tell of them. */
  named: NamedVisit[];
  countersOpen: number;
  serviceTimes: Record<string, number>;
  waiting: PlaceRow[];
  appointments: PlaceRow[];
}

export interface NamedVisit {
  id: string;
  status: string;
  kind: string;
  ticket: string | null;
  queueId: string;
  serviceId: string | null;
  /** timestamp(3) without a zone (UTC). */
  scheduledAt: string | null;
  customerId: string | null;
}

export interface LatestEstimates {
  ids: string[];
  minutes: number[];
}

/** `timestamp(3)` columns come as UTC without a zone. */
const instant = (value: string | null) => (value === null ? null : new Date(`${value}Z`));
const placeOf = ([id, priority, lineAt, ticketNumber, serviceId, expectedServiceMinutes]: PlaceRow): WaitingPlace => ({
  id,
  priority,
  lineAt: instant(lineAt),
  ticketNumber,
  serviceId,
  expectedServiceMinutes,
});

/**
 * The waiting visits whose latest estimate differs from what the line gives them now, with the
 * new values: computed in memory from the event's one read, by the function every position
 * and estimate comes from (waitsInLine), so the event's revived waits are exactly these.
 */
export function latestEstimateChanges(rows: LineRows): LatestEstimates {
  const waits = waitsOf(rows);
  const changes: LatestEstimates = { ids: [], minutes: [] };
  for (const row of rows.waiting) {
    const minutes = waits.get(row[0])?.estimatedWaitMinutes;
    if (minutes !== undefined && minutes !== row[6]) {
      changes.ids.push(row[0]);
      changes.minutes.push(minutes);
    }
  }
  return changes;
}

/**
 * Writes every changed latest estimate of a queue in one statement, whatever their number. Only
 * visits still WAITING in the queue: the caller holds the queue's event lock, but a visit may be
 * called meanwhile (its row lock makes this wait, then it is left alone). updatedAt is kept: a
 * new estimate is not a change of the visit.
 */
export async function writeLatestEstimates(tx: Prisma.TransactionClient, queueId: string, changes: LatestEstimates): Promise<number> {
  if (changes.ids.length === 0) return 0;
  return tx.$executeRaw`
    UPDATE "Visit" AS v SET "latestEstimateMinutes" = u."minutes"
    FROM unnest(${changes.ids}::uuid[], ${changes.minutes}::int[]) AS u("id", "minutes")
    WHERE v."id" = u."id" AND v."queueId" = ${queueId}::uuid AND v."status" = 'WAITING'::"VisitStatus"`;
}

/** Every waiting visit's position and estimate, as the event shows them. */
export function waitsOf(rows: LineRows): ReadonlyMap<string, WaitInLine> {
  const line: Line<WaitingPlace> = createLine(rows.waiting.map(placeOf), rows.appointments.map(placeOf));
  const serviceTimes: ServiceTimes = new Map(Object.entries(rows.serviceTimes));
  return waitsInLine(line, serviceTimes, rows.countersOpen);
}
