export { createLogger } from './logger';
export type { Logger } from './logger';
export { metricsRegistry, createMetrics, cacheRequestsCounter, subscriptionMetrics } from './metrics';
export type { Metrics, SubscriptionMetrics } from './metrics';
export { startTracing, stopTracing, tracingConfigured, tracingEnabled, currentTraceCarrier, parseTraceCarrier, runInTrace } from './tracing';
export type { TraceCarrier } from './tracing';
