export { loadConfig, ConfigError } from './load-config';
export type { Config, DatabaseConfig, RedisConfig, RedisNode, CacheConfig } from './load-config';
export { defaultPorts } from './defaults';
export type { ServiceName } from './defaults';
export { freePort } from './free-port';
export { sandboxOrigins } from './edge-config';
export type { EdgeConfig, OperationLimits, RateLimitBudget, TrustProxy } from './edge-config';
export type { SubscriptionConfig } from './subscription-config';
export type { NotificationConfig } from './notification-config';
