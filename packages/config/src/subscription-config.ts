import { z } from 'zod';
import type { RateLimitBudget } from './edge-config';

const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const budget = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);

/** Live updates: the event log (queue subgraph and gateway) and the gateway's WebSocket server. */
export const subscriptionEnvironment = {
  EVENT_LOG_RETENTION_SECONDS: positive(3600),
  EVENT_LOG_COMPRESS_ABOVE_BYTES: budget(16 * 1024),
  OUTBOX_SWEEP_INTERVAL_MS: positive(1_000),
  SUBSCRIPTIONS_PER_CONNECTION: positive(20),
  SUBSCRIPTIONS_KEEPALIVE_MS: positive(12_000),
  SUBSCRIPTIONS_CONNECTION_INIT_TIMEOUT_MS: positive(5_000),
  SUBSCRIPTIONS_MAX_PAYLOAD_BYTES: positive(64 * 1024),
  SUBSCRIPTIONS_MAX_BUFFERED_BYTES: positive(1024 * 1024),
  SUBSCRIPTIONS_RATE_LIMIT_WINDOW_SECONDS: positive(60),
  SUBSCRIPTIONS_CONNECTIONS_PER_ADDRESS: budget(300),
  SUBSCRIPTIONS_CONNECTIONS_PER_CREDENTIAL: budget(120),
  SUBSCRIPTIONS_SUBSCRIBES_PER_CONNECTION: budget(120),
};

type SubscriptionEnvironment = { [K in keyof typeof subscriptionEnvironment]: z.infer<(typeof subscriptionEnvironment)[K]> };

export interface SubscriptionConfig {
  /** How long events stay replayable (afterSequence older than this answers SEQUENCE_TOO_OLD). */
  eventRetentionMs: number;
  /** Events whose JSON is longer are stored and published deflated (a long line's are hundreds of KB); 0 never. */
  eventCompressAboveBytes: number;
  /** How often each queue replica looks for outbox rows a dead process left unrelayed (rows older than 2 s). */
  outboxSweepIntervalMs: number;
  /** Most subscriptions one WebSocket may hold at once. */
  maxPerConnection: number;
  /** Ping interval; a connection that does not answer within as long again is dropped. */
  keepAliveMs: number;
  /** A connection that sends no connection_init within this is closed. */
  connectionInitTimeoutMs: number;
  /** Largest message a client may send; a larger one closes the socket with 1009. */
  maxPayloadBytes: number;
  /** Bytes queued for one socket that its client has not read; past them it is closed (slow consumer). */
  maxBufferedBytes: number;
  /** Kept in Redis, shared by every gateway replica; 0 points turn a budget off. */
  rateLimits: {
    /** New WebSocket connections from one client address per window (close code 4429). */
    connectionsPerAddress: RateLimitBudget;
    /** New connections of one user or partner key per window (close code 4429). */
    connectionsPerCredential: RateLimitBudget;
    /** Subscribe messages on one connection per window (RATE_LIMITED). */
    subscribesPerConnection: RateLimitBudget;
  };
}

export function subscriptionConfig(e: SubscriptionEnvironment): SubscriptionConfig {
  const windowSeconds = e.SUBSCRIPTIONS_RATE_LIMIT_WINDOW_SECONDS;
  return {
    eventRetentionMs: e.EVENT_LOG_RETENTION_SECONDS * 1000,
    eventCompressAboveBytes: e.EVENT_LOG_COMPRESS_ABOVE_BYTES,
    outboxSweepIntervalMs: e.OUTBOX_SWEEP_INTERVAL_MS,
    maxPerConnection: e.SUBSCRIPTIONS_PER_CONNECTION,
    keepAliveMs: e.SUBSCRIPTIONS_KEEPALIVE_MS,
    connectionInitTimeoutMs: e.SUBSCRIPTIONS_CONNECTION_INIT_TIMEOUT_MS,
    maxPayloadBytes: e.SUBSCRIPTIONS_MAX_PAYLOAD_BYTES,
    maxBufferedBytes: e.SUBSCRIPTIONS_MAX_BUFFERED_BYTES,
    rateLimits: {
      connectionsPerAddress: { points: e.SUBSCRIPTIONS_CONNECTIONS_PER_ADDRESS, windowSeconds },
      connectionsPerCredential: { points: e.SUBSCRIPTIONS_CONNECTIONS_PER_CREDENTIAL, windowSeconds },
      subscribesPerConnection: { points: e.SUBSCRIPTIONS_SUBSCRIBES_PER_CONNECTION, windowSeconds },
    },
  };
}
