import { Prisma, type Queue, type Visit } from '@waitlessq/database';
import { isUuid } from '@waitlessq/validation';
import type { ServiceTimes } from './estimates';
import { appointmentGraceMs, appointmentHorizonMs, type Db, type WaitingPlace } from './line';
import { ticketBump } from './ticket-counter';
import { createLine, type Line } from './positions';

/** Everything a read of a queue's line needs, from one statement. */
export interface LineRead {
  queue: Queue;
  line: Line<WaitingPlace>;
  /** The measured service times of the queue's business. */
  serviceTimes: ServiceTimes;
  /** The first waiting visits, whole rows (the staff line shows them), when asked for: else null. */
  visits: Visit[] | null;
}

/** [id, priority, lineAt or scheduledAt, ticketNumber, serviceId, expectedServiceMinutes] */
type PlaceRow = [string, number, string | null, number | null, string | null, number | null];

interface LineReadRow {
  queue: Record<string, unknown>;
  serviceTimes: Record<string, number>;
  waiting: PlaceRow[];
  visits: Record<string, unknown>[] | null;
  appointments: PlaceRow[];
}

/**
 * The queues, their lines (the waiting visits, and the booked appointments expected to enter,
 * by the rule of line.ts expectedAppointments), their businesses' measured service times and,
 * `wholeVisits` > 0, that many of the waiting visits as whole rows, first to be called first
 * (a page of `Queue.waiting`: a long line's other rows are not read whole), built as JSON by
 * PostgreSQL in one statement however long the lines: what the hot reads (the staff line, a
 * walk-in polling its visit, a summary) used to read in three or four. A queue that does not
 * exist is absent from the map. A raw query: the read router sends it to the primary even where
 * model reads would go to a replica (packages/database read-router.ts).
 */
export async function readLineReads(db: Db, queueIds: readonly string[], { wholeVisits = 0, now = new Date() } = {}): Promise<Map<string, LineRead>> {
  const ids = queueIds.filter(isUuid);
  if (!ids.length) return new Map();
  const rows = await db.$queryRaw<LineReadRow[]>`
    SELECT row_to_json(q) AS "queue",
      ${serviceTimesJson(Prisma.sql`q."businessId"`)} AS "serviceTimes",
      ${waitingJson(Prisma.sql`q."id"`)} AS "waiting",
      CASE WHEN ${wholeVisits}::int > 0 THEN COALESCE((
        SELECT json_agg(row_to_json(w)) FROM (
          -- The order of positions.ts compareLine (ASC puts NULLs last, as it does), served by the line's index.
          SELECT * FROM "Visit" v WHERE v."queueId" = q."id" AND v."status" = 'WAITING'::"VisitStatus"
          ORDER BY v."priority" DESC, v."lineAt", v."ticketNumber", v."id" LIMIT ${wholeVisits}::int
        ) AS w
      ), '[]'::json) END AS "visits",
      ${appointmentsJson(Prisma.sql`q."id"`, now)} AS "appointments"
    FROM "Queue" q
    WHERE q."id" = ANY(${ids}::uuid[])`;
  return new Map(rows.map((row) => [row.queue.id as string, toLineRead(row)]));
}

/**
 * What a visit entering a queue's line (a join, an appointment's check-in) reads under the
 * queue's lock, in one statement: the queue, its line, its business's service times, and the
 * next ticket number of the business-local `day`, bumped as ticket-counter.ts says. The caller
 * holds the queue's row lock: under READ COMMITTED this statement's snapshot is taken once the
 * lock is ours, so it sees the visit the previous holder just committed.
 */
export async function readLineTakingTicket(
  tx: Prisma.TransactionClient,
  queueId: string,
  day: string,
  now = new Date(),
): Promise<LineRead & { ticketNumber: number }> {
  const [row] = await tx.$queryRaw<(LineReadRow & { ticketNumber: number })[]>`
    WITH "ticket" AS (${ticketBump(queueId, day)})
    SELECT row_to_json(q) AS "queue",
      ${serviceTimesJson(Prisma.sql`q."businessId"`)} AS "serviceTimes",
      ${waitingJson(Prisma.sql`q."id"`)} AS "waiting",
      NULL AS "visits",
      ${appointmentsJson(Prisma.sql`q."id"`, now)} AS "appointments",
      (SELECT "lastNumber" FROM "ticket") AS "ticketNumber"
    FROM "Queue" q
    WHERE q."id" = ${queueId}::uuid`;
  if (!row) throw new Error(`Queue ${queueId} is gone under its own lock.`);
  return { ...toLineRead(row), ticketNumber: row.ticketNumber };
}

/** A visit, whole, and where it waits, the read of its queue's line (null unless it is WAITING). */
export interface VisitWithLine {
  visit: Visit;
  line: LineRead | null;
}

/**
 * Visits by id, each WAITING one with its queue's line read (as readLineReads reads it, without
 * whole visits), in one statement: what a walk-in polling its visit needs for its position and
 * estimate, which otherwise takes a read of the visit and then one of its line. A visit that
 * does not exist is absent from the map. A raw query: it reads the primary, as the line's read
 * does.
 */
export async function readVisitsWithLines(db: Db, visitIds: readonly string[], now = new Date()): Promise<Map<string, VisitWithLine>> {
  const ids = visitIds.filter(isUuid);
  if (!ids.length) return new Map();
  const rows = await db.$queryRaw<{ visit: Record<string, unknown>; line: LineReadRow | null }[]>`
    SELECT row_to_json(v) AS "visit",
      CASE WHEN v."status" = 'WAITING'::"VisitStatus" THEN json_build_object(
        'queue', row_to_json(q),
        'serviceTimes', ${serviceTimesJson(Prisma.sql`q."businessId"`)},
        'waiting', ${waitingJson(Prisma.sql`q."id"`)},
        'visits', NULL,
        'appointments', ${appointmentsJson(Prisma.sql`q."id"`, now)}
      ) END AS "line"
    FROM "Visit" v JOIN "Queue" q ON q."id" = v."queueId"
    WHERE v."id" = ANY(${ids}::uuid[])`;
  return new Map(
    rows.map((row) => {
      const visit = revive<Visit>(row.visit, visitInstants, visitDays);
      return [visit.id, { visit, line: row.line && toLineRead(row.line) }];
    }),
  );
}

/** Measured service times of a business by service key, as a JSON object. */
const serviceTimesJson = (businessId: Prisma.Sql) => Prisma.sql`
  COALESCE((SELECT json_object_agg(s."serviceKey", s."averageSeconds") FROM "ServiceTimeStat" s WHERE s."businessId" = ${businessId}), '{}'::json)`;

/** A queue's waiting visits as PlaceRows (the index on [queueId, status, ...] serves it). */
const waitingJson = (queueId: Prisma.Sql) => Prisma.sql`
  COALESCE((
    SELECT json_agg(json_build_array(v."id", v."priority", v."lineAt", v."ticketNumber", v."serviceId", v."expectedServiceMinutes"))
    FROM "Visit" v WHERE v."queueId" = ${queueId} AND v."status" = 'WAITING'::"VisitStatus"
  ), '[]'::json)`;

/** A queue's booked appointments expected to enter its line, by the rule of line.ts expectedAppointments, as PlaceRows. */
const appointmentsJson = (queueId: Prisma.Sql, now: Date) => Prisma.sql`
  COALESCE((
    SELECT json_agg(json_build_array(v."id", v."priority", v."scheduledAt", v."ticketNumber", v."serviceId", v."expectedServiceMinutes"))
    FROM "Visit" v WHERE v."queueId" = ${queueId}
      AND v."status" = 'BOOKED'::"VisitStatus" AND v."kind" = 'APPOINTMENT'::"VisitKind"
      AND v."scheduledAt" <= ${new Date(now.getTime() + appointmentHorizonMs)}::timestamp(3)
      AND (v."checkInDeadline" >= ${now}::timestamp(3)
           OR (v."checkInDeadline" IS NULL AND v."scheduledAt" >= ${new Date(now.getTime() - appointmentGraceMs)}::timestamp(3)))
  ), '[]'::json)`;

function toLineRead(row: LineReadRow): LineRead {
  return {
    queue: revive<Queue>(row.queue, queueInstants, []),
    // As line.ts appointmentPlace: an appointment stands at its scheduled time.
    line: createLine(row.waiting.map(toPlace), row.appointments.map(toPlace)),
    serviceTimes: new Map(Object.entries(row.serviceTimes)),
    visits: row.visits?.map((json) => revive<Visit>(json, visitInstants, visitDays)) ?? null,
  };
}

const toPlace = ([id, priority, lineAt, ticketNumber, serviceId, expectedServiceMinutes]: PlaceRow): WaitingPlace => ({
  id,
  priority,
  lineAt: instant(lineAt),
  ticketNumber,
  serviceId,
  expectedServiceMinutes,
});

/** `timestamp(3)` columns come as UTC without a zone (`2025-01-31T09:30:00.123`), `date` ones as `2025-01-31`: as Prisma reads them. */
const instant = (value: string | null): Date | null => (value === null ? null : new Date(`${value}Z`));

function revive<T>(json: Record<string, unknown>, instants: readonly string[], days: readonly string[]): T {
  const row = { ...json };
  for (const column of instants) row[column] = instant(row[column] as string | null);
  for (const column of days) row[column] = row[column] === null ? null : new Date(row[column] as string);
  return row as T;
}

// The DateTime columns of the models (prisma/schema/queue.prisma); a test compares these reads with Prisma's.
const queueInstants = ['createdAt', 'updatedAt'] as const satisfies readonly (keyof Queue)[];
const visitDays = ['ticketDay', 'bookingDay'] as const satisfies readonly (keyof Visit)[];
const visitInstants = [
  'scheduledAt',
  'scheduledEndAt',
  'blockedFrom',
  'blockedUntil',
  'checkInDeadline',
  'cancellableUntil',
  'lineAt',
  'remindAt',
  'remindedAt',
  'joinedAt',
  'bookedAt',
  'approvedAt',
  'checkedInAt',
  'calledAt',
  'servedAt',
  'doneAt',
  'cancelledAt',
  'noShowAt',
  'rolledUpAt',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof Visit)[];
