export { createLogger } from './logger';
export type { Logger } from './logger';
export { metricsRegistry, createMetrics } from './metrics';
export type { Metrics } from './metrics';
