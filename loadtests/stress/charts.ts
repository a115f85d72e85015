/** The stress run's results and its charts (Vega-Lite specs, drawn by loadtests/charts.ts). */
import type { Chart } from '../charts';
import type { MachineLoad } from '../machine';
import type { Summary } from '../stats';

export interface StressStep {
  targetRate: number;
  achievedRate: number;
  seconds: number;
  sent: number;
  ok: number;
  errors: number;
  errorsByCode: Record<string, number>;
  firstErrors: string[];
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  byOperationP95Ms: Record<string, number>;
  live: { open: number; deliveries: number; errors: number; deliveryMs: Summary };
  /** CPU of each service process over the step, in cores. */
  serviceCores: Record<string, number>;
  servicesCores: number;
  machine: MachineLoad;
}

export interface StressResults {
  kind: 'stress';
  at: string;
  host: string;
  options: Record<string, number>;
  mix: Record<string, number>;
  p95TargetMs: number;
  knee: StressStep | null;
  busySteps: number;
  /** The first error lines each service logged. */
  serviceErrors: Record<string, string[]>;
  steps: StressStep[];
}

/** The highest step with p95 under the target and no error. */
export function kneeOf(steps: readonly StressStep[], p95TargetMs: number): StressStep | null {
  const good = steps.filter((step) => step.errors === 0 && step.ok > 0 && step.p95Ms < p95TargetMs);
  return good.length === 0 ? null : good.reduce((best, step) => (step.targetRate > best.targetRate ? step : best));
}

const schema = 'https://vega.github.io/schema/vega-lite/v6.json';
const rateAxis = { field: 'rate', type: 'quantitative', title: 'rate asked (requests/s)' } as const;

export function charts(results: StressResults): Chart[] {
  const when = `${results.at.slice(0, 16).replace('T', ' ')} UTC`;
  const busy = results.busySteps > 0 ? `, ${results.busySteps} of ${results.steps.length} steps on a BUSY machine` : '';
  const subtitle = `${results.host}; ${when}${busy}`;
  const latency = results.steps.flatMap((step) =>
    (['p50Ms', 'p95Ms', 'p99Ms'] as const).map((key) => ({ rate: step.targetRate, percentile: key.slice(0, 3), ms: step[key], busy: step.machine.busy })),
  );
  const knee = results.knee ? [{ rate: results.knee.targetRate }] : [];
  const throughput = results.steps.flatMap((step) => [
    { rate: step.targetRate, series: 'answered/s', value: step.achievedRate },
    { rate: step.targetRate, series: 'errors/s', value: Math.round((step.errors / step.seconds) * 10) / 10 },
  ]);
  const cpu = results.steps.flatMap((step) => Object.entries(step.serviceCores).map(([service, cores]) => ({ rate: step.targetRate, service, cores })));
  return [
    {
      file: 'stress-latency.png',
      spec: {
        $schema: schema,
        title: { text: `Latency by rate (knee: ${results.knee ? `${results.knee.targetRate} req/s` : 'none'})`, subtitle },
        width: 560,
        height: 300,
        layer: [
          {
            data: { values: latency },
            mark: { type: 'line', point: true },
            encoding: {
              x: rateAxis,
              y: { field: 'ms', type: 'quantitative', title: 'latency from due time (ms)', scale: { type: 'log' } },
              color: { field: 'percentile', type: 'nominal', title: null },
            },
          },
          {
            data: { values: [{ ms: results.p95TargetMs }] },
            mark: { type: 'rule', strokeDash: [6, 4], color: '#c00' },
            encoding: { y: { field: 'ms', type: 'quantitative' } },
          },
          {
            data: { values: knee },
            mark: { type: 'rule', color: '#090' },
            encoding: { x: { field: 'rate', type: 'quantitative' } },
          },
        ],
      },
    },
    {
      file: 'stress-throughput.png',
      spec: {
        $schema: schema,
        title: { text: 'Requests answered and errors by rate asked', subtitle },
        width: 560,
        height: 300,
        layer: [
          {
            data: { values: throughput },
            mark: { type: 'line', point: true },
            encoding: {
              x: rateAxis,
              y: { field: 'value', type: 'quantitative', title: 'per second' },
              color: { field: 'series', type: 'nominal', title: null },
            },
          },
          {
            data: { values: results.steps.map((step) => ({ rate: step.targetRate })) },
            mark: { type: 'line', strokeDash: [2, 3], color: '#999' },
            encoding: { x: rateAxis, y: { field: 'rate', type: 'quantitative' } },
          },
        ],
      },
    },
    {
      file: 'stress-cpu.png',
      spec: {
        $schema: schema,
        title: { text: 'CPU of each service by rate asked', subtitle },
        width: 560,
        height: 300,
        data: { values: cpu },
        mark: 'area',
        encoding: {
          x: rateAxis,
          y: { field: 'cores', type: 'quantitative', stack: 'zero', title: 'cores (2 on this machine)' },
          color: { field: 'service', type: 'nominal' },
        },
      },
    },
  ];
}
