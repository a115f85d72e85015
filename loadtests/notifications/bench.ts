/**
 * The notification benchmarks of issue 10, on real parts in one process: the queue subgraph
 * over HTTP on a scratch database (the integration tests' harness, with the business
 * subgraph), BullMQ on the local Redis under a key prefix of this run, the workers' own
 * handlers (workers/src/handlers.ts) in a runner of this process, and local providers
 * (providers.ts): SMTP, a Twilio-style SMS API, an HTTPS web push endpoint, a webhook receiver.
 *
 * 1. latency: N visits (phone, email, a push subscription) are called one at a time with
 *    callNext; for each channel, the time from the visit's calledAt (stamped by callNext just
 *    before its commit) to the provider having the "called" message; also from just before the
 *    mutation was sent.
 * 2. throughput: K 'send-sms' or 'send-email' jobs for waiting visits, then one runner
 *    (one worker process's) with the channel's configured concurrency and its rate limit
 *    lifted, rounds alternating SMS and email; completions per second at the provider.
 * 3. relay lag: joins at 200 per second for D seconds (open loop) to one queue; for each, the
 *    time from the visit's joinedAt (stamped in the join's transaction, before its commit) to
 *    its event's `at` in the Redis log; the outbox row count every 100 ms.
 * 4. webhooks: 1,000 endpoints of one organization on one local receiver; one event fanned
 *    out and delivered by the workers' handlers at the configured concurrency; deliveries per
 *    second, every signature verified at the receiver. Rounds alternate the fan-out running
 *    with the deliveries (as the workers run) and before them (the senders' own pace).
 *
 * Every phase records the machine's load (loadtests/machine.ts); a figure taken while processes
 * outside the benchmark took CPU is marked busy.
 *
 *   npx tsx --tsconfig loadtests/notifications/tsconfig.json loadtests/notifications/bench.ts [--only latency,throughput,relay,webhooks] [--calls 200] [--jobs 200] [--rounds 2] [--seconds 5]
 *
 * Needs PostgreSQL on 127.0.0.1:5432 and Redis on 6379. Writes results.json beside this file.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import IORedis from 'ioredis';
import pg from 'pg';
import webpush from 'web-push';
import { createEmailChannel, createPushChannel, createSmsChannel, type Channels } from '@waitlessq/channels';
import type { JobHandlers, JobRunner, QueueName } from '@waitlessq/jobs';
import { createEventLog } from '@waitlessq/redis';
import { ok, testRedisUrl, type SeededTenant } from '@waitlessq/testkit';
import { startQueueHarness, type QueueHarness } from '../../subgraphs/queue/src/test-support/harness';
import { callNextOp, createQueueOp, joinOp } from '../../subgraphs/queue/src/test-support/operations';
import { createHandlers } from '../../workers/src/handlers';
import { startPushEndpoint, startSmsProvider, startSmtp, startWebhookReceiver, type Arrival, type PushEndpoint } from './providers';
import { describeMachine, watchMachine } from '../machine';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1].split(',') : ['latency', 'throughput', 'relay', 'webhooks'];
const CALLS = option('calls', 200);
const CALL_GAP_MS = option('gap', 300);
const JOBS = option('jobs', 200);
const ROUNDS = option('rounds', 2);
const SECONDS = option('seconds', 5);
const JOINS_PER_SECOND = option('rate', 200);
const ENDPOINTS = option('endpoints', 1_000);
const QUEUES = option('queues', 1);

const round2 = (value: number) => Math.round(value * 100) / 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);
  return { n: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: sorted.at(-1) ?? NaN, min: sorted[0] ?? NaN };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      console.warn(`  (gave up waiting: ${what})`);
      return false;
    }
    await sleep(everyMs);
  }
  return true;
}

const SMS_SID = 'ACbench';
const SMS_TOKEN = 'bench-token';
const prefix = `bench-notify-${process.pid}-${Date.now()}:`;

interface Setup {
  harness: QueueHarness;
  tenant: SeededTenant;
  channels: Channels;
  push: PushEndpoint;
  smtp: Awaited<ReturnType<typeof startSmtp>>;
  sms: Awaited<ReturnType<typeof startSmsProvider>>;
}

const phoneOf = (group: number, i: number) => `+49151${String(group).padStart(2, '0')}${String(i).padStart(6, '0')}`;
const emailOf = (group: number, i: number) => `guest-${group}-${i}@bench.test`;

async function createQueue(setup: Setup, name: string): Promise<string> {
  return ok(
    await setup.harness.call<{ createQueue: { id: string } }>(setup.tenant.staff('MANAGER'), createQueueOp, {
      input: { businessId: setup.tenant.businessId, name },
    }),
  ).createQueue.id;
}

async function drained(runner: JobRunner, queues: QueueName[]): Promise<boolean> {
  const counts = await runner.counts();
  return queues.every((queue) => counts[queue].waiting + counts[queue].active + counts[queue].delayed === 0);
}

/** 1. From callNext's commit to each provider. */
async function latency(setup: Setup) {
  const { harness, tenant } = setup;
  console.log(`latency: ${CALLS} visits with phone, email and a push subscription, called one every ${CALL_GAP_MS} ms`);
  const queueId = await createQueue(setup, 'Latency');
  const visits: { id: string; phone: string; email: string }[] = [];
  for (let i = 0; i < CALLS; i++) {
    const phone = phoneOf(1, i);
    const joined = ok(
      await harness.call<{ joinQueue: { visit: { id: string } } }>({ kind: 'anonymous' }, joinOp, { input: { queueId, name: `Guest ${i}`, phone } }),
    );
    visits.push({ id: joined.joinQueue.visit.id, phone, email: emailOf(1, i) });
  }
  // Walk-ins give no email at the counter (an account's visit would have one): written here.
  for (const visit of visits) {
    await harness.prisma.visit.update({ where: { id: visit.id }, data: { customerEmail: visit.email } });
    await harness.prisma.pushSubscription.create({
      data: {
        organizationId: tenant.organizationId,
        businessId: tenant.businessId,
        visitId: visit.id,
        endpoint: `${setup.push.origin}/push/${visit.id}`,
        ...setup.push.keys,
      },
    });
  }
  const runner = await harness.runtime.jobs.startRunner(createHandlers(harness.runtime, setup.channels), { repeat: false });
  const channelQueues: QueueName[] = ['notifications', 'email', 'push', 'sms'];
  // The "joined" messages go out first (SMS at its configured 10/s): the calls start on a quiet pipeline.
  await until('the joined notifications', () => drained(runner, channelQueues), 120_000, 200);
  await sleep(500);

  const watch = watchMachine();
  const calls: { visitId: string; sentAt: number; returnedAt: number; calledAt: number }[] = [];
  for (let i = 0; i < CALLS; i++) {
    const sentAt = Date.now();
    const answer = ok(await harness.call<{ callNext: { id: string; calledAt: string } }>(tenant.staff('STAFF'), callNextOp, { queueId }));
    const returnedAt = Date.now();
    calls.push({ visitId: answer.callNext.id, sentAt, returnedAt, calledAt: new Date(answer.callNext.calledAt).getTime() });
    await sleep(Math.max(0, CALL_GAP_MS - (returnedAt - sentAt)));
  }
  const byVisit = new Map(visits.map((visit) => [visit.id, visit]));
  const calledArrival = (channel: 'sms' | 'email' | 'push', visitId: string): Arrival | undefined => {
    const visit = byVisit.get(visitId)!;
    if (channel === 'sms') return setup.sms.arrivals.find((a) => a.to === visit.phone && a.text.includes("it's your turn"));
    if (channel === 'email') return setup.smtp.arrivals.find((a) => a.to === visit.email && a.text.startsWith("It's your turn"));
    return setup.push.arrivals.find((a) => a.to === visitId && a.text === `${visitId}:CALLED`);
  };
  const channels = ['push', 'sms', 'email'] as const;
  await until('every called message', () => calls.every((call) => channels.every((channel) => calledArrival(channel, call.visitId))), 60_000, 100);
  const machine = watch.stop();
  await runner.close(5_000);

  const result: Record<string, unknown> = { calls: CALLS, gapMs: CALL_GAP_MS, machine };
  result.callNextResponseMs = percentiles(calls.map((call) => call.returnedAt - call.sentAt));
  for (const channel of channels) {
    const fromCommit: number[] = [];
    const fromSend: number[] = [];
    let missing = 0;
    for (const call of calls) {
      const arrival = calledArrival(channel, call.visitId);
      if (!arrival) {
        missing += 1;
        continue;
      }
      fromCommit.push(arrival.at - call.calledAt);
      fromSend.push(arrival.at - call.sentAt);
    }
    result[channel] = {
      fromCalledAt: percentiles(fromCommit),
      fromMutationSent: percentiles(fromSend),
      missing,
      underOneSecond: fromCommit.filter((ms) => ms < 1_000).length,
    };
  }
  // Every arrival's visit and kind: a duplicate "called" on any channel would be a bug.
  const duplicates = channels.map(
    (channel) =>
      calls.filter((call) => {
        const visit = byVisit.get(call.visitId)!;
        const all =
          channel === 'sms'
            ? setup.sms.arrivals.filter((a) => a.to === visit.phone && a.text.includes("it's your turn"))
            : channel === 'email'
              ? setup.smtp.arrivals.filter((a) => a.to === visit.email && a.text.startsWith("It's your turn"))
              : setup.push.arrivals.filter((a) => a.text === `${call.visitId}:CALLED`);
        return all.length > 1;
      }).length,
  );
  result.duplicatesPushSmsEmail = duplicates;
  result.pushUndecryptable = setup.push.undecryptable;
  return { ...result, calledVisitIds: calls.map((call) => call.visitId) };
}

/** 3. Relay lag under a burst of joins (no runner: the relay alone; its jobs wait in Redis). */
async function relay(setup: Setup) {
  const { harness } = setup;
  const total = JOINS_PER_SECOND * SECONDS;
  console.log(`relay: ${total} joins at ${JOINS_PER_SECOND}/s for ${SECONDS} s to ${QUEUES} queue(s)`);
  const queueIds: string[] = [];
  for (let q = 0; q < QUEUES; q++) queueIds.push(await createQueue(setup, `Burst ${q + 1}`));
  const samples: { t: number; rows: number }[] = [];
  let sampling = true;
  const start = Date.now();
  // Its own connection: the burst may hold every connection of the subgraph's pool.
  const counter = new pg.Client({ connectionString: harness.runtime.config.database.url });
  await counter.connect();
  const sampler = (async () => {
    while (sampling) {
      const { rows } = await counter.query<{ rows: number }>(`SELECT count(*)::int AS rows FROM "OutboxEvent" WHERE "queueId" = ANY($1::uuid[])`, [queueIds]);
      samples.push({ t: Date.now() - start, rows: rows[0].rows });
      await sleep(100);
    }
  })();
  const watch = watchMachine();
  const joins: Promise<{ visitId: string | null; sentAt: number; ms: number; error?: string }>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1_000) / JOINS_PER_SECOND;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const sentAt = Date.now();
    joins.push(
      harness
        .call<{ joinQueue: { visit: { id: string } } }>({ kind: 'anonymous' }, joinOp, {
          input: { queueId: queueIds[i % QUEUES], name: `Burst ${i}`, phone: phoneOf(3, i) },
        })
        .then(
          (answer) => ({ visitId: answer.data?.joinQueue.visit.id ?? null, sentAt, ms: Date.now() - sentAt, error: answer.errors?.[0]?.message }),
          (error: Error) => ({ visitId: null, sentAt, ms: Date.now() - sentAt, error: error.message }),
        ),
    );
  }
  const sendSeconds = (Date.now() - start) / 1_000;
  const answers = await Promise.all(joins);
  const answeredSeconds = (Date.now() - start) / 1_000;
  await until('an empty outbox', () => samples.at(-1)?.rows === 0, 30_000, 100);
  sampling = false;
  await sampler;
  await counter.end();
  const machine = watch.stop();

  const joined = answers.filter((answer) => answer.visitId);
  const visitRows = await harness.prisma.visit.findMany({ where: { queueId: { in: queueIds } }, select: { id: true, joinedAt: true } });
  const joinedAt = new Map(visitRows.map((row) => [row.id, row.joinedAt!.getTime()]));
  const log = createEventLog(harness.runtime.redis, { retentionMs: harness.runtime.config.subscriptions.eventRetentionMs });
  // The runtime's Redis client has a short command timeout; a busy machine may need a second try.
  const readLog = async (queueId: string) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await log.readAfter(`queue:${queueId}`, 0);
      } catch (error) {
        if (attempt >= 5) throw error;
        await sleep(500);
      }
    }
  };
  const entries = (await Promise.all(queueIds.map(readLog))).flat();
  const lags: number[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const change = (entry.data as { change?: { kind?: string; visitIds?: string[] } }).change;
    if (change?.kind !== 'JOINED') continue;
    for (const visitId of change.visitIds ?? []) {
      const at = joinedAt.get(visitId);
      if (at === undefined) continue;
      seen.add(visitId);
      lags.push(entry.at - at);
    }
  }
  const errors: Record<string, number> = {};
  for (const answer of answers) if (answer.error) errors[answer.error] = (errors[answer.error] ?? 0) + 1;
  return {
    joinsSent: total,
    queues: QUEUES,
    targetPerSecond: JOINS_PER_SECOND,
    sendSeconds: round2(sendSeconds),
    allAnsweredSeconds: round2(answeredSeconds),
    joined: joined.length,
    visitsCommitted: visitRows.length,
    joinedPerSecond: round2(joined.length / answeredSeconds),
    errors,
    joinResponseMs: percentiles(answers.map((answer) => answer.ms)),
    logEntries: entries.length,
    logSpanSeconds: entries.length ? round2((Math.max(...entries.map((e) => e.at)) - Math.min(...entries.map((e) => e.at))) / 1_000) : 0,
    joinedVisitsInLog: seen.size,
    lagFromJoinedAtMs: percentiles(lags),
    outboxRows: { max: Math.max(...samples.map((s) => s.rows)), samples: samples.filter((_, i) => i % 5 === 0) },
    machine,
    visitIds: visitRows.map((row) => row.id),
  };
}

/** 2. Sends per second of one runner: K jobs queued first, then the runner starts. */
async function throughput(setup: Setup, visitIds: string[], calledVisitIds: string[]) {
  const { harness } = setup;
  console.log(`throughput: ${ROUNDS} rounds of ${JOBS} send-sms and ${JOBS} send-email jobs (rate limits lifted, configured concurrency)`);
  const emails = new Map<string, string>();
  await harness.prisma.$transaction(
    visitIds.map((id, i) => {
      emails.set(id, emailOf(3, i));
      return harness.prisma.visit.update({ where: { id }, data: { customerEmail: emailOf(3, i) } });
    }),
  );
  // Each (visit, kind, channel) is sent at most once: every job of a run is a fresh combination.
  // Waiting visits (the burst's) can be told they joined or are getting close; called ones (the latency phase's) can be recalled.
  type Send = { visitId: string; kind: 'JOINED' | 'GETTING_CLOSE' | 'RECALLED' };
  const pool = { SMS: [] as Send[], EMAIL: [] as Send[] };
  const add = (send: Send) => (pool.SMS.push(send), pool.EMAIL.push(send));
  for (const kind of ['JOINED', 'GETTING_CLOSE'] as const) for (const visitId of visitIds) add({ visitId, kind });
  for (const visitId of calledVisitIds) add({ visitId, kind: 'RECALLED' });
  const all = createHandlers(harness.runtime, setup.channels);
  const runs: Record<string, unknown>[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? (['SMS', 'EMAIL'] as const) : (['EMAIL', 'SMS'] as const);
    for (const channel of order) {
      const jobs = pool[channel].splice(0, JOBS);
      if (jobs.length < JOBS) throw new Error('not enough visits for the throughput rounds: raise --rate or --seconds');
      const name = channel === 'SMS' ? 'send-sms' : 'send-email';
      const queue: QueueName = channel === 'SMS' ? 'sms' : 'email';
      const arrivals = channel === 'SMS' ? setup.sms.arrivals : setup.smtp.arrivals;
      const from = arrivals.length;
      for (const job of jobs) await harness.runtime.jobs.queue.add(name, { ...job, channel }, { jobId: `${name}:${job.visitId}:${job.kind}` });
      const handlers: JobHandlers = { [name]: all[name] };
      const watch = watchMachine();
      const started = Date.now();
      const runner = await harness.runtime.jobs.startRunner(handlers, { repeat: false, perSecond: { [queue]: 0 } });
      await until(`${JOBS} ${channel} sends`, () => arrivals.length - from >= JOBS, 120_000, 10);
      const lastArrival = Math.max(...arrivals.slice(from).map((a) => a.at));
      await until('the jobs to complete', () => drained(runner, [queue]), 30_000, 20);
      const done = Date.now();
      const machine = watch.stop();
      await runner.close(5_000);
      const sent = await harness.prisma.notification.count({
        where: { channel, status: 'SENT', OR: jobs.map((job) => ({ visitId: job.visitId, kind: job.kind })) },
      });
      const seconds = (lastArrival - started) / 1_000;
      runs.push({
        round: r + 1,
        channel,
        jobs: JOBS,
        concurrency:
          channel === 'SMS' ? harness.runtime.config.notifications.jobs.concurrency.sms : harness.runtime.config.notifications.jobs.concurrency.email,
        atProvider: arrivals.length - from,
        sentRows: sent,
        secondsToLastArrival: round2(seconds),
        perSecond: round2(JOBS / seconds),
        perSecondToCompletion: round2(JOBS / ((done - started) / 1_000)),
        machine,
      });
      console.log(`  round ${r + 1} ${channel}: ${round2(JOBS / seconds)}/s (${describeMachine(machine)})`);
    }
  }
  return runs;
}

/** 4. One event to 1,000 endpoints. */
async function webhooks(setup: Setup) {
  const { harness, tenant } = setup;
  console.log(`webhooks: ${ROUNDS} events, each to ${ENDPOINTS} endpoints of one organization`);
  const secrets = Array.from({ length: ENDPOINTS }, () => `whsec_${randomBytes(32).toString('base64')}`);
  const receiver = await startWebhookReceiver((index) => secrets[index]);
  await harness.prisma.webhookEndpoint.createMany({
    data: secrets.map((secret, i) => ({ organizationId: tenant.organizationId, url: `${receiver.url}/hook/${i}`, eventTypes: ['visit.called'], secret })),
  });
  const all = createHandlers(harness.runtime, setup.channels);
  let fanOutMs = 0;
  const handlers: JobHandlers = {
    'webhook-event': async (data, job) => {
      const started = Date.now();
      await all['webhook-event']!(data, job);
      fanOutMs = Date.now() - started;
    },
    'webhook-delivery': all['webhook-delivery'],
  };
  const runs: Record<string, unknown>[] = [];
  for (let r = 0; r < ROUNDS * 2; r++) {
    // Alternate rounds: the workers as they run (fan-out and deliveries together), and the
    // deliveries alone, their jobs all queued by the fan-out handler first (what the senders can do).
    const mode = r % 2 === 0 ? 'together' : 'pre-queued';
    const eventId = `msg_bench_${randomUUID()}`;
    const from = receiver.arrivals.length;
    const verifiedBefore = receiver.verified;
    const event = {
      eventId,
      organizationId: tenant.organizationId,
      type: 'visit.called',
      occurredAt: new Date().toISOString(),
      data: { queueId: randomUUID(), visit: { id: randomUUID(), status: 'CALLED', ticket: 'A-001' } },
    };
    if (mode === 'pre-queued') {
      // Called directly: a runner of the webhooks queue would take the delivery jobs too.
      await handlers['webhook-event']!(event, { id: `webhook-event:${eventId}`, attempt: 1, maxAttempts: 8 });
    }
    const runner = await harness.runtime.jobs.startRunner(mode === 'pre-queued' ? { 'webhook-delivery': handlers['webhook-delivery'] } : handlers, {
      repeat: false,
    });
    const watch = watchMachine();
    const started = Date.now();
    if (mode === 'together') await harness.runtime.jobs.queue.add('webhook-event', event, { jobId: `webhook-event:${eventId}` });
    await until(`${ENDPOINTS} deliveries`, () => receiver.arrivals.length - from >= ENDPOINTS, 300_000, 20);
    const arrivals = receiver.arrivals.slice(from);
    const first = Math.min(...arrivals.map((a) => a.at));
    const last = Math.max(...arrivals.map((a) => a.at));
    await until(
      'the deliveries to be recorded',
      async () => (await harness.prisma.webhookDelivery.count({ where: { eventId, status: 'SUCCEEDED' } })) === ENDPOINTS,
      30_000,
      100,
    );
    const machine = watch.stop();
    await runner.close(5_000);
    const succeeded = await harness.prisma.webhookDelivery.count({ where: { eventId, status: 'SUCCEEDED' } });
    const endpointsReached = new Set(arrivals.map((a) => a.to)).size;
    runs.push({
      round: r + 1,
      mode,
      endpoints: ENDPOINTS,
      concurrency: harness.runtime.config.notifications.jobs.concurrency.webhooks,
      delivered: arrivals.length,
      endpointsReached,
      succeededRows: succeeded,
      verified: receiver.verified - verifiedBefore,
      failedVerification: receiver.failedVerification,
      fanOutMs,
      firstDeliveryMs: first - started,
      lastDeliveryMs: last - started,
      perSecond: round2(arrivals.length / ((last - started) / 1_000)),
      perSecondAfterFirst: round2((arrivals.length - 1) / ((last - first) / 1_000)),
      machine,
    });
    console.log(`  round ${r + 1} (${mode}): ${round2(arrivals.length / ((last - started) / 1_000))}/s, fan-out ${fanOutMs} ms (${describeMachine(machine)})`);
  }
  await receiver.close();
  return runs;
}

async function main() {
  const startedAt = new Date().toISOString();
  const smtp = await startSmtp();
  const sms = await startSmsProvider(SMS_SID, SMS_TOKEN);
  const push = await startPushEndpoint();
  const harness = await startQueueHarness({
    REDIS_KEY_PREFIX: prefix,
    SMTP_URL: smtp.url,
    SMS_PROVIDER_URL: sms.url,
    SMS_ACCOUNT_SID: SMS_SID,
    SMS_AUTH_TOKEN: SMS_TOKEN,
    SMS_FROM: '+15550000000',
    WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: 'true',
    // Enough connections for a burst's joins and a runner's jobs at once.
    DATABASE_POOL_SIZE: '30',
  });
  const results: Record<string, unknown> = { startedAt, cores: os.cpus().length };
  try {
    const tenant = await harness.createTenant({ serviceMinutes: [10] });
    const vapid = webpush.generateVAPIDKeys();
    const { config, logger } = harness.runtime;
    // The workers' channels as createChannels makes them, but push with an agent that trusts the local endpoint.
    const channels: Channels = {
      email: createEmailChannel(config.notifications.email, logger),
      push: createPushChannel(
        { vapidPublicKey: vapid.publicKey, vapidPrivateKey: vapid.privateKey, vapidSubject: 'mailto:bench@waitlessq.test' },
        { agent: push.agent },
      ),
      sms: createSmsChannel(config.notifications.sms),
    };
    const setup: Setup = { harness, tenant, channels, push, smtp, sms };
    let calledVisitIds: string[] = [];
    if (only.includes('latency')) {
      const measured = await latency(setup);
      calledVisitIds = measured.calledVisitIds;
      results.latency = { ...measured, calledVisitIds: undefined };
    }
    // Before the burst: its 'visit.joined' webhook events would otherwise wait in the webhooks queue.
    if (only.includes('webhooks')) results.webhooks = await webhooks(setup);
    let visitIds: string[] = [];
    if (only.includes('relay') || only.includes('throughput')) {
      const burst = await relay(setup);
      visitIds = burst.visitIds;
      results.relay = { ...burst, visitIds: undefined };
    }
    if (only.includes('throughput')) results.throughput = await throughput(setup, visitIds, calledVisitIds);
  } finally {
    results.finishedAt = new Date().toISOString();
    writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log(JSON.stringify(results, (key, value) => (key === 'samples' ? undefined : value), 2));
    await harness.close();
    await Promise.allSettled([smtp.close(), sms.close(), push.close()]);
    // This run's job queues and event log: nothing left in the shared Redis.
    const redis = new IORedis(testRedisUrl);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
