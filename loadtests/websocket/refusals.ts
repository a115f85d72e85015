/**
 * How fast one gateway refuses a flood of subscribes from one address without calling a
 * subgraph, and what each refusal costs it in CPU. One gateway process (dist/main.js, testkit's
 * startService) on Redis; its four subgraph URLs point at one stub HTTP server here that counts
 * every request it gets (it must stay at 0). The bench opens a few WebSockets from 127.0.0.1
 * with a staff access token and sends subscribes on each with a window of them in flight,
 * until a count or a time bound, counting the error answers by code.
 *
 *   npm run build && npx tsx loadtests/websocket/refusals.ts [--quick]
 *
 * Measures per scenario: refused subscribes per second (first send to last answer), the
 * gateway's CPU per refused subscribe (utime + stime of its process from /proc/<pid>/stat,
 * before and after), its RSS, and the machine's load (loadtests/machine.ts: busy when processes
 * outside the benchmark took CPU). Needs Redis on 127.0.0.1:6379.
 * Targets 127.0.0.1 only.
 */
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { createTokenService } from '@waitlessq/auth';
import { startService, testRedisUrl, testSecrets, type RunningService } from '@waitlessq/testkit';
import { describeMachine, watchMachine, type MachineLoad } from '../machine';
import { cpuSeconds, residentBytes } from '../processes';

const quick = process.argv.includes('--quick');
const perScenario = quick ? 5_000 : 40_000;
const timeBoundMs = quick ? 10_000 : 30_000;
const connections = 8;
// Within SUBSCRIPTIONS_PER_CONNECTION (20): subscribes still being checked hold a slot.
const window = 16;

interface Scenario {
  name: string;
  /** What is sent: the document and its variables. */
  query: string;
  variables: Record<string, unknown>;
  /** The gateway's environment besides the common one. */
  env: Record<string, string>;
}

const queueId = '00000000-0000-4000-8000-000000000001';
const deep = `subscription($q: ID!) { queueUpdated(queueId: $q) { queue { business { queues { business { queues { business { queues { business { queues { business { queues { id } } } } } } } } } } } } }`;
const noBudgets = { SUBSCRIPTIONS_SUBSCRIBES_PER_CONNECTION: '0' };
const scenarios: Scenario[] = [
  { name: 'QUERY_TOO_DEEP (subscribe budget off)', query: deep, variables: { q: queueId }, env: noBudgets },
  {
    name: 'TOO_MANY_TOKENS, a 2,100-token document (budget off)',
    query: `subscription { queueUpdated(queueId: "${queueId}") { ${'sequence '.repeat(2100)} } }`,
    variables: {},
    env: noBudgets,
  },
  {
    name: 'BAD_USER_INPUT, NUL in a variable (budget off)',
    query: 'subscription($v: ID!, $t: String) { visitUpdated(visitId: $v, visitToken: $t) { sequence } }',
    variables: { v: queueId, t: 'vt_\u0000' },
    env: noBudgets,
  },
  { name: 'default budgets: QUERY_TOO_DEEP, then RATE_LIMITED past 120 per connection', query: deep, variables: { q: queueId }, env: {} },
];

interface Result {
  scenario: string;
  sent: number;
  answered: number;
  codes: Record<string, number>;
  seconds: number;
  refusedPerSecond: number;
  gatewayCpuSeconds: number;
  gatewayCpuMicrosecondsPerRefusal: number;
  gatewayRssMiB: number;
  subgraphRequests: number;
  machine: MachineLoad;
}

const rssMiB = (pid: number) => Math.round(residentBytes(pid) / 2 ** 20);

async function startStubSubgraphs(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests += 1;
    req.resume();
    res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/graphql`, requests: () => requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function open(url: string, token: string): Promise<WebSocket> {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    socket.once('error', reject);
    socket.once('close', (code) => reject(new Error(`closed ${code}`)));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string };
      if (message.type === 'connection_ack') resolve();
      if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
    });
  });
  return socket;
}

/** Sends `total` subscribes over the sockets, `window` in flight on each, until done or the time bound. */
async function flood(
  sockets: WebSocket[],
  scenario: Scenario,
  total: number,
): Promise<{ sent: number; answered: number; codes: Record<string, number>; seconds: number }> {
  const codes: Record<string, number> = {};
  let sent = 0;
  let answered = 0;
  const started = performance.now();
  const deadline = Date.now() + timeBoundMs;
  await Promise.all(
    sockets.map(
      (socket, index) =>
        new Promise<void>((resolve) => {
          let nextId = 0;
          let inFlight = 0;
          const send = () => {
            while (inFlight < window && sent < total && Date.now() < deadline) {
              sent += 1;
              inFlight += 1;
              socket.send(JSON.stringify({ id: `${index}-${nextId++}`, type: 'subscribe', payload: { query: scenario.query, variables: scenario.variables } }));
            }
            if (inFlight === 0) resolve();
          };
          socket.on('message', (data) => {
            const message = JSON.parse(String(data)) as { type: string; payload?: { extensions?: { code?: string } }[] };
            if (message.type === 'error') {
              const code = message.payload?.[0]?.extensions?.code ?? 'none';
              codes[code] = (codes[code] ?? 0) + 1;
            } else if (message.type !== 'complete') {
              codes[message.type] = (codes[message.type] ?? 0) + 1;
              if (message.type !== 'next') return;
            }
            answered += 1;
            inFlight -= 1;
            send();
          });
          socket.once('close', () => resolve());
          send();
        }),
    ),
  );
  return { sent, answered, codes, seconds: (performance.now() - started) / 1000 };
}

async function runScenario(scenario: Scenario, stub: Awaited<ReturnType<typeof startStubSubgraphs>>, token: string, prefix: string): Promise<Result> {
  const url = stub.url;
  const gateway: RunningService = await startService('gateway', {
    REDIS_URL: testRedisUrl,
    REDIS_KEY_PREFIX: prefix,
    ...testSecrets,
    USER_SUBGRAPH_URL: url,
    BUSINESS_SUBGRAPH_URL: url,
    QUEUE_SUBGRAPH_URL: url,
    PWA_SUBGRAPH_URL: url,
    ...scenario.env,
  });
  try {
    const pid = gateway.process.pid!;
    const sockets = await Promise.all(Array.from({ length: connections }, () => open(gateway.url, token)));
    // Warm-up: the document is parsed and cached, the code paths compiled.
    await flood(sockets.slice(0, 1), scenario, 200);
    for (const socket of sockets) socket.removeAllListeners('message');
    const subgraphBefore = stub.requests();
    const watch = watchMachine();
    const cpuBefore = cpuSeconds(pid);
    const run = await flood(sockets, scenario, perScenario);
    const gatewayCpuSeconds = cpuSeconds(pid) - cpuBefore;
    const machine = watch.stop();
    const refused = Object.entries(run.codes)
      .filter(([code]) => code !== 'next')
      .reduce((sum, [, count]) => sum + count, 0);
    for (const socket of sockets) socket.close();
    return {
      scenario: scenario.name,
      sent: run.sent,
      answered: run.answered,
      codes: run.codes,
      seconds: Number(run.seconds.toFixed(2)),
      refusedPerSecond: Math.round(refused / run.seconds),
      gatewayCpuSeconds: Number(gatewayCpuSeconds.toFixed(2)),
      gatewayCpuMicrosecondsPerRefusal: Math.round((gatewayCpuSeconds * 1e6) / Math.max(1, refused)),
      gatewayRssMiB: rssMiB(pid),
      subgraphRequests: stub.requests() - subgraphBefore,
      machine,
    };
  } finally {
    await gateway.stop();
  }
}

async function main(): Promise<void> {
  const stub = await startStubSubgraphs();
  const tokens = createTokenService({ secret: testSecrets.JWT_SECRET, ttlSeconds: 3600 });
  const token = await tokens.signAccessToken({
    sub: '00000000-0000-4000-8000-0000000000aa',
    org: '00000000-0000-4000-8000-0000000000bb',
    kind: 'staff',
    role: 'OWNER',
  });
  const results: Result[] = [];
  try {
    for (const [index, scenario] of scenarios.entries()) {
      const result = await runScenario(scenario, stub, token, `bench:ws-refusals:${Date.now()}:${index}:`);
      results.push(result);
      process.stdout.write(`${JSON.stringify(result)}\n${scenario.name}: ${describeMachine(result.machine)}\n`);
    }
  } finally {
    await stub.close();
  }
  const file = path.join(__dirname, quick ? 'results.quick.json' : 'results.json');
  writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), cpus: os.cpus().length, connections, window, perScenario, timeBoundMs, results }, null, 2)}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
