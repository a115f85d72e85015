import { Prisma, type Visit } from '@waitlessq/database';

/**
 * How events carry visits: one JSON array per visit, its values in this order (thousands of
 * visits per event; keys repeated on each would double the bytes read, sent and parsed). The
 * columns no Visit field shows stay out: they must not sit in Redis (the phone number, notes,
 * token hash, idempotency key). toVisit reads them back in the same order (a test checks it).
 */
export const eventVisitColumns = [
  'id',
  'organizationId',
  'queueId',
  'businessId',
  'serviceId',
  'customerId',
  'customerName',
  'partySize',
  'kind',
  'source',
  'status',
  'priority',
  'ticketDay',
  'ticketNumber',
  'ticket',
  'scheduledAt',
  'counter',
  'expectedServiceMinutes',
  'joinedAt',
  'calledAt',
  'servedAt',
  'doneAt',
  'cancelledAt',
  'noShowAt',
  'firstEstimateMinutes',
  'latestEstimateMinutes',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof Visit)[];

/** A visit as an event holds it (PostgreSQL writes instants and days as strings). */
export type VisitRow = unknown[];

/** `json_build_array(v."id", ...)`: the constant list above, quoted, never input. */
export const visitRowSql = Prisma.raw(`json_build_array(${eventVisitColumns.map((column) => `v."${column}"`).join(', ')})`);

/** `timestamp(3)` columns hold UTC without a zone: `2025-01-31T09:30:00.123`. */
const instant = (value: unknown): Date | null => (value === null ? null : new Date(`${value as string}Z`));
/** `date` columns: `2025-01-31`, midnight UTC as Prisma reads them. */
const day = (value: unknown): Date | null => (value === null ? null : new Date(value as string));

/** The Visit a row stands for; the columns events leave out are null. Built field by field: one object shape for thousands. */
export function toVisit(row: VisitRow): Visit {
  const [
    id,
    organizationId,
    queueId,
    businessId,
    serviceId,
    customerId,
    customerName,
    partySize,
    kind,
    source,
    status,
    priority,
    ticketDay,
    ticketNumber,
    ticket,
    scheduledAt,
    counter,
    expectedServiceMinutes,
    joinedAt,
    calledAt,
    servedAt,
    doneAt,
    cancelledAt,
    noShowAt,
    firstEstimateMinutes,
    latestEstimateMinutes,
    createdAt,
    updatedAt,
  ] = row as never[];
  return {
    id,
    organizationId,
    queueId,
    businessId,
    serviceId,
    customerId,
    customerName,
    partySize,
    kind,
    source,
    status,
    priority,
    ticketDay: day(ticketDay),
    ticketNumber,
    ticket,
    scheduledAt: instant(scheduledAt),
    counter,
    expectedServiceMinutes,
    joinedAt: instant(joinedAt),
    calledAt: instant(calledAt),
    servedAt: instant(servedAt),
    doneAt: instant(doneAt),
    cancelledAt: instant(cancelledAt),
    noShowAt: instant(noShowAt),
    firstEstimateMinutes,
    latestEstimateMinutes,
    createdAt: instant(createdAt)!,
    updatedAt: instant(updatedAt)!,
    customerPhone: null,
    customerNotes: null,
    internalNotes: null,
    visitTokenHash: null,
    idempotencyKey: null,
  };
}
