export { createRedis } from './create-redis';
export type { RedisResources, KeyValueStore } from './create-redis';
