import type { JobCatalog, JobName, QueueName } from './catalog';

export interface AddOptions {
  /**
   * Deduplicates: a job with this id that exists (waiting, active, delayed, or kept after it
   * finished) is not added again. Producers key jobs by what they are about (the outbox row,
   * the visit and kind), so a retried producer adds nothing twice.
   */
  jobId?: string;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** 1 is the most urgent (BullMQ's order); "called" notifications use it. Default: none (after prioritized ones). */
  priority?: number;
}

/** One job to add, as `add` takes it. */
export type NewJob = { [N in JobName]: { name: N; data: JobCatalog[N]; options?: AddOptions } }[JobName];

/** The producer side: what the relay and the mutations use to hand work on. */
export interface JobQueue {
  add<N extends JobName>(name: N, data: JobCatalog[N], options?: AddOptions): Promise<void>;
  /** Several jobs in one round trip per queue (a fan-out to 1,000 webhook endpoints); the same dedupe by jobId. */
  addBulk(jobs: readonly NewJob[]): Promise<void>;
  close(): Promise<void>;
}

export interface JobContext {
  id: string;
  /** 1 on the first run. */
  attempt: number;
  /** The attempt after which the job fails for good (a handler may record the final failure). */
  maxAttempts: number;
}

export type JobHandler<N extends JobName> = (data: JobCatalog[N], job: JobContext) => Promise<void>;
export type JobHandlers = { [N in JobName]?: JobHandler<N> };

/** A job that failed every attempt: listed, and retried by hand once the cause is fixed. */
export interface DeadJob {
  queue: QueueName;
  id: string;
  name: JobName;
  data: unknown;
  attempts: number;
  failedReason: string;
  failedAt: Date | null;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

/** The consumer side: runs handlers with retries, concurrency and rate limits per queue. */
export interface JobRunner {
  /** Stops taking jobs, lets the active ones finish (or returns them to their queue past the grace time), then closes. */
  close(graceMs?: number): Promise<void>;
  deadJobs(queue?: QueueName): Promise<DeadJob[]>;
  /** Puts a dead job back in its queue, for a fresh set of attempts. */
  retryDead(queue: QueueName, id: string): Promise<void>;
  counts(): Promise<Record<QueueName, QueueCounts>>;
}

export interface RunnerOptions {
  /** Jobs in flight per queue in this process (BullMQ's worker concurrency); defaults from configuration. */
  concurrency?: Partial<Record<QueueName, number>>;
  /** Most jobs started per second per queue, across every worker process (provider rate limits). */
  perSecond?: Partial<Record<QueueName, number>>;
  /** Multiplies every retry policy's backoff (tests make retries fast); 1 by default. */
  backoffScale?: number;
  /** Register the repeated jobs (catalog.ts repeatEveryMs) whose handlers are given; default true. */
  repeat?: boolean;
  /** Replaces catalog.ts repeatEveryMs for some jobs (tests repeat fast). */
  repeatEveryMs?: Partial<Record<JobName, number>>;
}

/**
 * The job system of a process: BullMQ on Redis when REDIS_URL is set, otherwise in this
 * process's memory (the embedded default: `npm start` needs nothing), behind one interface.
 */
export interface Jobs {
  readonly kind: 'bullmq' | 'memory';
  queue: JobQueue;
  /** Starts handling jobs here (the workers service, or the all-in-one process). */
  startRunner(handlers: JobHandlers, options?: RunnerOptions): Promise<JobRunner>;
  close(): Promise<void>;
}
