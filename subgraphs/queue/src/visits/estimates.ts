import { positionIn, type Line, type LinePlace } from './positions';

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
  const total = ahead.reduce((sum, place) => sum + expectedMinutes(place, serviceTimes), 0);
  // Averages are fractional: without the tolerance 30.000000000004 minutes would read as 31.
  return Math.max(0, Math.ceil(total / Math.max(1, countersOpen) - 1e-9));
}

export interface WaitInLine {
  position: number;
  estimatedWaitMinutes: number;
}

/** Position and estimate of one visit of an ordered line; null when it is not in the line. */
export function waitInLine(
  line: Line<LinePlace & EstimatePlace>,
  visitId: string,
  serviceTimes: ServiceTimes,
  countersOpen: number,
): WaitInLine | null {
  const position = positionIn(line, visitId);
  if (position === null) return null;
  return { position, estimatedWaitMinutes: estimateWaitMinutes(line.places.slice(0, position - 1), serviceTimes, countersOpen) };
}
