/**
 * The gateway's own work per delivered event, apart from everything else bench.ts runs: the
 * real feed, subscriptions, payload executor and channels of gateway/src/subscriptions, over
 * the in-memory event log, with `--subscribers` token holders of one queue. The queue
 * subgraph's answer is a canned one of the real size and shape (one payload per subscriber,
 * parsed from JSON text at every event as the subgraph client does), and each payload becomes
 * the `next` message text server.ts's sendNext writes. Three ways, each in a process of its
 * own, rounds rotating:
 *   - `no-sockets`: the message is made and dropped (the gateway's code alone);
 *   - `sockets`: it is sent on a WebSocket of its own to a receiver process (write-floor.ts's,
 *     which reads each message as bench.ts's subscribers do);
 *   - `sockets-paused`: the same with 250 ms between events, as bench.ts waits between calls.
 * CPU per delivery = the process's user + system time over the events ÷ deliveries.
 *
 *   npx tsx loadtests/subscriptions/gateway-path.ts [--subscribers 1000] [--events 40] [--rounds 3]
 *
 * 127.0.0.1 only.
 */
import { randomUUID } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { GraphQLDataSource } from '@apollo/gateway';
import type { FormattedExecutionResult } from 'graphql';
import { createLogger } from '@waitlessq/observability';
import { createEventLog, createRedis } from '@waitlessq/redis';
import type { Caller } from '../../gateway/src/subscriptions/caller';
import { queueEventStream } from '../../gateway/src/subscriptions/events';
import { createPayloadExecutor } from '../../gateway/src/subscriptions/payloads';
import { createSubscriptionPlanner, type PlannedSubscription } from '../../gateway/src/subscriptions/planner';
import { createQueueFeeds } from '../../gateway/src/subscriptions/queue-feeds';
import { startSubscription } from '../../gateway/src/subscriptions/subscription';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { WebSocketServer, type WebSocket } from 'ws';
import { describeMachine, quietRounds, watched, type MachineLoad } from '../machine';
import { median } from '../stats';
import { option } from '../args';

const subscribers = Number(option('subscribers', '1000'));
const events = Number(option('events', '40'));
const rounds = Number(option('rounds', '3'));

const ways = ['no-sockets', 'sockets', 'sockets-paused'] as const;
type Way = (typeof ways)[number];
const way = option('way', '') as Way | '';
const withSockets = way === 'sockets' || way === 'sockets-paused';
const pauseMs = way === 'sockets-paused' ? 250 : 0;

// What a customer's app asks for (bench.ts's LOCAL).
const LOCAL = `subscription($id: ID!, $token: String) {
  visitUpdated(visitId: $id, visitToken: $token) { sequence change reasons at visit { status position estimatedWaitMinutes } }
}`;

/** One way in this process: warms up, then prints the CPU its events took. */
async function child(): Promise<void> {
  const logger = createLogger('gateway-path', 'silent');
  const planner = createSubscriptionPlanner(readFileSync(path.resolve(__dirname, '../../schema/supergraph.graphql'), 'utf8'), { maxTokens: 10_000 });
  const planned = planner.plan(LOCAL, undefined, {});
  if (!('plan' in planned)) throw new Error(`not planned: ${JSON.stringify(planned)}`);
  const log = createEventLog(createRedis({ kind: 'memory', keyPrefix: '' }), { retentionMs: 60_000 });
  const feeds = createQueueFeeds(log, logger);
  const queueId = randomUUID();
  const visits = Array.from({ length: subscribers }, () => ({ id: randomUUID(), token: `v1.${randomUUID()}.${'x'.repeat(90)}` }));

  /**
   * The queue subgraph's answer for an event: each subscriber's payload, as the JSON text the
   * subgraph client receives (made once; only the sequence changes), parsed per request as it is.
   */
  const answerTemplate = JSON.stringify({
    data: {
      _entities: [
        {
          payloads: visits.map((_, i) => ({
            result: {
              data: {
                visitUpdated: {
                  sequence: -1,
                  change: 'CALLED',
                  reasons: ['POSITION_CHANGED', 'ESTIMATE_CHANGED'],
                  at: '2026-12-03T10:00:00.000Z',
                  visit: { status: 'WAITING', position: i + 1, estimatedWaitMinutes: i * 3 + 5 },
                },
              },
            },
            ends: false,
          })),
        },
      ],
    },
  });
  const answerText = (sequence: number) => answerTemplate.replaceAll('"sequence":-1', `"sequence":${sequence}`);
  let requests = 0;
  const queue: GraphQLDataSource = {
    process: async (options) => {
      requests += 1;
      const sequence = (options.request.variables as { representations: { sequence: number }[] }).representations[0]!.sequence;
      // The request body the gateway would send, serialized as the subgraph client does.
      JSON.stringify(options.request);
      return JSON.parse(answerText(sequence)) as never;
    },
  };
  const payloads = createPayloadExecutor({ planner, services: { queue }, formatError: (formatted) => formatted });
  const caller: Caller = { identity: { kind: 'anonymous' }, key: 'anonymous', signedIdentity: async () => 'signed' };

  const sockets: WebSocket[] = [];
  let waitLine = async () => {};
  let stopReceiver = async () => {};
  if (withSockets) {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    await new Promise((resolve) => server.once('listening', resolve));
    server.on('connection', (socket) => sockets.push(socket));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(__dirname, 'write-floor.ts'),
        '--receiver',
        `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
        '--sockets',
        String(subscribers),
      ],
      {
        cwd: path.resolve(__dirname, '../..'),
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    // Waited for, so that its CPU is reaped into this process's and counted as the benchmark's (machine.ts).
    stopReceiver = async () => {
      const exited = once(child, 'exit');
      child.kill();
      await exited;
    };
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    waitLine = async () => void (await lines.next());
    await waitLine();
    while (sockets.length < subscribers) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  let delivered = 0;
  let bytes = 0;
  let onDelivered = () => {};
  for (let i = 0; i < subscribers; i++) {
    const id = String(i + 1);
    const prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
    /** What server.ts's sendNext writes; counted, and sent when there are sockets. */
    const deliver = (payload: FormattedExecutionResult) => {
      const text = `${prefix}${JSON.stringify(payload)}}`;
      bytes += text.length;
      if (withSockets) sockets[i]!.send(text);
      if (++delivered % subscribers === 0) onDelivered();
    };
    const channel = await startSubscription(
      { log, feeds, payloads },
      {
        planned: planned as PlannedSubscription,
        variables: { id: visits[i]!.id, token: visits[i]!.token },
        args: { visitId: visits[i]!.id },
        caller,
        target: { queueId, finished: false },
        requestId: `ws:${i}:${id}`,
        logger,
      },
      () => undefined,
      {
        sizeOf: (payload) => JSON.stringify(payload).length,
        sendNow: (payload) => {
          deliver(payload);
          return true;
        },
      },
    );
    // graphql-ws's reader: one pull at a time (sendNow answers while it waits).
    void (async () => {
      for await (const payload of channel) deliver(payload);
    })();
  }

  let sequence = 0;
  const event = async () => {
    sequence += 1;
    const all = new Promise<void>((resolve) => (onDelivered = resolve));
    await log.append(queueEventStream(queueId), { queueId, change: { kind: 'CALLED' } }, sequence);
    await all;
    if (withSockets) await waitLine();
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  };
  for (let i = 0; i < 20; i++) await event();
  let user = 0;
  let system = 0;
  for (let e = 0; e < events; e++) {
    const cpu = process.cpuUsage();
    await event();
    const used = process.cpuUsage(cpu);
    user += used.user;
    system += used.system;
  }
  feeds.close();
  await stopReceiver();
  process.stdout.write(`${JSON.stringify({ user, system, deliveries: events * subscribers, bytesPerMessage: Math.round(bytes / delivered), requests })}\n`);
  process.exit(0);
}

interface Sample {
  round: number;
  way: Way;
  cpuUsPerDelivery: number;
  userUsPerDelivery: number;
  systemUsPerDelivery: number;
  machine: MachineLoad;
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  console.log(`node ${process.version}; ${subscribers} subscribers of one queue, ${events} events per way and round`);
  const samples: Sample[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const next of ways.map((_, i) => ways[(i + round) % ways.length]!)) {
      const { result, machine } = await watched(async () => {
        const out = execFileSync(
          process.execPath,
          ['--import', 'tsx', __filename, '--way', next, '--subscribers', String(subscribers), '--events', String(events)],
          { cwd: root, encoding: 'utf8' },
        );
        return JSON.parse(out.trim().split('\n').at(-1)!) as { user: number; system: number; deliveries: number; bytesPerMessage: number };
      });
      const per = (micros: number) => Math.round((micros / result.deliveries) * 10) / 10;
      const sample = {
        round: round + 1,
        way: next,
        cpuUsPerDelivery: per(result.user + result.system),
        userUsPerDelivery: per(result.user),
        systemUsPerDelivery: per(result.system),
        machine,
      };
      samples.push(sample);
      console.log(
        `round ${sample.round} ${next.padEnd(14)} ${sample.cpuUsPerDelivery} µs per delivery (user ${sample.userUsPerDelivery}, system ${sample.systemUsPerDelivery}), ${result.bytesPerMessage} bytes per message  ${describeMachine(machine)}`,
      );
    }
  }
  const summary = ways.map((name) => {
    const all = samples.filter((sample) => sample.way === name);
    const { used, label } = quietRounds(all);
    return {
      way: name,
      rounds: label,
      cpuUsPerDelivery: median(used.map((sample) => sample.cpuUsPerDelivery)),
      systemUsPerDelivery: median(used.map((sample) => sample.systemUsPerDelivery)),
    };
  });
  console.table(summary);
  const file = path.join(__dirname, 'results-gateway-path.json');
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, subscribers, events, rounds, summary, samples }, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

(way ? child() : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
