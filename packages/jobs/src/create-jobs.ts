import type { Config } from '@waitlessq/config';
import type { Jobs } from './jobs';
import { createBullmqJobs } from './bullmq-jobs';
import { createMemoryJobs } from './memory-jobs';

/** BullMQ on the configured Redis (keys under `${REDIS_KEY_PREFIX}jobs:`, `{${REDIS_KEY_PREFIX}jobs}:` on a cluster), else in this process's memory. */
export function createJobs(config: Pick<Config, 'redis' | 'notifications'>): Jobs {
  const { kind, url, clusterNodes, keyPrefix } = config.redis;
  if (kind === 'redis' && (url || clusterNodes?.length)) {
    return createBullmqJobs({ url, clusterNodes, prefix: `${keyPrefix}jobs`, settings: config.notifications.jobs });
  }
  return createMemoryJobs(config);
}
