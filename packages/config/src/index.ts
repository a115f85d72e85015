export { loadConfig, ConfigError } from './load-config';
export type { Config, DatabaseConfig, RedisConfig } from './load-config';
export { defaultPorts } from './defaults';
export type { ServiceName } from './defaults';
