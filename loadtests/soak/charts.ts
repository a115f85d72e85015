/** The soak run's results and its charts (Vega-Lite specs, drawn by loadtests/charts.ts). */
import type { Chart } from '../charts';
import type { MachineLoad } from '../machine';
import type { Flatness } from './flatness';
import type { SoakReadings } from './samplers';

export interface SoakSample extends SoakReadings {
  /** Seconds since the load started. */
  t: number;
  achievedRate: number;
  errors: number;
  errorsByCode: Record<string, number>;
  p50Ms: number;
  p95Ms: number;
  live: { open: number; deliveries: number; deliveryP95Ms: number };
  machine: MachineLoad;
}

export interface SoakResults {
  kind: 'soak';
  at: string;
  host: string;
  options: Record<string, number>;
  mix: Record<string, number>;
  requests: { errors: number; meanRate: number };
  verdict: 'pass' | 'fail' | 'not judged';
  /** The machine's load over the whole run. */
  machine: MachineLoad;
  busySamples: number;
  /** The first error lines each service logged. */
  serviceErrors: Record<string, string[]>;
  flatness: Flatness[];
  /** The API's p95 judged the same way, for context only: it follows the machine's load. */
  latencyTrend: Flatness;
  samples: SoakSample[];
}

const schema = 'https://vega.github.io/schema/vega-lite/v6.json';
const minutes = { field: 'minute', type: 'quantitative', title: 'minutes into the soak' } as const;

/** One line per key of a per-service reading, faceted by measure with a y scale each. */
function faceted(title: string, subtitle: string, values: { minute: number; measure: string; series: string; value: number }[], legend: string): Chart['spec'] {
  return {
    $schema: schema,
    title: { text: title, subtitle },
    data: { values },
    facet: { row: { field: 'measure', type: 'nominal', title: null } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 560,
      height: 160,
      mark: { type: 'line', point: { size: 12 } },
      encoding: { x: minutes, y: { field: 'value', type: 'quantitative', title: null }, color: { field: 'series', type: 'nominal', title: legend } },
    },
  };
}

export function charts(results: SoakResults): Chart[] {
  const busy = results.busySamples > 0 ? `, ${results.busySamples} of ${results.samples.length} samples on a BUSY machine` : '';
  const subtitle = `${results.options.minutes} min at ${results.options.rate} req/s; ${results.host}; ${results.at.slice(0, 16).replace('T', ' ')} UTC${busy}`;
  const minute = (t: number) => Math.round((t / 60) * 100) / 100;
  const perService = (measure: string, pick: (s: SoakSample) => Record<string, number>) =>
    results.samples.flatMap((s) => Object.entries(pick(s)).map(([series, value]) => ({ minute: minute(s.t), measure, series, value })));
  const failing = results.flatness.filter((v) => v.pass === false).map((v) => v.series);
  const verdict = `verdict: ${results.verdict}${failing.length ? ` (grows: ${failing.join(', ')})` : ''}`;
  const one = (measure: string, series: string, value: (s: SoakSample) => number) =>
    results.samples.map((s) => ({ minute: minute(s.t), measure, series, value: value(s) }));
  return [
    {
      file: 'soak-memory.png',
      spec: faceted(
        `Memory of each service (${verdict})`,
        subtitle,
        [...perService('RSS (MiB)', (s) => s.rssMiB), ...perService('V8 heap used (MiB)', (s) => s.heapMiB)],
        'service',
      ),
    },
    {
      file: 'soak-connections.png',
      spec: faceted(
        'Connections held by each service',
        subtitle,
        [...perService('PostgreSQL backends', (s) => s.pgConnections), ...perService('Redis clients', (s) => s.redisClients)],
        'service',
      ),
    },
    {
      file: 'soak-backlogs.png',
      spec: faceted(
        `Event log, outbox and jobs (event log retention ${results.options.retentionSeconds} s)`,
        subtitle,
        [
          ...one('event log entries', 'entries', (s) => s.eventLog.entries),
          ...one('event log memory (KiB)', 'KiB', (s) => s.eventLog.kib),
          ...one('outbox rows / jobs waiting', 'outbox rows', (s) => s.outbox.rows),
          ...one('outbox rows / jobs waiting', 'jobs waiting', (s) => s.jobsWaiting),
        ],
        'series',
      ),
    },
    {
      file: 'soak-latency.png',
      spec: faceted(
        'Requests over the soak',
        subtitle,
        [
          ...one('latency (ms)', 'p50', (s) => s.p50Ms),
          ...one('latency (ms)', 'p95', (s) => s.p95Ms),
          ...one('answered/s and errors', 'answered/s', (s) => s.achievedRate),
          ...one('answered/s and errors', 'errors', (s) => s.errors),
        ],
        'series',
      ),
    },
  ];
}
