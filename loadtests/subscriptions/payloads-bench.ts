/**
 * The queue subgraph's share of a live update, in one process and side by side: resolving the
 * payloads of one event for a group of subscribers (SubscriptionEvent.payloads, what the
 * gateway asks once per event per document and caller class) as it is done now, one execution
 * of the document for the whole group, against running the document once per subscriber (the
 * way before). Alternating rounds; CPU per subscriber from process.cpuUsage; the machine's load
 * per round (../machine.ts). The event log is in memory: no network, no database.
 *
 *   npx tsx loadtests/subscriptions/payloads-bench.ts [--subscribers 1000] [--rounds 6]
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'graphql';
import { createLogger } from '@waitlessq/observability';
import { createEventLog, createRedis } from '@waitlessq/redis';
import type { QueueContext } from '../../subgraphs/queue/src/context';
import { createEventStore, createQueueEventExecutor, createSubscriptionPayloadResolvers, queueEventStream } from '../../subgraphs/queue/src/events';
import type { QueueEventData } from '../../subgraphs/queue/src/events';
import { eventVisitColumns } from '../../subgraphs/queue/src/events/visit-row';
import { visitUpdateReasons } from '../../subgraphs/queue/src/events/visit-relevance';
import { describeMachine, watched, type MachineLoad } from '../machine';

const arg = (name: string, fallback: number) => (process.argv.includes(`--${name}`) ? Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) : fallback);
const subscribers = arg('subscribers', 1_000);
const rounds = arg('rounds', 6);
const callsPerRound = 20;

// The customer app's document (loadtests/subscriptions/bench.ts LOCAL).
const DOCUMENT = `subscription($id: ID!, $token: String) {
  visitUpdated(visitId: $id, visitToken: $token) { sequence change reasons at visit { status position estimatedWaitMinutes } }
}`;

const logger = createLogger('bench', 'silent');
const queueId = randomUUID();
const context = { identity: { kind: 'anonymous' }, requestId: 'bench', logger } as unknown as QueueContext;

/** An event of a queue where `waiting` visits wait, after a CALLED change. */
function eventData(waiting: number, offset: number): QueueEventData {
  const at = '2026-01-15T09:00:00.000';
  const visits = Array.from({ length: waiting }, (_, i): Record<string, unknown> => ({
    id: visitIdOf(i + offset),
    status: 'WAITING',
    priority: 0,
    joinedAt: new Date(Date.parse('2026-01-15T09:00:00Z') + i * 1000).toISOString(),
    ticketNumber: i + 1 + offset,
    expectedServiceMinutes: 10,
    queueId,
    createdAt: at,
    updatedAt: at,
  }));
  return {
    queueId,
    organizationId: randomUUID(),
    change: { kind: 'CALLED', visitIds: [] },
    snapshot: {
      queue: { id: queueId, status: 'OPEN', countersOpen: 1, businessId: randomUUID(), createdAt: at, updatedAt: at } as never,
      visits: visits.map((visit) => eventVisitColumns.map((column) => visit[column] ?? null)) as never,
      serviceTimes: {},
      appointmentIds: [],
    },
  };
}
const visitIdOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

interface Round {
  way: 'one execution per group' | 'one execution per subscriber';
  cpuMicrosPerSubscriber: number;
  wallMsPerEvent: number;
  machine: MachineLoad;
}

async function main(): Promise<void> {
  const log = createEventLog(createRedis({ kind: 'memory', keyPrefix: '' }), { retentionMs: 3_600_000 });
  // Two events: everyone moves up one place between them, so every subscriber is sent a payload.
  await log.append(queueEventStream(queueId), eventData(subscribers + 1, 0), 1);
  await log.append(queueEventStream(queueId), eventData(subscribers, 1), 2);
  const executor = createQueueEventExecutor({ exposeInternals: false, logger });
  const store = createEventStore(log);
  const resolvers = createSubscriptionPayloadResolvers(executor, store);
  const variables = Array.from({ length: subscribers }, (_, i) => ({ id: visitIdOf(i + 1), token: 'not checked here' }));
  const document = parse(DOCUMENT);

  const ways: Record<Round['way'], () => Promise<unknown>> = {
    'one execution per group': () =>
      resolvers.SubscriptionEvent.payloads({ queueId, sequence: 2 }, { document: DOCUMENT, variables, previousSequence: 1 }, context),
    // What the resolver did before: relevance, then the document run for each subscriber alone.
    'one execution per subscriber': async () => {
      const [previous, event] = await Promise.all([store.event(queueId, 1), store.event(queueId, 2)]);
      return Promise.all(
        variables.map((given) =>
          executor.execute({
            document,
            variables: given,
            source: { event, reasons: visitUpdateReasons(previous, event, given.id) },
            identity: context.identity,
            requestId: 'bench',
            logger,
          }),
        ),
      );
    },
  };
  const names = Object.keys(ways) as Round['way'][];
  // The answers must be the same before anything is timed.
  const [grouped, alone] = await Promise.all(names.map((name) => ways[name]()));
  const results = (grouped as { result: unknown }[]).map((answer) => answer.result);
  if (JSON.stringify(results) !== JSON.stringify(alone)) throw new Error('The two ways answer differently.');
  for (const name of names) for (let i = 0; i < 5; i++) await ways[name]();

  const all: Round[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const way of round % 2 === 0 ? names : [...names].reverse()) {
      const { result, machine } = await watched(async () => {
        const cpu = process.cpuUsage();
        const started = performance.now();
        for (let call = 0; call < callsPerRound; call++) await ways[way]();
        const used = process.cpuUsage(cpu);
        return { cpu: used.user + used.system, wall: performance.now() - started };
      });
      const entry = {
        way,
        cpuMicrosPerSubscriber: Math.round((result.cpu / callsPerRound / subscribers) * 10) / 10,
        wallMsPerEvent: Math.round((result.wall / callsPerRound) * 10) / 10,
        machine,
      };
      all.push(entry);
      process.stdout.write(
        `${way}: ${entry.cpuMicrosPerSubscriber} µs CPU per subscriber, ${entry.wallMsPerEvent} ms per event; ${describeMachine(machine)}\n`,
      );
    }
  }
  const quiet = all.filter((round) => !round.machine.busy);
  const median = (way: Round['way']) => {
    const values = (quiet.length > 0 ? quiet : all).filter((round) => round.way === way).map((round) => round.cpuMicrosPerSubscriber);
    return values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  };
  const [group, each] = names.map(median);
  process.stdout.write(
    `\n${subscribers} subscribers, medians of ${quiet.length > 0 ? 'quiet' : 'BUSY (no quiet round)'} rounds: one execution per group ${group} µs CPU per subscriber, per subscriber ${each} µs: ${Math.round((each / group) * 10) / 10}× less\n`,
  );
  const file = path.join(__dirname, 'results-payloads.json');
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), node: process.version, subscribers, rounds: all }, null, 2) + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
