/**
 * A circuit breaker for one Redis connection. Redis that is down refuses at once (no offline
 * queue), but Redis that hangs (overloaded, a network partition without a reset) costs every
 * command its whole timeout. After `failureThreshold` failures in a row, spread over at least
 * `minStreakMs`, the circuit opens and commands fail at once for `openMs`; then one command is
 * let through to probe, and a success closes it again. The spread keeps one stall of our own
 * event loop (every command in flight times out in the same instant) from opening it.
 */
export interface Circuit {
  /** Throws RedisUnavailableError while open; otherwise lets the command through. */
  admit(): void;
  succeeded(): void;
  failed(): void;
  state(): CircuitState;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitOptions {
  failureThreshold: number;
  minStreakMs: number;
  openMs: number;
  now?: () => number;
}

/** What a command gets while the circuit is open or the connection is not there. */
export class RedisUnavailableError extends Error {
  constructor(reason: string) {
    super(`Redis is unavailable (${reason}).`);
    this.name = 'RedisUnavailableError';
  }
}

export const defaultCircuit = { failureThreshold: 3, minStreakMs: 500, openMs: 1_000 } as const;

export function createCircuit(options: CircuitOptions): Circuit {
  const now = options.now ?? Date.now;
  let failures = 0;
  let streakStartedAt = 0;
  let openedAt: number | null = null;
  let probing = false;
  const state = (): CircuitState => (openedAt === null ? 'closed' : now() - openedAt < options.openMs ? 'open' : 'half-open');
  return {
    admit() {
      const current = state();
      if (current === 'open') throw new RedisUnavailableError('circuit open');
      if (current === 'half-open') {
        // One probe at a time; the others fail fast until it answers.
        if (probing) throw new RedisUnavailableError('circuit half-open');
        probing = true;
      }
    },
    succeeded() {
      failures = 0;
      openedAt = null;
      probing = false;
    },
    failed() {
      failures += 1;
      if (failures === 1) streakStartedAt = now();
      if (probing || (failures >= options.failureThreshold && now() - streakStartedAt >= options.minStreakMs)) openedAt = now();
      probing = false;
    },
    state,
  };
}
