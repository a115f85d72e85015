export { createRedis } from './create-redis';
export type { RedisResources, KeyValueStore } from './create-redis';
export { createJsonCache } from './json-cache';
export type { JsonCache, JsonCacheOptions, CacheOutcome } from './json-cache';
export { createEventLog } from './create-event-log';
export { SequenceTooOldError, SequenceAheadError, SequenceNotAboveError, SerializedJson, defaultMaxReplay } from './event-log';
export type { EventLog, EventLogEntry, EventLogOptions } from './event-log';
export { RedisUnavailableError } from './circuit';
export { defaultCommandTimeoutMs } from './fail-fast';
