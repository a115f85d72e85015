import { compareLine, positionIn, type Line, type LinePlace } from './positions';

/** Used when neither statistics nor the service's own duration say anything. */
export const defaultServiceMinutes = 10;
/** Weight of the newest sample in the moving average of service times. */
export const movingAverageAlpha = 0.2;
/** The service-time statistic of a business as a whole (ServiceTimeStat.serviceKey). */
export const anyService = '*';

export interface EstimatePlace {
  serviceId: string | null;
  expectedServiceMinutes: number | null;
}

/** Measured average service time in seconds, by service id or `anyService`. */
export type ServiceTimes = ReadonlyMap<string, number>;

/**
 * How long serving one visit is expected to take, most specific knowledge first: the
 * measured average for its service, the service's declared duration, the measured average of
 * the business, then the default.
 */
export function expectedMinutes(place: EstimatePlace, serviceTimes: ServiceTimes): number {
  const measured = place.serviceId ? serviceTimes.get(place.serviceId) : undefined;
  if (measured !== undefined) return measured / 60;
  if (place.expectedServiceMinutes != null && place.expectedServiceMinutes > 0) return place.expectedServiceMinutes;
  const business = serviceTimes.get(anyService);
  if (business !== undefined) return business / 60;
  return defaultServiceMinutes;
}

/** Minutes until a visit is called: the visits ahead of it shared among the open counters. */
export function estimateWaitMinutes(ahead: readonly EstimatePlace[], serviceTimes: ServiceTimes, countersOpen: number): number {
  return minutesAfter(
    ahead.reduce((sum, place) => sum + expectedMinutes(place, serviceTimes), 0),
    countersOpen,
  );
}

function minutesAfter(totalAhead: number, countersOpen: number): number {
  // Averages are fractional: without the tolerance 30.000000000004 minutes would read as 31.
  return Math.max(0, Math.ceil(totalAhead / Math.max(1, countersOpen) - 1e-9));
}

export interface WaitInLine {
  position: number;
  estimatedWaitMinutes: number;
}

/** Lines are immutable: the waits of a line are computed once per line, statistics and counters. */
const computed = new WeakMap<object, { serviceTimes: ServiceTimes; countersOpen: number; waits: ReadonlyMap<string, WaitInLine> }>();

/**
 * Position and estimate of every visit of an ordered line, computed in one pass and kept with
 * the line: a page of `Queue.waiting`, or thousands of subscribers of one event, cost one pass
 * over the line in total, not one each.
 */
export function waitsInLine(line: Line<LinePlace & EstimatePlace>, serviceTimes: ServiceTimes, countersOpen: number): ReadonlyMap<string, WaitInLine> {
  let entry = computed.get(line);
  if (!entry || entry.serviceTimes !== serviceTimes || entry.countersOpen !== countersOpen) {
    entry = { serviceTimes, countersOpen, waits: computeWaits(line, serviceTimes, countersOpen) };
    computed.set(line, entry);
  }
  return entry.waits;
}

/**
 * The running total is the very sum estimateWaitMinutes takes over the visits ahead: same
 * additions, same order. Booked appointments are merged in by the line's order (at their
 * scheduled time): each adds its service time to the visits behind it but takes no position.
 */
function computeWaits(line: Line<LinePlace & EstimatePlace>, serviceTimes: ServiceTimes, countersOpen: number): Map<string, WaitInLine> {
  const waits = new Map<string, WaitInLine>();
  const { places, appointments } = line;
  let totalAhead = 0;
  let next = 0;
  places.forEach((place, index) => {
    while (next < appointments.length && compareLine(appointments[next], place) < 0) {
      totalAhead += expectedMinutes(appointments[next], serviceTimes);
      next += 1;
    }
    waits.set(place.id, { position: index + 1, estimatedWaitMinutes: minutesAfter(totalAhead, countersOpen) });
    totalAhead += expectedMinutes(place, serviceTimes);
  });
  return waits;
}

/** Position and estimate of one visit of an ordered line; null when it is not in the line. */
export function waitInLine(line: Line<LinePlace & EstimatePlace>, visitId: string, serviceTimes: ServiceTimes, countersOpen: number): WaitInLine | null {
  if (positionIn(line, visitId) === null) return null;
  return waitsInLine(line, serviceTimes, countersOpen).get(visitId) ?? null;
}
