import { DateTime } from 'luxon';
import type { InsightFigures, Insights } from './insights-report';

const columns = [
  'section',
  'start',
  'serviceId',
  'staffId',
  'joined',
  'served',
  'noShows',
  'cancelled',
  'abandoned',
  'abandonmentRate',
  'waitP50Minutes',
  'waitP90Minutes',
  'serviceP50Minutes',
  'serviceP90Minutes',
  'throughputPerHour',
  'etaMeanAbsoluteMinutes',
  'etaMeanAbsoluteLatestMinutes',
  'etaBiasMinutes',
  'etaSamples',
] as const;

const cell = (value: string | number | null) => {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

const figureCells = (f: InsightFigures) => [
  f.joined,
  f.served,
  f.noShows,
  f.cancelled,
  f.abandoned,
  f.abandonmentRate,
  f.waitMinutes.p50,
  f.waitMinutes.p90,
  f.serviceMinutes.p50,
  f.serviceMinutes.p90,
  f.throughputPerHour,
  f.etaError.meanAbsoluteMinutes,
  f.etaError.meanAbsoluteLatestMinutes,
  f.etaError.biasMinutes,
  f.etaError.samples,
];

/**
 * The figures of an insights answer as CSV (RFC 4180, CRLF line ends, a header row): one
 * `total` row, one `bucket` row per series bucket (start in the business's zone, with its
 * offset), then one `service` and one `staff` row per breakdown entry (empty id: no service,
 * or not called by anyone). Empty cells are figures without samples.
 */
export function insightsCsv(insights: Insights): string {
  const local = (at: Date) => DateTime.fromJSDate(at, { zone: insights.timezone }).toISO();
  const rows: (string | number | null)[][] = [
    [...columns],
    ['total', local(insights.from), null, null, ...figureCells(insights)],
    ...insights.series.map((bucket) => ['bucket', local(bucket.start), null, null, ...figureCells(bucket)]),
    ...insights.byService.map((entry) => ['service', null, entry.serviceId, null, ...figureCells(entry)]),
    ...insights.byStaff.map((entry) => ['staff', null, null, entry.staffId, ...figureCells(entry)]),
  ];
  return rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
