import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { loadConfig } from '@waitlessq/config';
import { createJobs, type Jobs } from '@waitlessq/jobs';
import { createLogger } from '@waitlessq/observability';
import { testRedisUrl } from '@waitlessq/testkit';
import { startWorkers, type Workers } from './index';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('Timed out waiting');
    await sleep(10);
  }
}

describe('workers service', () => {
  const keyPrefix = `test:${randomUUID()}:`;
  const config = loadConfig('workers', { NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', REDIS_URL: testRedisUrl, REDIS_KEY_PREFIX: keyPrefix });
  let jobs: Jobs;
  let workers: Workers;
  let url: string;
  let dependenciesUp = true;
  const sent: string[] = [];

  beforeAll(async () => {
    jobs = createJobs(config);
    workers = await startWorkers({
      config,
      jobs,
      logger: createLogger('workers', 'silent'),
      handlers: {
        'invitation-email': async (data) => {
          await sleep(200);
          sent.push(data.invitationId);
        },
      },
      readiness: async () => dependenciesUp,
      graceMs: 5_000,
    });
    url = await workers.listen();
  });
  afterAll(async () => {
    await workers.stop();
    await jobs.close();
    const redis = new Redis(testRedisUrl);
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('runs the jobs on BullMQ and exposes health, readiness and job metrics', async () => {
    expect(jobs.kind).toBe('bullmq');
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', service: 'workers' });

    await jobs.queue.add('invitation-email', { invitationId: 'inv-1' }, { jobId: 'invitation:inv-1' });
    await jobs.queue.add('send-sms', { visitId: 'v1', kind: 'CALLED', channel: 'SMS' });
    await waitFor(() => sent.length === 1);
    expect(sent).toEqual(['inv-1']);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    // No worker here handles SMS: the job waits in its queue.
    expect(metrics).toContain('wlq_jobs{queue="sms",state="waiting"} 1');
    expect(metrics).toMatch(/wlq_jobs\{queue="email",state="active"\} 0/);
    expect(metrics).toMatch(/wlq_job_duration_seconds_count\{queue="email",name="invitation-email",outcome="completed"\} 1/);
    // The handler sleeps 200 ms: a timer may fire a millisecond early, and a busy machine runs it late.
    const durationSum = Number(/wlq_job_duration_seconds_sum\{queue="email",name="invitation-email",outcome="completed"\} (\S+)/.exec(metrics)?.[1]);
    expect(durationSum).toBeGreaterThanOrEqual(0.19);
    expect(durationSum).toBeLessThan(5);
    expect(metrics).toMatch(/wlq_jobs_processed_total\{queue="email",name="invitation-email",outcome="completed"\} 1/);
  });

  it('is ready while its dependencies are', async () => {
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ service: 'workers', checks: { runner: 'ok', jobs: 'ok', dependencies: 'ok' } });
    dependenciesUp = false;
    const notReady = await fetch(`${url}/ready`);
    expect(notReady.status).toBe(503);
    expect(((await notReady.json()) as { checks: Record<string, string> }).checks.dependencies).toBe('failed');
    dependenciesUp = true;
  });

  it('finishes the job in flight when it stops, then takes no more', async () => {
    await jobs.queue.add('invitation-email', { invitationId: 'inv-2' });
    await sleep(50);
    await workers.stop();
    expect(sent).toEqual(['inv-1', 'inv-2']);
    await jobs.queue.add('invitation-email', { invitationId: 'inv-3' });
    await sleep(400);
    expect(sent).toEqual(['inv-1', 'inv-2']);
    // The HTTP server is closed too.
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    expect((await workers.runner.counts()).email).toMatchObject({ waiting: 1, active: 0, completed: 2 });
  });
});
