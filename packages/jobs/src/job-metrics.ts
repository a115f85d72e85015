import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from '@waitlessq/observability';
import { jobQueue, type QueueName } from './catalog';
import type { QueueCounts } from './jobs';
import { queueNames } from './runner-settings';

/** How a run of a job ended: done, failed with attempts left, or failed for good (dead). */
export type JobOutcome = 'completed' | 'retry' | 'dead';
const jobOutcomes: readonly JobOutcome[] = ['completed', 'retry', 'dead'];

export interface JobMetrics {
  duration: Histogram<'queue' | 'name' | 'outcome'>;
  processed: Counter<'queue' | 'name' | 'outcome'>;
}

type CountsSource = () => Promise<Record<QueueName, QueueCounts>>;
const sources = new Set<CountsSource>();
const gaugedStates = ['waiting', 'active', 'delayed', 'failed'] as const;
let instruments: JobMetrics | undefined;

/** Created once per process (metricsRegistry refuses a name twice). */
export function jobMetrics(): JobMetrics {
  if (instruments) return instruments;
  new Gauge({
    name: 'wlq_jobs',
    help: 'Background jobs by queue and state (waiting, active, delayed, failed for good), read on scrape',
    labelNames: ['queue', 'state'],
    registers: [metricsRegistry],
    async collect() {
      this.reset();
      for (const queue of queueNames) for (const state of gaugedStates) this.set({ queue, state }, 0);
      for (const source of sources) {
        // Several runners in one process (tests) add up; a Redis that is down leaves zeros.
        const counts = await source().catch(() => null);
        if (!counts) continue;
        for (const queue of queueNames) for (const state of gaugedStates) this.inc({ queue, state }, counts[queue][state]);
      }
    },
  });
  instruments = {
    duration: new Histogram({
      name: 'wlq_job_duration_seconds',
      help: 'Time a job handler ran, by queue, job name and outcome',
      labelNames: ['queue', 'name', 'outcome'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [metricsRegistry],
    }),
    processed: new Counter({
      name: 'wlq_jobs_processed_total',
      help: 'Job runs by queue, job name and outcome (completed, retry, dead)',
      labelNames: ['queue', 'name', 'outcome'],
      registers: [metricsRegistry],
    }),
  };
  // Every job's outcomes from 0: a series that appears with its first failure has no earlier
  // sample, so increase() and rate() would not see that failure (the dead-jobs alert).
  for (const [name, queue] of Object.entries(jobQueue)) for (const outcome of jobOutcomes) instruments.processed.inc({ queue, name, outcome }, 0);
  return instruments;
}

/** A runner's counts feed the wlq_jobs gauge while it runs; the returned function stops that. */
export function gaugeCounts(source: CountsSource): () => void {
  jobMetrics();
  sources.add(source);
  return () => void sources.delete(source);
}

/** Times one run of a handler and records its outcome. */
export async function measured<T>(queue: QueueName, name: string, lastAttempt: boolean, run: () => Promise<T>): Promise<T> {
  const { duration, processed } = jobMetrics();
  const end = duration.startTimer({ queue, name });
  try {
    const result = await run();
    end({ outcome: 'completed' });
    processed.inc({ queue, name, outcome: 'completed' });
    return result;
  } catch (error) {
    const outcome: JobOutcome = lastAttempt ? 'dead' : 'retry';
    end({ outcome });
    processed.inc({ queue, name, outcome });
    throw error;
  }
}
