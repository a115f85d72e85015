import { z } from 'zod';

const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Live updates: the event log (queue subgraph and gateway) and the gateway's WebSocket server. */
export const subscriptionEnvironment = {
  EVENT_LOG_RETENTION_SECONDS: positive(3600),
  SUBSCRIPTIONS_PER_CONNECTION: positive(20),
  SUBSCRIPTIONS_KEEPALIVE_MS: positive(12_000),
  SUBSCRIPTIONS_CONNECTION_INIT_TIMEOUT_MS: positive(5_000),
};

type SubscriptionEnvironment = { [K in keyof typeof subscriptionEnvironment]: z.infer<(typeof subscriptionEnvironment)[K]> };

export interface SubscriptionConfig {
  /** How long events stay replayable (afterSequence older than this answers SEQUENCE_TOO_OLD). */
  eventRetentionMs: number;
  /** Most subscriptions one WebSocket may hold at once. */
  maxPerConnection: number;
  /** Ping interval; a connection that does not answer within as long again is dropped. */
  keepAliveMs: number;
  /** A connection that sends no connection_init within this is closed. */
  connectionInitTimeoutMs: number;
}

export function subscriptionConfig(e: SubscriptionEnvironment): SubscriptionConfig {
  return {
    eventRetentionMs: e.EVENT_LOG_RETENTION_SECONDS * 1000,
    maxPerConnection: e.SUBSCRIPTIONS_PER_CONNECTION,
    keepAliveMs: e.SUBSCRIPTIONS_KEEPALIVE_MS,
    connectionInitTimeoutMs: e.SUBSCRIPTIONS_CONNECTION_INIT_TIMEOUT_MS,
  };
}
