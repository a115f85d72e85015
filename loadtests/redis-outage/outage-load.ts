/**
 * The Redis-outage scenario, shared by e2e/redis-outage.e2e.test.ts (which asserts on it) and
 * bench.ts beside this file (which runs it longer and records the figures): a graph (gateway and
 * four subgraphs, built) on a Redis of its own, a closed loop of anonymous joins and `{ __typename }`
 * queries through the gateway, and Redis stopped, then started again, while it runs. Every
 * request is timed and classified by what Redis was doing when it was sent.
 */
import { randomUUID } from 'node:crypto';
import { graphql, type RunningGraph } from '@waitlessq/testkit';

export type Phase = 'up' | 'down' | 'back';

export interface Sample {
  phase: Phase;
  kind: 'join' | 'typename';
  ms: number;
  ok: boolean;
  code?: string;
  /** The join's idempotency key (compared with the rows in PostgreSQL). */
  key?: string;
}

export interface OutageOptions {
  graph: RunningGraph;
  queueId: string;
  /** Closed-loop clients. */
  clients: number;
  /** How long each phase lasts. */
  phaseMs: number;
  stopRedis(): Promise<void>;
  startRedis(): Promise<void>;
  /** Called while Redis is down (readiness checks), before it is started again. */
  whileDown?: () => Promise<void>;
}

/**
 * The per-address rate limit on (in Redis, on every request), too high to be reached: with Redis
 * down it counts in each replica's memory, and must not slow anything either.
 */
export const addressBudgetOn = { RATE_LIMIT_PER_ADDRESS: '1000000' } as const;

const JOIN = `mutation($input: JoinQueueInput!) { joinQueue(input: $input) { visitToken visit { id ticket } } }`;

export async function runOutageScenario(options: OutageOptions): Promise<Sample[]> {
  const samples: Sample[] = [];
  let phase: Phase = 'up';
  let running = true;
  const url = options.graph.gateway.url;

  const once = async (client: number, turn: number) => {
    const sentIn = phase;
    const started = performance.now();
    if (turn % 2 === 0) {
      const key = randomUUID();
      const answer = await graphql(url, {
        query: JOIN,
        variables: { input: { queueId: options.queueId, name: `Walk-in ${client}-${turn}`, idempotencyKey: key } },
        headers: { 'user-agent': `outage-client-${client}` },
      }).catch((error: Error) => ({ errors: [{ message: error.message, extensions: { code: 'NO_ANSWER' } }], data: null }));
      const ok = !answer.errors?.length && Boolean(answer.data);
      samples.push({ phase: sentIn, kind: 'join', ms: performance.now() - started, ok, code: answer.errors?.[0]?.extensions?.code, key });
    } else {
      const answer = await graphql(url, { query: '{ __typename }' }).catch((error: Error) => ({
        errors: [{ message: error.message, extensions: { code: 'NO_ANSWER' } }],
        data: null,
      }));
      const ok = !answer.errors?.length && Boolean(answer.data);
      samples.push({ phase: sentIn, kind: 'typename', ms: performance.now() - started, ok, code: answer.errors?.[0]?.extensions?.code });
    }
  };
  const loops = Array.from({ length: options.clients }, async (_, client) => {
    for (let turn = 0; running; turn++) await once(client, turn);
  });

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  try {
    await pause(options.phaseMs);
    await options.stopRedis();
    phase = 'down';
    await pause(options.phaseMs);
    await options.whileDown?.();
    await options.startRedis();
    phase = 'back';
    await pause(options.phaseMs);
  } finally {
    running = false;
    await Promise.all(loops);
  }
  return samples;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export interface PhaseFigures {
  requests: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
}

export function figures(samples: Sample[], phase: Phase, kind: Sample['kind']): PhaseFigures {
  const chosen = samples.filter((s) => s.phase === phase && s.kind === kind);
  const ms = chosen.map((s) => s.ms);
  const round = (value: number) => Math.round(value * 10) / 10;
  return { requests: chosen.length, errors: chosen.filter((s) => !s.ok).length, p50Ms: round(percentile(ms, 50)), p95Ms: round(percentile(ms, 95)) };
}
