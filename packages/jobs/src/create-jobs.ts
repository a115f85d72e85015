import type { Config } from '@waitlessq/config';
import type { Jobs } from './jobs';
import { createBullmqJobs } from './bullmq-jobs';
import { createMemoryJobs } from './memory-jobs';

/** BullMQ on the configured Redis (keys under `${REDIS_KEY_PREFIX}jobs:`), else in this process's memory. */
export function createJobs(config: Pick<Config, 'redis' | 'notifications'>): Jobs {
  if (config.redis.kind === 'redis' && config.redis.url) {
    return createBullmqJobs({ url: config.redis.url, prefix: `${config.redis.keyPrefix}jobs`, settings: config.notifications.jobs });
  }
  return createMemoryJobs(config);
}
