import type { Config } from '@waitlessq/config';
import { currentTraceCarrier, runInTrace, type TraceCarrier } from '@waitlessq/observability';
import { jobQueue, repeatEveryMs, retryPolicy, type JobCatalog, type JobName, type QueueName } from './catalog';
import type { AddOptions, DeadJob, JobHandler, JobHandlers, JobRunner, Jobs, NewJob, QueueCounts, RunnerOptions } from './jobs';
import { gaugeCounts, measured } from './job-metrics';
import { backoffDelay, concurrencyOf, defaultJobSettings, errorMessage, keptRepeatedFailures, perSecondOf, queueNames } from './runner-settings';

/** BullMQ keeps completed jobs (and so their ids) this long; so does memory, for the same dedupe. */
const keepCompletedMs = 24 * 3600_000;

type State = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';

interface MemoryJob {
  id: string;
  name: JobName;
  queue: QueueName;
  data: unknown;
  /** Lower runs first; jobs without a priority come after every prioritized one. */
  priority: number;
  /** Arrival order among equal priorities (renewed when a delayed job becomes due, as in BullMQ). */
  order: number;
  runAt: number;
  attemptsMade: number;
  state: State;
  /** Changes when a run is abandoned (close past its grace time), so its late result is ignored. */
  run: number;
  failedReason: string;
  failedAt: Date | null;
  finishedAt: number;
  /** The trace context of whoever added it (tracing on), continued by its runs. */
  trace: TraceCarrier | undefined;
}

interface Runner {
  handlers: JobHandlers;
  options: RunnerOptions;
  closing: boolean;
  active: Map<QueueName, Set<MemoryJob>>;
  /** Fixed one-second windows of started jobs, for the queues with a rate limit. */
  windows: Map<QueueName, { start: number; started: number }>;
  intervals: NodeJS.Timeout[];
  idle: Array<() => void>;
  stopGauge: () => void;
}

/**
 * The job system of the embedded default: the semantics of the BullMQ one (ids deduplicate,
 * delays, priorities, per-queue concurrency and rate limits, retries with exponential backoff,
 * dead jobs listed and retried, repeated jobs, graceful close) in this process's memory.
 * Jobs are lost when the process ends, as is everything else the embedded default keeps.
 */
export function createMemoryJobs(config?: Pick<Config, 'notifications'>): Jobs {
  const settings = config?.notifications.jobs ?? defaultJobSettings;
  const jobs = new Map<string, MemoryJob>();
  const pending = new Map<QueueName, MemoryJob[]>(queueNames.map((queue) => [queue, []]));
  let order = 0;
  let nextId = 0;
  let lastPrune = Date.now();
  let runner: Runner | null = null;
  let timer: NodeJS.Timeout | null = null;
  let pumpQueued = false;
  let closed = false;

  const prune = (now: number) => {
    if (now - lastPrune < 60_000) return;
    lastPrune = now;
    for (const [id, job] of jobs) if (job.state === 'completed' && now - job.finishedAt > keepCompletedMs) jobs.delete(id);
  };

  const enqueue = (job: MemoryJob, delayMs: number) => {
    const now = Date.now();
    job.runAt = now + Math.max(0, delayMs);
    job.state = delayMs > 0 ? 'delayed' : 'waiting';
    job.order = ++order;
    pending.get(job.queue)!.push(job);
    schedule();
  };

  const add = async <N extends JobName>(name: N, data: JobCatalog[N], options: AddOptions = {}) => {
    if (closed) throw new Error('The job system is closed');
    const now = Date.now();
    prune(now);
    const id = options.jobId ?? `${++nextId}`;
    if (jobs.has(id)) return;
    const job: MemoryJob = {
      id,
      name,
      queue: jobQueue[name],
      // A copy: the handler sees the data as it was added, as with a queue in Redis.
      data: structuredClone(data),
      priority: options.priority ?? Number.POSITIVE_INFINITY,
      order: 0,
      runAt: now,
      attemptsMade: 0,
      state: 'waiting',
      run: 0,
      failedReason: '',
      failedAt: null,
      finishedAt: 0,
      trace: currentTraceCarrier(),
    };
    jobs.set(id, job);
    enqueue(job, options.delayMs ?? 0);
  };

  /** Runs the pump once the current synchronous work is done (adds in a loop start one pump). */
  function schedule() {
    if (pumpQueued || closed) return;
    pumpQueued = true;
    setImmediate(() => {
      pumpQueued = false;
      pump();
    }).unref();
  }

  function pump() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (closed) return;
    const now = Date.now();
    let wakeAt = Number.POSITIVE_INFINITY;
    for (const queue of queueNames) {
      const list = pending.get(queue)!;
      for (const job of list) {
        if (job.state === 'delayed' && job.runAt <= now) {
          job.state = 'waiting';
          job.order = ++order;
        }
        if (job.state === 'delayed') wakeAt = Math.min(wakeAt, job.runAt);
      }
      if (!runner || runner.closing || !handlesQueue(runner, queue)) continue;
      const limit = concurrencyOf(queue, runner.options, settings);
      const active = runner.active.get(queue)!;
      while (active.size < limit) {
        const perSecond = perSecondOf(queue, runner.options, settings);
        if (perSecond !== null) {
          const window = runner.windows.get(queue) ?? { start: now, started: 0 };
          if (now - window.start >= 1000) Object.assign(window, { start: now, started: 0 });
          runner.windows.set(queue, window);
          if (window.started >= perSecond) {
            wakeAt = Math.min(wakeAt, window.start + 1000);
            break;
          }
        }
        const next = nextWaiting(list);
        if (!next) break;
        if (perSecond !== null) runner.windows.get(queue)!.started++;
        start(runner, next);
      }
    }
    if (wakeAt !== Number.POSITIVE_INFINITY) {
      timer = setTimeout(pump, Math.max(0, wakeAt - Date.now()));
      timer.unref();
    }
  }

  const nextWaiting = (list: MemoryJob[]): MemoryJob | null => {
    let best = -1;
    for (let i = 0; i < list.length; i++) {
      const job = list[i];
      if (job.state !== 'waiting') continue;
      const current = best >= 0 ? list[best] : null;
      if (!current || job.priority < current.priority || (job.priority === current.priority && job.order < current.order)) best = i;
    }
    if (best < 0) return null;
    return list.splice(best, 1)[0];
  };

  const handlesQueue = (r: Runner, queue: QueueName) => (Object.keys(r.handlers) as JobName[]).some((name) => r.handlers[name] && jobQueue[name] === queue);

  function start(r: Runner, job: MemoryJob) {
    job.state = 'active';
    const run = ++job.run;
    const active = r.active.get(job.queue)!;
    active.add(job);
    const attempt = job.attemptsMade + 1;
    const { attempts, backoffMs } = retryPolicy[job.name];
    const handler = r.handlers[job.name] as JobHandler<JobName> | undefined;
    const execute = async () => {
      if (!handler) throw new Error(`No handler for job ${job.name} in this runner`);
      await handler(job.data as JobCatalog[JobName], { id: job.id, attempt, maxAttempts: attempts });
    };
    const attributes = { 'messaging.system': 'memory', 'messaging.destination.name': job.queue, 'messaging.message.id': job.id, 'job.attempt': attempt };
    void runInTrace(`job ${job.name}`, job.trace, attributes, () => measured(job.queue, job.name, attempt >= attempts, execute)).then(
      () => settle(r, job, run, null),
      (error: unknown) => settle(r, job, run, errorMessage(error)),
    );
    function settle(owner: Runner, settled: MemoryJob, settledRun: number, failure: string | null) {
      if (settled.run !== settledRun || settled.state !== 'active') return;
      owner.active.get(settled.queue)!.delete(settled);
      settled.attemptsMade = attempt;
      if (failure === null) {
        settled.state = 'completed';
        settled.finishedAt = Date.now();
      } else if (attempt < attempts) {
        enqueue(settled, backoffDelay(backoffMs, attempt, owner.options.backoffScale ?? 1));
      } else {
        settled.state = 'failed';
        settled.failedReason = failure;
        settled.failedAt = new Date();
        settled.finishedAt = Date.now();
        if (repeatEveryMs[settled.name] !== undefined) forgetOldFailures(settled.name);
      }
      if (owner.closing && activeCount(owner) === 0) owner.idle.splice(0).forEach((resolve) => resolve());
      schedule();
    }
  }

  /** Of a repeated job only the last failures stay listed, as on BullMQ. */
  const forgetOldFailures = (name: JobName) => {
    const failed = [...jobs.values()].filter((job) => job.name === name && job.state === 'failed');
    failed.sort((a, b) => a.finishedAt - b.finishedAt);
    for (const job of failed.slice(0, Math.max(0, failed.length - keptRepeatedFailures))) jobs.delete(job.id);
  };

  const activeCount = (r: Runner) => [...r.active.values()].reduce((sum, set) => sum + set.size, 0);

  const counts = async (): Promise<Record<QueueName, QueueCounts>> => {
    const result = Object.fromEntries(queueNames.map((queue) => [queue, { waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 }])) as Record<
      QueueName,
      QueueCounts
    >;
    for (const job of jobs.values()) result[job.queue][job.state]++;
    return result;
  };

  const deadJobs = async (queue?: QueueName): Promise<DeadJob[]> =>
    [...jobs.values()]
      .filter((job) => job.state === 'failed' && (!queue || job.queue === queue))
      .sort((a, b) => b.finishedAt - a.finishedAt)
      .map((job) => ({
        queue: job.queue,
        id: job.id,
        name: job.name,
        data: structuredClone(job.data),
        attempts: job.attemptsMade,
        failedReason: job.failedReason,
        failedAt: job.failedAt,
      }));

  const retryDead = async (queue: QueueName, id: string) => {
    const job = jobs.get(id);
    if (!job || job.queue !== queue || job.state !== 'failed') throw new Error(`No dead job ${id} in queue ${queue}`);
    job.attemptsMade = 0;
    job.failedReason = '';
    job.failedAt = null;
    enqueue(job, 0);
  };

  const closeRunner = async (r: Runner, graceMs: number) => {
    if (r.closing) return;
    r.closing = true;
    r.intervals.forEach(clearInterval);
    r.stopGauge();
    if (activeCount(r) > 0) {
      let graceTimer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((resolve) => r.idle.push(resolve)), new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, graceMs)))]);
      clearTimeout(graceTimer);
      // Past the grace time the jobs still running go back to their queue, as BullMQ's stalled check does.
      for (const set of r.active.values()) {
        for (const job of set) {
          job.run++;
          enqueue(job, 0);
        }
        set.clear();
      }
    }
    if (runner === r) runner = null;
  };

  const startRunner = async (handlers: JobHandlers, options: RunnerOptions = {}): Promise<JobRunner> => {
    if (closed) throw new Error('The job system is closed');
    if (runner) throw new Error('A runner is already started on this memory job system');
    const r: Runner = {
      handlers,
      options,
      closing: false,
      active: new Map(queueNames.map((queue) => [queue, new Set<MemoryJob>()])),
      windows: new Map(),
      intervals: [],
      idle: [],
      stopGauge: gaugeCounts(counts),
    };
    runner = r;
    if (options.repeat !== false) {
      for (const name of Object.keys(handlers) as JobName[]) {
        const every = options.repeatEveryMs?.[name] ?? repeatEveryMs[name];
        if (!handlers[name] || every === undefined) continue;
        const repeatOnce = () => {
          // One pending run of a repeated job at a time: a slow run does not pile up copies.
          const queued = pending.get(jobQueue[name])!.some((job) => job.name === name && job.id.startsWith('repeat:'));
          if (!queued) void add(name, {} as JobCatalog[typeof name], { jobId: `repeat:${name}:${Date.now()}:${++nextId}` });
        };
        repeatOnce();
        const interval = setInterval(repeatOnce, every);
        interval.unref();
        r.intervals.push(interval);
      }
    }
    schedule();
    return {
      close: (graceMs = 10_000) => closeRunner(r, graceMs),
      deadJobs,
      retryDead,
      counts,
    };
  };

  return {
    kind: 'memory',
    queue: {
      add,
      addBulk: async (jobs: readonly NewJob[]) => void (await Promise.all(jobs.map((job) => add(job.name, job.data, job.options)))),
      close: async () => undefined,
    },
    startRunner,
    close: async () => {
      if (runner) await closeRunner(runner, 10_000);
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
