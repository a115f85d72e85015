import { Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from '@waitlessq/observability';

export interface OutboxMetrics {
  /** From a row's commit to its relay (its live event in the log, its jobs queued). */
  relayLag: Histogram;
  /** Age of the oldest row not relayed yet (0 when none), as the last sweep saw it. */
  oldestPending: Gauge;
}

let instruments: OutboxMetrics | undefined;

/** The transactional outbox's lag (subgraphs/queue/src/events), created once per process. */
export function outboxMetrics(): OutboxMetrics {
  instruments ??= {
    relayLag: new Histogram({
      name: 'wlq_outbox_relay_lag_seconds',
      help: 'From an outbox row written (the change committed) to its relay to the event log and the job queues',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [metricsRegistry],
    }),
    oldestPending: new Gauge({
      name: 'wlq_outbox_oldest_pending_seconds',
      help: 'Age of the oldest outbox row not relayed yet (0 when none), read by the stale-row sweep of each queue replica',
      registers: [metricsRegistry],
    }),
  };
  return instruments;
}
