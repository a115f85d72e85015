import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { startRedisCluster, testRedisUrl, type RedisCluster } from '@waitlessq/testkit';
import { metricsRegistry } from '@waitlessq/observability';
import { createBullmqJobs, createMemoryJobs, defaultJobSettings, producerJobId, queueJobId, type JobRunner, type Jobs } from './index';

// One behaviour, both implementations: the embedded job system must do what BullMQ does.
const prefixes: string[] = [];
const bullmq = (): Jobs => {
  const prefix = `test:${randomUUID()}:jobs`;
  prefixes.push(prefix);
  return createBullmqJobs({ url: testRedisUrl, prefix, settings: defaultJobSettings });
};
// On a cluster BullMQ's scripts need every key of the queues in one slot: the prefix becomes their hash tag.
let cluster: RedisCluster | undefined;
const bullmqOnCluster = (): Jobs => createBullmqJobs({ clusterNodes: cluster!.nodes, prefix: `test:${randomUUID()}:jobs`, settings: defaultJobSettings });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('Timed out waiting');
    await sleep(10);
  }
}

afterAll(async () => {
  if (prefixes.length === 0) return;
  const redis = new Redis(testRedisUrl);
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

// First: BullMQ leaves a timer of up to 2 s behind after a connection that never opened.
describe('bullmq jobs without Redis', () => {
  it('fails to add, count or schedule within the command timeout instead of waiting for Redis', async () => {
    // A port nothing listens on.
    const jobs = createBullmqJobs({ url: 'redis://127.0.0.1:1', prefix: 'test:unreachable', settings: defaultJobSettings, commandTimeoutMs: 300 });
    const started = Date.now();
    await expect(jobs.queue.add('invitation-email', { invitationId: 'x' })).rejects.toThrow('did not answer within 300 ms (adding invitation-email)');
    await expect(jobs.startRunner({ 'insights-rollup': async () => undefined })).rejects.toThrow('scheduling insights-rollup');
    const runner = await jobs.startRunner({ 'invitation-email': async () => undefined }, { repeat: false });
    await expect(runner.counts()).rejects.toThrow('counting jobs');
    expect(Date.now() - started).toBeLessThan(3_000);
    await jobs.close();
  });
});

describe.each([
  ['bullmq', bullmq],
  ['bullmq on a redis cluster', bullmqOnCluster],
  ['memory', () => createMemoryJobs()],
])('%s jobs', (_kind, create) => {
  let jobs: Jobs;
  beforeAll(async () => {
    if (create === bullmqOnCluster) cluster = await startRedisCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
    cluster = undefined;
  });
  beforeEach(() => {
    jobs = create();
  });
  afterEach(async () => {
    await jobs.close();
  });

  it('adds a job id once: while it waits and after it ran', async () => {
    const ran: string[] = [];
    await jobs.queue.add('invitation-email', { invitationId: 'first' }, { jobId: 'invitation:1:sent' });
    await jobs.queue.add('invitation-email', { invitationId: 'second' }, { jobId: 'invitation:1:sent' });
    await jobs.queue.add('invitation-email', { invitationId: 'other' }, { jobId: '42' });
    const runner = await jobs.startRunner({ 'invitation-email': async (data) => void ran.push(data.invitationId) });
    await waitFor(() => ran.length === 2);
    await jobs.queue.add('invitation-email', { invitationId: 'third' }, { jobId: 'invitation:1:sent' });
    await jobs.queue.add('invitation-email', { invitationId: 'fourth' }, { jobId: '42' });
    await sleep(300);
    expect(ran.sort()).toEqual(['first', 'other']);
    expect((await runner.counts()).email).toMatchObject({ completed: 2, waiting: 0, active: 0, failed: 0 });
  });

  it('adds jobs in bulk to their queues, each id once, as add does', async () => {
    const ran: string[] = [];
    await jobs.queue.add('webhook-delivery', { deliveryId: 'd1' }, { jobId: 'webhook-delivery:d1' });
    await jobs.queue.addBulk([
      { name: 'webhook-delivery', data: { deliveryId: 'd1' }, options: { jobId: 'webhook-delivery:d1' } },
      { name: 'webhook-delivery', data: { deliveryId: 'd2' }, options: { jobId: 'webhook-delivery:d2' } },
      { name: 'invitation-email', data: { invitationId: 'i1' }, options: { jobId: 'invitation-email:i1' } },
    ]);
    await jobs.startRunner({
      'webhook-delivery': async (data) => void ran.push(data.deliveryId),
      'invitation-email': async (data) => void ran.push(data.invitationId),
    });
    await waitFor(() => ran.length === 3);
    await sleep(300);
    expect(ran.sort()).toEqual(['d1', 'd2', 'i1']);
  });

  it('runs a delayed job no earlier than its delay', async () => {
    const ran = new Map<string, number>();
    await jobs.startRunner({ 'invitation-email': async (data) => void ran.set(data.invitationId, Date.now()) });
    const added = Date.now();
    await jobs.queue.add('invitation-email', { invitationId: 'later' }, { delayMs: 400 });
    await jobs.queue.add('invitation-email', { invitationId: 'now' });
    await waitFor(() => ran.size === 2);
    expect(ran.get('now')!).toBeLessThan(ran.get('later')!);
    expect(ran.get('later')! - added).toBeGreaterThanOrEqual(400);
  });

  it('runs the most urgent priority first, and jobs without one after every prioritized one', async () => {
    const ran: string[] = [];
    const add = (id: string, priority?: number) => jobs.queue.add('send-push', { visitId: id, kind: 'CALLED', channel: 'PUSH' }, priority ? { priority } : {});
    await add('plain-1');
    await add('five', 5);
    await add('one', 1);
    await add('plain-2');
    await add('one-later', 1);
    await jobs.startRunner({ 'send-push': async (data) => void ran.push(data.visitId) }, { concurrency: { push: 1 } });
    await waitFor(() => ran.length === 5);
    expect(ran).toEqual(['one', 'one-later', 'five', 'plain-1', 'plain-2']);
  });

  it('retries a failing job with exponential backoff until it succeeds', async () => {
    const runs: Array<{ attempt: number; maxAttempts: number; at: number }> = [];
    // notify-visit: 5 attempts from 1 s doubling; scaled to 100 ms, then 200 ms.
    const runner = await jobs.startRunner(
      {
        'notify-visit': async (_data, job) => {
          runs.push({ attempt: job.attempt, maxAttempts: job.maxAttempts, at: Date.now() });
          if (job.attempt < 3) throw new Error(`attempt ${job.attempt} failed`);
        },
      },
      { backoffScale: 0.1 },
    );
    await jobs.queue.add('notify-visit', { visitId: 'v1', kind: 'CALLED' });
    await waitFor(() => runs.length === 3);
    await sleep(400);
    expect(runs.map((run) => [run.attempt, run.maxAttempts])).toEqual([
      [1, 5],
      [2, 5],
      [3, 5],
    ]);
    const [first, second] = [runs[1].at - runs[0].at, runs[2].at - runs[1].at];
    expect(first).toBeGreaterThanOrEqual(95);
    expect(second).toBeGreaterThanOrEqual(195);
    expect(second).toBeGreaterThan(first);
    // Unscaled, the gaps would be 1 s and 2 s.
    expect(second).toBeLessThan(1_000);
    expect((await runner.counts()).notifications).toMatchObject({ completed: 1, failed: 0, delayed: 0 });
  });

  it('lists a job that failed every attempt as dead, with its reason, and runs it again on retry', async () => {
    let healthy = false;
    let runs = 0;
    const runner = await jobs.startRunner(
      {
        'send-push': async () => {
          runs++;
          if (!healthy) throw new Error('push service unavailable');
        },
      },
      { backoffScale: 0.005 },
    );
    await jobs.queue.add('send-push', { visitId: 'v2', kind: 'JOINED', channel: 'PUSH' }, { jobId: 'push:v2:JOINED' });
    await waitFor(async () => (await runner.deadJobs()).length === 1);
    const [dead] = await runner.deadJobs('push');
    expect(dead).toMatchObject({
      queue: 'push',
      id: 'push:v2:JOINED',
      name: 'send-push',
      data: { visitId: 'v2', kind: 'JOINED', channel: 'PUSH' },
      attempts: 5,
      failedReason: 'push service unavailable',
    });
    expect(dead.failedAt).toBeInstanceOf(Date);
    expect(runs).toBe(5);
    expect(await runner.deadJobs('email')).toEqual([]);
    expect((await runner.counts()).push.failed).toBe(1);

    healthy = true;
    await runner.retryDead('push', dead.id);
    await waitFor(() => runs === 6);
    await waitFor(async () => (await runner.counts()).push.completed === 1);
    expect(await runner.deadJobs()).toEqual([]);
    await expect(runner.retryDead('push', 'no-such-job')).rejects.toThrow('No dead job');
  });

  it('runs no more jobs of a queue at once than its concurrency', async () => {
    let running = 0;
    let most = 0;
    let done = 0;
    await jobs.startRunner(
      {
        'webhook-delivery': async () => {
          most = Math.max(most, ++running);
          await sleep(60);
          running--;
          done++;
        },
      },
      { concurrency: { webhooks: 3 } },
    );
    for (let n = 0; n < 10; n++) await jobs.queue.add('webhook-delivery', { deliveryId: `d${n}` });
    await waitFor(() => done === 10);
    expect(most).toBe(3);
  });

  it('starts no more jobs per second than the rate limit', async () => {
    const started: number[] = [];
    await jobs.startRunner({ 'send-sms': async () => void started.push(Date.now()) }, { perSecond: { sms: 3 } });
    for (let n = 0; n < 5; n++) await jobs.queue.add('send-sms', { visitId: `v${n}`, kind: 'CALLED', channel: 'SMS' });
    await waitFor(() => started.length === 5, 5_000);
    started.sort((a, b) => a - b);
    // The fourth waits for the next one-second window.
    expect(started[3] - started[0]).toBeGreaterThanOrEqual(900);
  });

  it('lets the job in flight finish when the runner closes, and takes no new one', async () => {
    let finished = 0;
    let started = 0;
    const runner: JobRunner = await jobs.startRunner(
      {
        'insights-rollup': async () => {
          started++;
          await sleep(400);
          finished++;
        },
      },
      { repeat: false },
    );
    await jobs.queue.add('insights-rollup', {});
    await jobs.queue.add('insights-rollup', {});
    await waitFor(() => started === 1);
    await runner.close(5_000);
    expect(finished).toBe(1);
    await sleep(100);
    expect(started).toBe(1);
  });

  it('runs a repeated job again and again while the runner runs', async () => {
    let runs = 0;
    const runner = await jobs.startRunner({ 'insights-rollup': async () => void runs++ }, { repeatEveryMs: { 'insights-rollup': 250 } });
    await waitFor(() => runs >= 3, 5_000);
    await runner.close();
    const after = runs;
    await sleep(600);
    expect(runs).toBeLessThanOrEqual(after + 1);
  });

  it('measures job runs and counts the queues on scrape', async () => {
    await jobs.startRunner({ 'invitation-email': async () => undefined }, { repeat: false });
    await jobs.queue.add('invitation-email', { invitationId: 'measured' });
    await jobs.queue.add('send-sms', { visitId: 'x', kind: 'CALLED', channel: 'SMS' });
    await waitFor(async () => (await metricsRegistry.getSingleMetricAsString('wlq_jobs')).includes('queue="sms",state="waiting"} 1'));
    const processed = await metricsRegistry.getSingleMetricAsString('wlq_jobs_processed_total');
    expect(processed).toMatch(/wlq_jobs_processed_total\{queue="email",name="invitation-email",outcome="completed"\} [1-9]/);
    expect(await metricsRegistry.getSingleMetricAsString('wlq_job_duration_seconds')).toContain(
      'wlq_job_duration_seconds_count{queue="email",name="invitation-email",outcome="completed"}',
    );
  });
});

describe('memory jobs past the grace time', () => {
  it('returns the jobs still running to their queue, for the next runner', async () => {
    const jobs = createMemoryJobs();
    const attempts: number[] = [];
    const runner = await jobs.startRunner(
      {
        'insights-rollup': async (_data, job) => {
          attempts.push(job.attempt);
          await sleep(1_000);
        },
      },
      { repeat: false },
    );
    await jobs.queue.add('insights-rollup', {});
    await waitFor(() => attempts.length === 1);
    const closing = Date.now();
    await runner.close(100);
    expect(Date.now() - closing).toBeLessThan(800);
    expect((await runner.counts()).maintenance).toMatchObject({ waiting: 1, active: 0 });

    const again = await jobs.startRunner({ 'insights-rollup': async (_data, job) => void attempts.push(job.attempt) }, { repeat: false });
    await waitFor(async () => (await again.counts()).maintenance.completed === 1);
    // The abandoned run was not a failed attempt; its late end changes nothing.
    expect(attempts).toEqual([1, 1]);
    await sleep(1_000);
    expect(await again.counts()).toMatchObject({ maintenance: { completed: 1, waiting: 0, active: 0, failed: 0 } });
    await jobs.close();
  });
});

describe('job ids on BullMQ', () => {
  it('escapes what BullMQ refuses (integers, colons) one way, and reads the producer id back', () => {
    for (const id of ['42', '-7', 'visit:1:CALLED', 'a:b', '%N5', '50%:off', 'plain']) {
      const queued = queueJobId(id);
      expect(queued).not.toContain(':');
      expect(`${parseInt(queued, 10)}`).not.toBe(queued);
      expect(producerJobId(queued)).toBe(id);
    }
    expect(new Set(['42', '%N42', '%3A', ':'].map(queueJobId)).size).toBe(4);
  });
});
