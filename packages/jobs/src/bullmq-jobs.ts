import { Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import { connectRedis, hashTagged, type RedisTarget } from '@waitlessq/redis';
import { currentTraceCarrier, parseTraceCarrier, runInTrace } from '@waitlessq/observability';
import { jobQueue, repeatEveryMs, retryPolicy, type JobCatalog, type JobName, type QueueName } from './catalog';
import type { AddOptions, DeadJob, JobHandler, JobHandlers, JobRunner, Jobs, NewJob, QueueCounts, RunnerOptions } from './jobs';
import { gaugeCounts, measured } from './job-metrics';
import { backoffDelay, concurrencyOf, keptRepeatedFailures, lowestPriority, perSecondOf, queueNames, type JobSettings } from './runner-settings';

export interface BullmqJobsOptions extends RedisTarget {
  /**
   * BullMQ's key prefix: keys are `${prefix}:${queue}:...` (e.g. `wlq:jobs`). On a Redis Cluster
   * it is the hash tag (`{wlq:jobs}:...`): BullMQ's scripts touch several keys of a queue, and
   * of queues that depend on each other, so every job key lives in one slot (one master).
   */
  prefix: string;
  settings: JobSettings;
  /**
   * How long adding a job, reading counts or dead jobs, or registering a repeated job may wait
   * for Redis before it fails (BullMQ waits for a connection forever). 5 s by default. An add
   * that timed out may still happen once Redis is back: give jobs an id to make that harmless.
   */
  commandTimeoutMs?: number;
}

/** Every job's backoff names this strategy: the worker computes it, so a runner's backoffScale applies. */
const backoffType = 'wlq-exponential';
/** Completed jobs are kept a day (at most this many per queue): their ids still deduplicate. */
const keepCompleted = { age: 24 * 3600, count: 100_000 };
/** The dead-letter list reads at most this many jobs per queue. */
const deadListLimit = 1_000;

/**
 * BullMQ refuses custom ids that are integers or contain ':' (its own separator); producers key
 * jobs freely (`visit:<id>:CALLED`), so ids are escaped the same way every time: the dedupe holds.
 */
export function queueJobId(id: string): string {
  const escaped = id.replace(/%/g, '%25').replace(/:/g, '%3A');
  return `${parseInt(escaped, 10)}` === escaped ? `%N${escaped}` : escaped;
}

/** The id a producer gave, from the queue's (BullMQ's own numeric ids are unchanged). */
export function producerJobId(queueId: string): string {
  const escaped = queueId.startsWith('%N') ? queueId.slice(2) : queueId;
  return escaped.replace(/%3A/g, ':').replace(/%25/g, '%');
}

/**
 * The job system on BullMQ: one queue per channel (created when first used), and in a runner
 * one worker per queue that has handlers, dispatching by job name. Its own Redis connection,
 * which waits for Redis rather than failing fast (BullMQ's blocking commands need that).
 */
export function createBullmqJobs(options: BullmqJobsOptions): Jobs {
  const connection = connectRedis(options, { maxRetriesPerRequest: null });
  const prefix = hashTagged(connection, options.prefix);
  const timeoutMs = options.commandTimeoutMs ?? 5_000;
  const bounded = <T>(what: string, promise: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`The job queues did not answer within ${timeoutMs} ms (${what}): is Redis reachable?`)), timeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  };
  // Errors are reported by the commands that fail; an unhandled 'error' event would crash the process.
  connection.on('error', () => undefined);
  // Adding jobs happens on request paths (the outbox relay holds a queue's lock meanwhile): with
  // Redis gone it must fail at once, not wait in an offline queue (the outbox keeps the change
  // and it is relayed again when Redis is back). Only the first connect is waited for.
  const producer = connectRedis(options, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  producer.on('error', () => undefined);
  const producerReady = async (what: string): Promise<void> => {
    if (producer.status === 'ready') return;
    if (producer.status === 'wait' || producer.status === 'connecting' || producer.status === 'connect') {
      await bounded(what, new Promise<void>((resolve) => producer.once('ready', () => resolve())));
      return;
    }
    throw new Error(`The job queues are unavailable: Redis is ${producer.status}.`);
  };
  const producerQueues = new Map<QueueName, Queue>();
  const producerQueueOf = (queue: QueueName): Queue => {
    let existing = producerQueues.get(queue);
    if (!existing) {
      existing = new Queue(queue, { connection: producer, prefix });
      existing.on('error', () => undefined);
      producerQueues.set(queue, existing);
    }
    return existing;
  };
  const queues = new Map<QueueName, Queue>();
  const runners = new Set<JobRunner>();

  const queueOf = (queue: QueueName): Queue => {
    let existing = queues.get(queue);
    if (!existing) {
      existing = new Queue(queue, { connection, prefix });
      existing.on('error', () => undefined);
      queues.set(queue, existing);
    }
    return existing;
  };

  const jobOptions = (name: JobName): JobsOptions => ({
    attempts: retryPolicy[name].attempts,
    backoff: { type: backoffType, delay: retryPolicy[name].backoffMs },
    removeOnComplete: keepCompleted,
    // Jobs that failed every attempt stay: they are the dead-letter list, retried by hand. Of a
    // repeated job (the next run comes anyway) only the last failures are kept.
    removeOnFail: repeatEveryMs[name] === undefined ? false : { count: keptRepeatedFailures },
    priority: lowestPriority,
  });

  // The producer's trace context (when tracing is on) travels in BullMQ's own field for it,
  // telemetry.metadata (stored with the job, never in its data): the worker continues the trace.
  const optionsOf = (name: JobName, addOptions: AddOptions = {}, trace = currentTraceCarrier()): JobsOptions => ({
    ...jobOptions(name),
    ...(trace && { telemetry: { metadata: JSON.stringify(trace) } }),
    ...(addOptions.jobId !== undefined && { jobId: queueJobId(addOptions.jobId) }),
    ...(addOptions.delayMs && addOptions.delayMs > 0 && { delay: addOptions.delayMs }),
    ...(addOptions.priority !== undefined && { priority: Math.min(lowestPriority, Math.max(1, Math.floor(addOptions.priority))) }),
  });
  const add = async <N extends JobName>(name: N, data: JobCatalog[N], addOptions: AddOptions = {}) => {
    await producerReady(`adding ${name}`);
    await bounded(`adding ${name}`, producerQueueOf(jobQueue[name]).add(name, data, optionsOf(name, addOptions)));
  };
  const addBulk = async (jobs: readonly NewJob[]) => {
    const trace = currentTraceCarrier();
    const byQueue = new Map<QueueName, NewJob[]>();
    for (const job of jobs) byQueue.set(jobQueue[job.name], [...(byQueue.get(jobQueue[job.name]) ?? []), job]);
    await bounded(
      `adding ${jobs.length} jobs`,
      producerReady(`adding ${jobs.length} jobs`).then(() =>
        Promise.all(
          [...byQueue].map(([queue, group]) =>
            producerQueueOf(queue).addBulk(group.map((job) => ({ name: job.name, data: job.data, opts: optionsOf(job.name, job.options, trace) }))),
          ),
        ),
      ),
    );
  };

  const counts = async (): Promise<Record<QueueName, QueueCounts>> => {
    const entries = await bounded(
      'counting jobs',
      Promise.all(
        queueNames.map(async (queue) => {
          const c = await queueOf(queue).getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed', 'completed');
          // Prioritized jobs (all of ours) are waiting jobs in BullMQ's own sorted set.
          const waiting: QueueCounts = { waiting: c.wait + c.prioritized, active: c.active, delayed: c.delayed, failed: c.failed, completed: c.completed };
          return [queue, waiting] as const;
        }),
      ),
    );
    return Object.fromEntries(entries) as Record<QueueName, QueueCounts>;
  };

  const deadJobs = async (queue?: QueueName): Promise<DeadJob[]> => {
    const lists = await bounded(
      'listing dead jobs',
      Promise.all(
        (queue ? [queue] : queueNames).map(async (name) => {
          const failed = await queueOf(name).getFailed(0, deadListLimit - 1);
          return failed.filter(Boolean).map((job): DeadJob => ({
            queue: name,
            id: producerJobId(job.id!),
            name: job.name as JobName,
            data: job.data,
            attempts: job.attemptsMade,
            failedReason: job.failedReason ?? '',
            failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
          }));
        }),
      ),
    );
    return lists.flat();
  };

  const retryDead = async (queue: QueueName, id: string) => {
    // The producer's id, or failing that a numeric id BullMQ gave a job added without one.
    await bounded(
      'retrying a dead job',
      (async () => {
        const job = (await queueOf(queue).getJob(queueJobId(id))) ?? (await queueOf(queue).getJob(id));
        if (!job || !(await job.isFailed())) throw new Error(`No dead job ${id} in queue ${queue}`);
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      })(),
    );
  };

  const startRunner = async (handlers: JobHandlers, runnerOptions: RunnerOptions = {}): Promise<JobRunner> => {
    const scale = runnerOptions.backoffScale ?? 1;
    // Schedulers first: when Redis is down this fails before any worker exists.
    if (runnerOptions.repeat !== false) {
      for (const name of Object.keys(handlers) as JobName[]) {
        const every = runnerOptions.repeatEveryMs?.[name] ?? repeatEveryMs[name];
        if (!handlers[name] || every === undefined) continue;
        // Upserted by every worker process: one scheduler per job name, so one run per interval across them.
        await bounded(`scheduling ${name}`, queueOf(jobQueue[name]).upsertJobScheduler(name, { every }, { name, data: {}, opts: jobOptions(name) }));
      }
    }

    const handled = queueNames.filter((queue) => (Object.keys(handlers) as JobName[]).some((name) => handlers[name] && jobQueue[name] === queue));
    const workers = handled.map((queue) => {
      const perSecond = perSecondOf(queue, runnerOptions, options.settings);
      const worker = new Worker(queue, (job: Job) => handle(queue, job), {
        connection,
        prefix,
        concurrency: concurrencyOf(queue, runnerOptions, options.settings),
        ...(perSecond !== null && { limiter: { max: perSecond, duration: 1_000 } }),
        settings: {
          backoffStrategy: (attemptsMade, _type, _error, job) =>
            backoffDelay(
              job?.opts.backoff && typeof job.opts.backoff === 'object'
                ? (job.opts.backoff.delay ?? 0)
                : (retryPolicy[job?.name as JobName]?.backoffMs ?? 1_000),
              attemptsMade,
              scale,
            ),
        },
      });
      // A lost connection is retried by ioredis; the event must have a listener not to crash the process.
      worker.on('error', () => undefined);
      return worker;
    });

    let inFlight = 0;
    async function handle(queue: QueueName, job: Job) {
      inFlight++;
      try {
        await run(queue, job);
      } finally {
        inFlight--;
      }
    }
    async function run(queue: QueueName, job: Job) {
      const name = job.name as JobName;
      const handler = handlers[name] as JobHandler<JobName> | undefined;
      const attempt = job.attemptsMade + 1;
      const maxAttempts = job.opts.attempts ?? 1;
      const attributes = { 'messaging.system': 'bullmq', 'messaging.destination.name': queue, 'messaging.message.id': job.id!, 'job.attempt': attempt };
      await runInTrace(`job ${name}`, parseTraceCarrier(job.opts.telemetry?.metadata), attributes, () =>
        measured(queue, name, attempt >= maxAttempts, async () => {
          if (!handler) throw new Error(`No handler for job ${name} in this runner`);
          await handler(job.data as JobCatalog[JobName], { id: job.id!, attempt, maxAttempts });
        }),
      );
    }

    const stopGauge = gaugeCounts(counts);
    let closing: Promise<void> | null = null;
    const runner: JobRunner = {
      close: (graceMs = 10_000) =>
        (closing ??= (async () => {
          stopGauge();
          let graceTimer: NodeJS.Timeout | undefined;
          // Pausing stops taking jobs and waits for the active ones; past the grace time the
          // workers close anyway: those jobs' locks lapse and the stalled check of another
          // worker puts them back in their queue.
          // Without Redis, pausing waits for a connection: nothing to wait for once no job runs here.
          let idleCheck: NodeJS.Timeout | undefined;
          await Promise.race([
            Promise.all(workers.map((worker) => worker.pause())),
            new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, graceMs))),
            new Promise<void>((resolve) => {
              idleCheck = setInterval(() => connection.status !== 'ready' && inFlight === 0 && resolve(), 100);
            }),
          ]);
          clearTimeout(graceTimer);
          clearInterval(idleCheck);
          await Promise.all(workers.map((worker) => worker.close(true)));
          runners.delete(runner);
        })()),
      deadJobs,
      retryDead,
      counts,
    };
    runners.add(runner);
    return runner;
  };

  return {
    kind: 'bullmq',
    queue: { add, addBulk, close: async () => undefined },
    startRunner,
    close: async () => {
      await Promise.all([...runners].map((runner) => runner.close()));
      await Promise.all([...queues.values(), ...producerQueues.values()].map((queue) => queue.close()));
      queues.clear();
      producerQueues.clear();
      // QUIT needs an answer; a connection that is not up is just dropped (and stops reconnecting).
      for (const client of [connection, producer]) {
        if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
        else client.disconnect();
      }
    },
  };
}
