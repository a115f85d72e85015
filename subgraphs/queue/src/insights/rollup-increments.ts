import { DateTime } from 'luxon';
import { addSample, minuteBucket, type Histogram } from './histogram';

/** Stands for "no service" and "nobody called it" in the rollup's key, whose columns cannot be null. */
export const noneId = '00000000-0000-0000-0000-000000000000';
/** Stands for "every service" / "every staff member" in the daily rollup's key (InsightsDailyRollup). */
export const allId = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/** What the rollup reads of a finished visit (DONE, NO_SHOW or CANCELLED), with its queue's zone. */
export interface FinishedVisit {
  id: string;
  businessId: string;
  organizationId: string;
  queueId: string;
  serviceId: string | null;
  calledById: string | null;
  status: 'DONE' | 'NO_SHOW' | 'CANCELLED';
  timezone: string;
  joinedAt: Date | null;
  scheduledAt: Date | null;
  createdAt: Date;
  calledAt: Date | null;
  servedAt: Date | null;
  doneAt: Date | null;
  waitSeconds: number | null;
  firstEstimateMinutes: number | null;
  latestEstimateMinutes: number | null;
}

/** One row's worth of increments: what gets added to the InsightsRollup row of its key. */
export interface RollupIncrement {
  businessId: string;
  organizationId: string;
  queueId: string;
  serviceId: string;
  staffId: string;
  hourStart: Date;
  joined: number;
  served: number;
  noShows: number;
  cancelled: number;
  abandoned: number;
  waitHistogram: Histogram;
  serviceHistogram: Histogram;
  etaSamples: number;
  etaAbsSeconds: number;
  etaSignedSeconds: number;
  etaLatestSamples: number;
  etaLatestAbsSeconds: number;
}

/**
 * The instant the business-local hour containing `at` began. Computed by taking off the local
 * minutes and seconds rather than by rebuilding a local 'HH:00', which in the hour repeated when
 * clocks go back would be ambiguous. In zones offset by a half or a quarter hour (Asia/Kolkata,
 * Asia/Kathmandu) this is a half or quarter past a UTC hour: the rows follow the business's
 * hours, so hours, days, weeks and the busy-hours grid in its zone are exact.
 */
export function localHourStart(at: Date, timezone: string): Date {
  const local = DateTime.fromJSDate(at, { zone: timezone });
  const zone = local.isValid ? local : DateTime.fromJSDate(at, { zone: 'UTC' });
  return new Date(at.getTime() - (zone.minute * 60_000 + zone.second * 1000 + zone.millisecond));
}

/**
 * A visit counts in the hour it entered the line (joining, or an appointment's check-in); one
 * that never did (an appointment cancelled or missed before checking in) in the hour it was
 * booked for. All its figures go to that hour, so a period's rates and percentiles are those of
 * the visits that arrived in it.
 */
export function anchorOf(visit: FinishedVisit): Date {
  return visit.joinedAt ?? visit.scheduledAt ?? visit.createdAt;
}

export function keyOf(increment: Pick<RollupIncrement, 'businessId' | 'hourStart' | 'queueId' | 'serviceId' | 'staffId'>): string {
  return [increment.businessId, increment.hourStart.toISOString(), increment.queueId, increment.serviceId, increment.staffId].join('|');
}

/**
 * The increments of a batch of finished visits, one per rollup key, in key order (the order
 * the rows are then locked in, so two passes touching the same rows cannot deadlock).
 */
export function rollupIncrements(visits: readonly FinishedVisit[]): RollupIncrement[] {
  const byKey = new Map<string, RollupIncrement>();
  for (const visit of visits) {
    const key = {
      businessId: visit.businessId,
      hourStart: localHourStart(anchorOf(visit), visit.timezone),
      queueId: visit.queueId,
      serviceId: visit.serviceId ?? noneId,
      staffId: visit.calledById ?? noneId,
    };
    const id = keyOf(key);
    let row = byKey.get(id);
    if (!row) {
      row = {
        ...key,
        organizationId: visit.organizationId,
        joined: 0,
        served: 0,
        noShows: 0,
        cancelled: 0,
        abandoned: 0,
        waitHistogram: [],
        serviceHistogram: [],
        etaSamples: 0,
        etaAbsSeconds: 0,
        etaSignedSeconds: 0,
        etaLatestSamples: 0,
        etaLatestAbsSeconds: 0,
      };
      byKey.set(id, row);
    }
    count(row, visit);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

function count(row: Omit<RollupIncrement, 'hourStart'>, visit: FinishedVisit): void {
  if (visit.joinedAt) row.joined += 1;
  if (visit.status === 'DONE') row.served += 1;
  if (visit.status === 'NO_SHOW') row.noShows += 1;
  if (visit.status === 'CANCELLED') row.cancelled += 1;
  // Left the line: joined, then cancelled before anyone called it.
  if (visit.status === 'CANCELLED' && visit.joinedAt && !visit.calledAt) row.abandoned += 1;
  if (visit.waitSeconds !== null) {
    addSample(row.waitHistogram, minuteBucket(visit.waitSeconds));
    if (visit.firstEstimateMinutes !== null) {
      const error = visit.firstEstimateMinutes * 60 - visit.waitSeconds;
      row.etaSamples += 1;
      row.etaAbsSeconds += Math.abs(error);
      row.etaSignedSeconds += error;
    }
    if (visit.latestEstimateMinutes !== null) {
      row.etaLatestSamples += 1;
      row.etaLatestAbsSeconds += Math.abs(visit.latestEstimateMinutes * 60 - visit.waitSeconds);
    }
  }
  if (visit.status === 'DONE' && visit.servedAt && visit.doneAt) {
    addSample(row.serviceHistogram, minuteBucket((visit.doneAt.getTime() - visit.servedAt.getTime()) / 1000));
  }
}

/** One daily row's worth of increments: what gets added to the InsightsDailyRollup row of its key. */
export interface DailyIncrement extends Omit<RollupIncrement, 'hourStart'> {
  /** The business-local date, YYYY-MM-DD. */
  day: string;
  /** Bit i: the i-th hour since the local day began has visits. */
  hoursMask: number;
  /** Joins per local clock hour, 24 elements. */
  joinedByHour: number[];
}

/** The local day of an hourly row's start, its hour since the day began (0-24) and its clock hour. */
export function localDayOf(hourStart: Date, timezone: string): { day: string; hourIndex: number; clockHour: number } {
  let local = DateTime.fromJSDate(hourStart, { zone: timezone });
  if (!local.isValid) local = DateTime.fromJSDate(hourStart, { zone: 'UTC' });
  const hourIndex = Math.floor((hourStart.getTime() - local.startOf('day').toMillis()) / 3_600_000);
  return { day: local.toISODate()!, hourIndex, clockHour: local.hour };
}

/** The four levels a daily row is kept at: the real service and staff, or "all" in either. */
const levels = [
  { byService: true, byStaff: true },
  { byService: true, byStaff: false },
  { byService: false, byStaff: true },
  { byService: false, byStaff: false },
];

/**
 * The daily increments of a batch of finished visits: the sums of its hourly increments per
 * local day, at each of the four levels, one per daily key, in key order (see rollupIncrements).
 */
export function dailyIncrements(visits: readonly FinishedVisit[]): DailyIncrement[] {
  const byKey = new Map<string, DailyIncrement>();
  for (const visit of visits) {
    const hourStart = localHourStart(anchorOf(visit), visit.timezone);
    const { day, hourIndex, clockHour } = localDayOf(hourStart, visit.timezone);
    for (const level of levels) {
      const key = {
        businessId: visit.businessId,
        day,
        queueId: visit.queueId,
        serviceId: level.byService ? (visit.serviceId ?? noneId) : allId,
        staffId: level.byStaff ? (visit.calledById ?? noneId) : allId,
      };
      const id = [key.businessId, key.day, key.queueId, key.serviceId, key.staffId].join('|');
      let row = byKey.get(id);
      if (!row) {
        row = {
          ...key,
          organizationId: visit.organizationId,
          joined: 0,
          served: 0,
          noShows: 0,
          cancelled: 0,
          abandoned: 0,
          waitHistogram: [],
          serviceHistogram: [],
          etaSamples: 0,
          etaAbsSeconds: 0,
          etaSignedSeconds: 0,
          etaLatestSamples: 0,
          etaLatestAbsSeconds: 0,
          hoursMask: 0,
          joinedByHour: Array.from({ length: 24 }, () => 0),
        };
        byKey.set(id, row);
      }
      row.hoursMask |= 1 << hourIndex;
      if (visit.joinedAt) row.joinedByHour[clockHour] += 1;
      count(row, visit);
    }
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}
