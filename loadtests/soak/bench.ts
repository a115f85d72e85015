/**
 * Soak: the whole stack (gateway, four subgraphs, workers: separate processes in production
 * mode; this machine's PostgreSQL and Redis) under the stress run's mix (stack/app-mix.ts) at a
 * steady, moderate open-loop rate, with customers watching their visits live, for a bounded
 * time. Every sample (10 s by default) reads each service's RSS and V8 heap, the PostgreSQL
 * backends and Redis clients of each service, the event log's streams (entries and bytes),
 * the outbox rows not yet relayed and the jobs waiting, beside the window's latency, errors and
 * the machine's load (loadtests/machine.ts). At the end each series is judged flat or not
 * (flatness.ts: the last half's median against the first's, after a warm-up).
 *
 *   npm run build && npx tsx loadtests/soak/bench.ts [--minutes 20] [--rate 20] [--sample-seconds 10] [--live 50]
 *   (or SOAK_MINUTES=10 SOAK_RATE=20 npx tsx loadtests/soak/bench.ts)
 *
 * Not in CI: it runs for its minutes plus about a minute to start and seed. The event log's
 * retention is set to a quarter of the run (at least 30 s) so that trimming is reached and
 * judged within it (production keeps an hour). Needs PostgreSQL on 127.0.0.1:5432 and Redis on
 * 6379. Targets 127.0.0.1 only. Writes results.json and the charts (PNG) beside this file.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderCharts } from '../charts';
import { describeMachine, watchMachine } from '../machine';
import { summarize } from '../stats';
import { createMixState, mixWeights, nextRequest } from '../stack/app-mix';
import { LiveSubscribers } from '../stack/live';
import { createPool, runOpenLoop } from '../stack/open-loop';
import { seedOrganization } from '../stack/seed';
import { serviceErrors, startStack } from '../stack/start-stack';
import { charts, type SoakResults, type SoakSample } from './charts';
import { judgeFlat, type Flatness, type Tolerance } from './flatness';
import { Sampler } from './samplers';

function option(argv: string[], flag: string, env: string, fallback: number): number {
  const i = argv.indexOf(flag);
  const raw = i >= 0 ? argv[i + 1] : process.env[env];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} (or ${env}) must be a positive number (got ${raw})`);
  return value;
}

const memory: Tolerance = { absolute: 16, relative: 0.1 };
const heap: Tolerance = { absolute: 8, relative: 0.15 };
const connections: Tolerance = { absolute: 2, relative: 0 };
const backlog: Tolerance = { absolute: 20, relative: 0 };

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = {
    minutes: option(argv, '--minutes', 'SOAK_MINUTES', 20),
    rate: option(argv, '--rate', 'SOAK_RATE', 20),
    sampleSeconds: option(argv, '--sample-seconds', 'SOAK_SAMPLE_SECONDS', 10),
    live: option(argv, '--live', 'SOAK_LIVE', 50),
    queues: 8,
  };
  const totalSeconds = options.minutes * 60;
  const retentionSeconds = Math.max(30, Math.round(totalSeconds / 4));
  // Judged after a warm-up: a fifth of the run (at least 30 s); the event log after its retention too.
  const warmupSeconds = Math.max(30, totalSeconds / 5);
  const eventLogWarmupSeconds = Math.max(warmupSeconds, retentionSeconds + 2 * options.sampleSeconds);

  process.stderr.write(`starting the stack (${options.minutes} min at ${options.rate} req/s)...\n`);
  const stack = await startStack({ EVENT_LOG_RETENTION_SECONDS: String(retentionSeconds) });
  const pool = createPool(stack.api);
  const live = new LiveSubscribers(stack.api, options.live);
  const sampler = new Sampler(stack.services, stack.db.name, stack.db.url, stack.keyPrefix);
  const samples: SoakSample[] = [];
  let errorLog: Record<string, string[]> = {};
  const whole = watchMachine();
  try {
    await sampler.connect();
    const org = await seedOrganization(stack.api, { queues: options.queues, perQueue: 5 });
    const state = createMixState(org);
    state.onJoined = (visit) => live.offer(visit);
    const apiPath = new URL(stack.api).pathname;
    const started = performance.now();
    // Windows follow each other on the clock: the next starts sending when the last has sent its
    // share, while the last's slow answers still come in (counted in it). A window's latency
    // and errors are those of the requests it sent.
    const pending: Promise<void>[] = [];
    for (let t = 0; t < totalSeconds; t += options.sampleSeconds) {
      const due = started + t * 1_000;
      if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
      const watch = watchMachine();
      const running = Promise.all([
        runOpenLoop({ pool, path: apiPath, rate: options.rate, seconds: options.sampleSeconds, next: () => nextRequest(state) }),
        sampler.sample(),
      ]);
      await new Promise((resolve) => setTimeout(resolve, options.sampleSeconds * 1_000));
      const machine = watch.stop();
      const window = live.takeWindow();
      pending.push(
        running.then(([run, readings]) => {
          const latency = summarize(run.latenciesMs);
          samples.push({
            t,
            achievedRate: run.achievedRate,
            errors: run.errors,
            errorsByCode: run.errorsByCode,
            p50Ms: latency.p50,
            p95Ms: latency.p95,
            live: { open: window.open, deliveries: window.deliveries, deliveryP95Ms: summarize(window.deliveryMs).p95 },
            ...readings,
            machine,
          });
          process.stdout.write(
            `${t} s: ${run.achievedRate}/s p95 ${latency.p95} ms ${run.errors} errors; RSS ${JSON.stringify(readings.rssMiB)} MiB; ` +
              `pg ${JSON.stringify(readings.pgConnections)}; redis ${JSON.stringify(readings.redisClients)}; event log ${readings.eventLog.entries} entries ${readings.eventLog.kib} KiB; ` +
              `outbox ${readings.outbox.rows}; jobs ${readings.jobsWaiting}${machine.busy ? ' BUSY' : ''}\n`,
          );
          if (run.firstErrors.length) process.stdout.write(`  e.g. ${run.firstErrors[0]}\n`);
        }),
      );
    }
    await Promise.all(pending);
    samples.sort((a, b) => a.t - b.t);
    errorLog = serviceErrors(stack.services);
  } finally {
    await live.closeAll();
    await pool.close();
    await sampler.close().catch(() => undefined);
    await stack.stop();
  }
  const machine = whole.stop();

  const verdicts: Flatness[] = [];
  const series = (name: string, unit: string, value: (sample: SoakSample) => number, tolerance: Tolerance, warmup = warmupSeconds) =>
    verdicts.push(
      judgeFlat(
        name,
        unit,
        samples.map((sample) => ({ t: sample.t, value: value(sample) })),
        warmup,
        tolerance,
      ),
    );
  for (const service of stack.services.map((s) => s.name)) {
    series(`${service} RSS`, 'MiB', (s) => s.rssMiB[service] ?? 0, memory);
    series(`${service} heap used`, 'MiB', (s) => s.heapMiB[service] ?? 0, heap);
    series(`${service} PostgreSQL connections`, 'connections', (s) => s.pgConnections[service] ?? 0, connections);
    series(`${service} Redis clients`, 'clients', (s) => s.redisClients[service] ?? 0, connections);
  }
  series('PostgreSQL connections, all', 'connections', (s) => Object.values(s.pgConnections).reduce((a, b) => a + b, 0), { absolute: 4, relative: 0 });
  series('event log entries', 'entries', (s) => s.eventLog.entries, { absolute: 200, relative: 0.25 }, eventLogWarmupSeconds);
  series('event log memory', 'KiB', (s) => s.eventLog.kib, { absolute: 256, relative: 0.25 }, eventLogWarmupSeconds);
  series('outbox rows', 'rows', (s) => s.outbox.rows, backlog);
  series('jobs waiting', 'jobs', (s) => s.jobsWaiting, backlog);
  // Latency follows whatever else the machine does: shown, not part of the verdict.
  const latencyTrend = judgeFlat(
    'API p95',
    'ms',
    samples.map((sample) => ({ t: sample.t, value: sample.p95Ms })),
    warmupSeconds,
    { absolute: 50, relative: 0.25 },
  );

  const judged = verdicts.filter((v) => v.pass !== null);
  const results: SoakResults = {
    kind: 'soak',
    at: new Date().toISOString(),
    host: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    options: { ...options, retentionSeconds, warmupSeconds, eventLogWarmupSeconds },
    mix: mixWeights,
    requests: {
      errors: samples.reduce((sum, s) => sum + s.errors, 0),
      meanRate: Math.round((samples.reduce((sum, s) => sum + s.achievedRate, 0) / Math.max(1, samples.length)) * 10) / 10,
    },
    verdict: judged.length === 0 ? 'not judged' : judged.every((v) => v.pass) ? 'pass' : 'fail',
    machine,
    busySamples: samples.filter((s) => s.machine.busy).length,
    flatness: verdicts,
    latencyTrend,
    serviceErrors: errorLog,
    samples,
  };
  for (const [service, lines] of Object.entries(errorLog)) process.stdout.write(`${service} logged errors, e.g.\n  ${lines.join('\n  ')}\n`);
  const file = path.join(__dirname, 'results.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  const pngs = await renderCharts(charts(results), __dirname);
  for (const v of [...verdicts, latencyTrend]) {
    process.stdout.write(
      `${v.pass === null ? 'not judged' : v.pass ? 'flat' : 'GROWS'}  ${v.series}: ${v.firstHalfMedian} -> ${v.lastHalfMedian} ${v.unit} (allowed +${v.allowed}; slope ${v.slopePerMinute}/min)\n`,
    );
  }
  process.stdout.write(
    `\nsoak ${results.verdict}; ${results.requests.errors} errors; ${describeMachine(machine)}; ${results.busySamples} of ${samples.length} samples BUSY\n`,
  );
  process.stdout.write(`wrote ${[file, ...pngs].map((f) => path.relative(process.cwd(), f)).join(', ')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
