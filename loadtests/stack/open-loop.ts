/**
 * An open-loop load driver: requests leave at a fixed rate whether or not earlier ones have
 * answered (the way independent users arrive), and each latency is counted from the moment
 * the request was due, not sent, so a stalled server is not hidden by a waiting client
 * (coordinated omission). HTTP/1.1 keep-alive through an undici Pool, which costs the
 * generator far less CPU than fetch. Bounded: a step ends after its seconds, and a request
 * that would exceed `maxInFlight` is not sent but counted as an error (CLIENT_OVERLOADED).
 */
import { Pool } from 'undici';
import type { MixRequest } from './app-mix';

export interface OpenLoopResult {
  /** The rate asked for, and what was answered per second over the step. */
  targetRate: number;
  achievedRate: number;
  seconds: number;
  sent: number;
  ok: number;
  errors: number;
  errorsByCode: Record<string, number>;
  /** Successful requests' latencies (ms), from when each was due. */
  latenciesMs: number[];
  byOperation: Map<string, number[]>;
  firstErrors: string[];
}

export function createPool(api: string, connections = 128): Pool {
  return new Pool(new URL(api).origin, { connections, pipelining: 1, keepAliveTimeout: 4_000 });
}

export async function runOpenLoop(options: {
  pool: Pool;
  path: string;
  rate: number;
  seconds: number;
  next: () => MixRequest;
  maxInFlight?: number;
  timeoutMs?: number;
}): Promise<OpenLoopResult> {
  const { pool, rate } = options;
  const maxInFlight = options.maxInFlight ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const result: OpenLoopResult = {
    targetRate: rate,
    achievedRate: 0,
    seconds: 0,
    sent: 0,
    ok: 0,
    errors: 0,
    errorsByCode: {},
    latenciesMs: [],
    byOperation: new Map(),
    firstErrors: [],
  };
  const fail = (code: string, detail: string) => {
    result.errors += 1;
    result.errorsByCode[code] = (result.errorsByCode[code] ?? 0) + 1;
    if (result.firstErrors.length < 5) result.firstErrors.push(`${code}: ${detail.slice(0, 300)}`);
  };
  const inFlight = new Set<Promise<void>>();
  const send = async (request: MixRequest, dueAt: number) => {
    try {
      const response = await pool.request({
        path: options.path,
        method: 'POST',
        headers: request.headers,
        body: request.body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const body = (await response.body.json()) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
      const ms = performance.now() - dueAt;
      if (response.statusCode !== 200 || body.errors?.length || !body.data) {
        fail(body.errors?.[0]?.extensions?.code ?? `HTTP_${response.statusCode}`, `${request.name}: ${JSON.stringify(body.errors ?? body)}`);
        return;
      }
      result.ok += 1;
      result.latenciesMs.push(ms);
      (result.byOperation.get(request.name) ?? result.byOperation.set(request.name, []).get(request.name)!).push(ms);
      request.learn?.(body.data);
    } catch (error) {
      fail((error as { code?: string }).code ?? 'NETWORK', `${request.name}: ${String(error)}`);
    }
  };

  const started = performance.now();
  const intervalMs = 1_000 / rate;
  const total = Math.round(rate * options.seconds);
  while (result.sent < total) {
    const dueAt = started + result.sent * intervalMs;
    const wait = dueAt - performance.now();
    // Always yield, even when the next request is already due: answers are read meanwhile.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
    // Everything due by now leaves now (a late timer sends a small burst, as arrivals would).
    while (result.sent < total && started + result.sent * intervalMs <= performance.now()) {
      const due = started + result.sent * intervalMs;
      result.sent += 1;
      if (inFlight.size >= maxInFlight) {
        fail('CLIENT_OVERLOADED', `${maxInFlight} requests in flight`);
        continue;
      }
      const promise = send(options.next(), due).finally(() => inFlight.delete(promise));
      inFlight.add(promise);
    }
  }
  await Promise.all(inFlight);
  result.seconds = (performance.now() - started) / 1_000;
  result.achievedRate = Math.round((result.ok / result.seconds) * 10) / 10;
  return result;
}
