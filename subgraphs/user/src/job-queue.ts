import type { JobQueue, Jobs } from '@waitlessq/jobs';
import type { ServiceRuntime } from '@waitlessq/subgraph-kit';

/** The producer side of the process's job system (runtime.jobs), for mutations that hand work on. */
export function jobQueueOf(runtime: ServiceRuntime): JobQueue {
  const jobs = (runtime as ServiceRuntime & { jobs?: Jobs }).jobs;
  if (!jobs) throw new Error('This process has no job system (runtime.jobs is not set).');
  return jobs.queue;
}
