import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
