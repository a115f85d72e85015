import { DateTime } from 'luxon';
import { percentile, type Histogram } from './histogram';
import { groupKey, idOf, type FigureRow, type InsightsScope, type MergedHistograms } from './insights-query';
import { localHourStart, noneId } from './rollup-increments';

export interface MinutePercentiles {
  p50: number | null;
  p90: number | null;
}

export interface EtaError {
  meanAbsoluteMinutes: number | null;
  meanAbsoluteLatestMinutes: number | null;
  biasMinutes: number | null;
  samples: number;
}

/** The figures of any group of visits: the whole period, a bucket, a service, a staff member. */
export interface InsightFigures {
  joined: number;
  served: number;
  noShows: number;
  cancelled: number;
  abandoned: number;
  abandonmentRate: number | null;
  waitMinutes: MinutePercentiles;
  serviceMinutes: MinutePercentiles;
  throughputPerHour: number | null;
  etaError: EtaError;
}

export interface Insights extends InsightFigures {
  from: Date;
  to: Date;
  granularity: InsightsScope['granularity'];
  timezone: string;
  /** Joins per business-local hour of the week: 7 rows (Monday first) of 24 hours. */
  busyHours: number[][];
  series: (InsightFigures & { start: Date })[];
  byService: (InsightFigures & { serviceId: string | null })[];
  byStaff: (InsightFigures & { staffId: string | null })[];
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));
const ratio = (part: number, whole: number, digits: number) => (whole > 0 ? round(part / whole, digits) : null);

const emptyRow = (grouping: FigureRow['grouping']): FigureRow => ({
  grouping,
  bucket: null,
  serviceId: null,
  staffId: null,
  dow: null,
  hour: null,
  joined: 0,
  served: 0,
  noShows: 0,
  cancelled: 0,
  abandoned: 0,
  hours: 0,
  etaSamples: 0,
  etaAbsSeconds: 0,
  etaSignedSeconds: 0,
  etaLatestSamples: 0,
  etaLatestAbsSeconds: 0,
});

const percentiles = (histogram: Histogram | undefined): MinutePercentiles => ({
  p50: percentile(histogram ?? [], 50),
  p90: percentile(histogram ?? [], 90),
});

function figures(row: FigureRow, histograms: MergedHistograms): InsightFigures {
  const merged = histograms.get(groupKey(row.grouping, idOf(row)));
  return {
    joined: row.joined,
    served: row.served,
    noShows: row.noShows,
    cancelled: row.cancelled,
    abandoned: row.abandoned,
    abandonmentRate: ratio(row.abandoned, row.joined, 4),
    waitMinutes: percentiles(merged?.wait),
    serviceMinutes: percentiles(merged?.service),
    throughputPerHour: ratio(row.served, row.hours, 2),
    etaError: {
      meanAbsoluteMinutes: ratio(row.etaAbsSeconds / 60, row.etaSamples, 2),
      meanAbsoluteLatestMinutes: ratio(row.etaLatestAbsSeconds / 60, row.etaLatestSamples, 2),
      biasMinutes: ratio(row.etaSignedSeconds / 60, row.etaSamples, 2),
      samples: row.etaSamples,
    },
  };
}

/**
 * Every bucket start of the period in the business's zone, empty ones included (a chart's
 * x axis): the local hour, day or ISO week (Monday) containing `from`, then each next one
 * before `to`. Days and weeks step by the calendar, so a DST day is one bucket of 23 or 25 hours.
 */
export function bucketStarts(scope: Pick<InsightsScope, 'from' | 'to' | 'granularity' | 'timezone'>): Date[] {
  const starts: Date[] = [];
  if (scope.granularity === 'HOUR') {
    for (let at = localHourStart(scope.from, scope.timezone).getTime(); at < scope.to.getTime(); at += 3_600_000) starts.push(new Date(at));
    return starts;
  }
  const unit = scope.granularity === 'DAY' ? 'day' : 'week';
  for (
    let at = DateTime.fromJSDate(scope.from, { zone: scope.timezone }).startOf(unit);
    at.toMillis() < scope.to.getTime();
    at = at.plus({ [unit + 's']: 1 })
  ) {
    starts.push(at.toJSDate());
  }
  return starts;
}

const orNull = (id: string | null) => (id === noneId ? null : id);
const busiest = (a: InsightFigures & { key: string }, b: InsightFigures & { key: string }) =>
  b.joined - a.joined || b.served - a.served || (a.key < b.key ? -1 : 1);

/** The answer, from the two statements' rows (insights-query.ts). */
export function assembleInsights(scope: InsightsScope, rows: FigureRow[], histograms: MergedHistograms): Insights {
  const total = rows.find((row) => row.grouping === 'total') ?? emptyRow('total');
  const byBucket = new Map(rows.filter((row) => row.grouping === 'bucket').map((row) => [row.bucket!.getTime(), row]));
  const busyHours = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  for (const row of rows) if (row.grouping === 'hourOfWeek') busyHours[row.dow! - 1][row.hour!] += row.joined;
  const listed = (grouping: 'service' | 'staff') =>
    rows
      .filter((row) => row.grouping === grouping)
      .map((row) => ({ ...figures(row, histograms), key: (grouping === 'service' ? row.serviceId : row.staffId)! }))
      .sort(busiest);
  return {
    from: scope.from,
    to: scope.to,
    granularity: scope.granularity,
    timezone: scope.timezone,
    ...figures(total, histograms),
    busyHours,
    series: bucketStarts(scope).map((start) => {
      const row = byBucket.get(start.getTime()) ?? { ...emptyRow('bucket'), bucket: start };
      return { start, ...figures(row, histograms) };
    }),
    byService: listed('service').map(({ key, ...rest }) => ({ serviceId: orNull(key), ...rest })),
    byStaff: listed('staff').map(({ key, ...rest }) => ({ staffId: orNull(key), ...rest })),
  };
}
