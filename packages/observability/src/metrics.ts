import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process; every service exposes it on /metrics. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export interface Metrics {
  graphqlRequests: Counter<'service' | 'operation' | 'outcome'>;
  graphqlDuration: Histogram<'service' | 'operation'>;
}

let metrics: Metrics | undefined;

/** Created once: several services share a registry when they run in one process. */
export function createMetrics(): Metrics {
  metrics ??= {
    graphqlRequests: new Counter({
      name: 'wlq_graphql_requests_total',
      help: 'GraphQL operations served, by outcome (ok or the first error code)',
      labelNames: ['service', 'operation', 'outcome'],
      registers: [metricsRegistry],
    }),
    graphqlDuration: new Histogram({
      name: 'wlq_graphql_duration_seconds',
      help: 'Time to serve a GraphQL operation',
      labelNames: ['service', 'operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
      registers: [metricsRegistry],
    }),
  };
  return metrics;
}

let cacheRequests: Counter<'cache' | 'outcome'> | undefined;

/** Lookups of the read-through caches, one per key: the hit ratio is hit / (hit + miss). */
export function cacheRequestsCounter(): Counter<'cache' | 'outcome'> {
  cacheRequests ??= new Counter({
    name: 'wlq_cache_requests_total',
    help: 'Keys looked up in the read-through caches, by cache and outcome (hit or miss)',
    labelNames: ['cache', 'outcome'],
    registers: [metricsRegistry],
  });
  return cacheRequests;
}

export interface SubscriptionMetrics {
  connections: Gauge;
  subscriptions: Gauge;
  /** Payloads sent, and payload executions actually run (subscribers sharing a document, variables and caller share one). */
  payloads: Counter<'outcome'>;
  executions: Counter<'kind'>;
  /** From an event's record in the log to this gateway receiving it. */
  eventLag: Histogram;
  /** Handing one event to every subscriber of its queue on this gateway, payloads computed and written. */
  eventFanOut: Histogram;
  /** From an event's record in the log to its payloads written to every subscriber on this gateway: the live delivery latency. */
  delivery: Histogram;
}

let subscriptionInstruments: SubscriptionMetrics | undefined;

/** The gateway's live updates (gateway/src/subscriptions). */
export function subscriptionMetrics(): SubscriptionMetrics {
  subscriptionInstruments ??= {
    connections: new Gauge({ name: 'wlq_subscription_connections', help: 'Open graphql-ws connections', registers: [metricsRegistry] }),
    subscriptions: new Gauge({ name: 'wlq_subscriptions_active', help: 'Subscriptions streaming', registers: [metricsRegistry] }),
    payloads: new Counter({
      name: 'wlq_subscription_payloads_total',
      help: 'Subscription payloads sent, by outcome (ok or with errors)',
      labelNames: ['outcome'],
      registers: [metricsRegistry],
    }),
    executions: new Counter({
      name: 'wlq_subscription_executions_total',
      help: 'Payload executions run: local (queue fields only, in memory) or planned (with entity fetches)',
      labelNames: ['kind'],
      registers: [metricsRegistry],
    }),
    eventLag: new Histogram({
      name: 'wlq_subscription_event_lag_seconds',
      help: 'From an event recorded in the log to the gateway receiving it',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [metricsRegistry],
    }),
    eventFanOut: new Histogram({
      name: 'wlq_subscription_event_fanout_seconds',
      help: 'Handing one event to every subscriber of its queue on this gateway (queue-field payloads computed and written)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [metricsRegistry],
    }),
    delivery: new Histogram({
      name: 'wlq_subscription_delivery_seconds',
      help: "From an event recorded in the log to its payloads written to every subscriber of its queue on this gateway (the plan's live delivery target: p95 under 50 ms)",
      buckets: [0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [metricsRegistry],
    }),
  };
  return subscriptionInstruments;
}
