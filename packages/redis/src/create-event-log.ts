import type { RedisResources } from './create-redis';
import { defaultCompressAboveBytes, defaultMaxReplay, type EventLog, type EventLogOptions } from './event-log';
import { createMemoryEventLog, type MemoryStreams } from './memory-event-log';
import { createRedisEventLog } from './redis-event-log';

const memories = new WeakMap<RedisResources, MemoryStreams>();

/**
 * The event log over the process's Redis resources. In memory, every caller of one
 * RedisResources shares one log (the embedded start runs the publishing subgraph and the
 * subscribed gateway in one process), so its streams are kept per resources object.
 */
export function createEventLog(redis: RedisResources, options: EventLogOptions): EventLog {
  const resolved = {
    retentionMs: options.retentionMs,
    maxReplay: options.maxReplay ?? defaultMaxReplay,
    compressAboveBytes: options.compressAboveBytes ?? defaultCompressAboveBytes,
  };
  if (redis.kind === 'redis' && redis.client) return createRedisEventLog(redis.client, redis.pubsub, resolved);
  let streams = memories.get(redis);
  if (!streams) memories.set(redis, (streams = new Map()));
  return createMemoryEventLog(redis.pubsub, resolved, streams);
}
