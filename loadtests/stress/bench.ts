/**
 * Stress: the whole stack (gateway, four subgraphs, workers: separate processes in production
 * mode; this machine's PostgreSQL and Redis) under the customer app's and the staff's mix
 * (stack/app-mix.ts: reads, joins, calls) plus customers watching their visit live, at an
 * open-loop rate that rises step by step. Per step: the rate achieved, p50/p95/p99 from when
 * each request was due, errors by code, live deliveries, each service's CPU and the machine's
 * load (loadtests/machine.ts: BUSY when processes outside the run took CPU). The knee is the
 * highest step with p95 under 200 ms and no error. Bounded: it stops after `--steps` steps, or
 * after the first step whose p95 passes 1 s or whose errors pass 5 %.
 *
 *   npm run build && npx tsx loadtests/stress/bench.ts [--start 10] [--step 10] [--step-seconds 15] [--steps 12] [--live 50]
 *
 * Defaults take at most about 4 minutes of load (12 steps of 15 s) plus a minute to start and
 * seed. Needs PostgreSQL on 127.0.0.1:5432 and Redis on 6379. Targets 127.0.0.1 only. Writes
 * results.json and the charts (PNG) beside this file.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderCharts } from '../charts';
import { describeMachine, watchMachine, type MachineLoad } from '../machine';
import { cpuSeconds } from '../processes';
import { summarize, type Summary } from '../stats';
import { createMixState, mixWeights, nextRequest } from '../stack/app-mix';
import { LiveSubscribers } from '../stack/live';
import { createPool, runOpenLoop } from '../stack/open-loop';
import { seedOrganization } from '../stack/seed';
import { serviceErrors, startStack } from '../stack/start-stack';
import { charts, kneeOf, type StressResults, type StressStep } from './charts';

const p95TargetMs = 200;

function option(argv: string[], flag: string, fallback: number): number {
  const i = argv.indexOf(flag);
  const value = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} must be a positive number (got ${argv[i + 1]})`);
  return value;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = {
    startRate: option(argv, '--start', 10),
    stepRate: option(argv, '--step', 10),
    stepSeconds: option(argv, '--step-seconds', 15),
    steps: option(argv, '--steps', 12),
    live: option(argv, '--live', 50),
    queues: 8,
  };
  process.stderr.write('starting the stack...\n');
  const stack = await startStack();
  const steps: StressStep[] = [];
  let errorLog: Record<string, string[]> = {};
  const pool = createPool(stack.api);
  const live = new LiveSubscribers(stack.api, options.live);
  try {
    const org = await seedOrganization(stack.api, { queues: options.queues, perQueue: 5 });
    const state = createMixState(org);
    state.onJoined = (visit) => live.offer(visit);
    const apiPath = new URL(stack.api).pathname;
    // Warm-up at the first rate: connections, caches, JIT.
    await runOpenLoop({ pool, path: apiPath, rate: options.startRate, seconds: 5, next: () => nextRequest(state) });
    live.takeWindow();
    for (let i = 0; i < options.steps; i += 1) {
      const rate = options.startRate + i * options.stepRate;
      const cpuBefore = stack.services.map((service) => cpuSeconds(service.process.pid!));
      const watch = watchMachine();
      const run = await runOpenLoop({ pool, path: apiPath, rate, seconds: options.stepSeconds, next: () => nextRequest(state) });
      const machine: MachineLoad = watch.stop();
      const serviceCores = Object.fromEntries(
        stack.services.map((service, s) => [service.name, Math.round(((cpuSeconds(service.process.pid!) - cpuBefore[s]) / run.seconds) * 100) / 100]),
      );
      const window = live.takeWindow();
      const latency: Summary = summarize(run.latenciesMs);
      const step: StressStep = {
        targetRate: rate,
        achievedRate: run.achievedRate,
        seconds: Math.round(run.seconds * 10) / 10,
        sent: run.sent,
        ok: run.ok,
        errors: run.errors,
        errorsByCode: run.errorsByCode,
        firstErrors: run.firstErrors,
        p50Ms: latency.p50,
        p95Ms: latency.p95,
        p99Ms: latency.p99,
        maxMs: latency.max,
        byOperationP95Ms: Object.fromEntries([...run.byOperation].map(([name, values]) => [name, summarize(values).p95])),
        live: { open: window.open, deliveries: window.deliveries, errors: window.errors, deliveryMs: summarize(window.deliveryMs) },
        serviceCores,
        servicesCores: Math.round(Object.values(serviceCores).reduce((a, b) => a + b, 0) * 100) / 100,
        machine,
      };
      steps.push(step);
      process.stdout.write(
        `${rate} req/s asked: ${step.achievedRate} answered/s, p50/p95/p99 ${step.p50Ms}/${step.p95Ms}/${step.p99Ms} ms, ${step.errors} errors` +
          `${step.errors ? ` ${JSON.stringify(step.errorsByCode)}` : ''}, live ${window.open} open ${window.deliveries} delivered (p95 ${step.live.deliveryMs.p95} ms), ` +
          `services ${step.servicesCores} cores; ${describeMachine(machine)}\n`,
      );
      if (step.firstErrors.length) process.stdout.write(`  e.g. ${step.firstErrors.slice(0, 2).join('\n  e.g. ')}\n`);
      if (step.p95Ms > 1_000 || step.errors > 0.05 * step.sent) {
        process.stdout.write('past the knee by far: stopping\n');
        break;
      }
    }
    errorLog = serviceErrors(stack.services);
  } finally {
    await live.closeAll();
    await pool.close();
    await stack.stop();
  }
  const results: StressResults = {
    kind: 'stress',
    at: new Date().toISOString(),
    host: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    options,
    mix: mixWeights,
    p95TargetMs,
    knee: kneeOf(steps, p95TargetMs),
    busySteps: steps.filter((step) => step.machine.busy).length,
    serviceErrors: errorLog,
    steps,
  };
  for (const [service, lines] of Object.entries(errorLog)) process.stdout.write(`${service} logged errors, e.g.\n  ${lines.join('\n  ')}\n`);
  const file = path.join(__dirname, 'results.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  const pngs = await renderCharts(charts(results), __dirname);
  const knee = results.knee;
  process.stdout.write(
    `\nknee: ${knee ? `${knee.targetRate} req/s asked, ${knee.achievedRate} answered/s at p95 ${knee.p95Ms} ms` : `none (no step had p95 under ${p95TargetMs} ms and no error)`}` +
      `${results.busySteps ? `; BUSY: ${results.busySteps} of ${steps.length} steps taken while processes outside the run used CPU` : ''}\n`,
  );
  process.stdout.write(`wrote ${[file, ...pngs].map((f) => path.relative(process.cwd(), f)).join(', ')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
