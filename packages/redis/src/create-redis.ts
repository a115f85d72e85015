import type { Cluster } from 'ioredis';
import { PubSub, type PubSubEngine } from 'graphql-subscriptions';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { RedisConfig } from '@waitlessq/config';
import { createMemoryStore } from './memory-store';
import { createFailFastConnection, unavailableReason } from './fail-fast';
import { connectRedis, type RedisClient } from './connect';
import { RedisUnavailableError } from './circuit';
import { DecodingPubSub } from './decoding-pubsub';

/** The few key-value operations features need; Redis in production, a Map when embedded. */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  /**
   * The values of several keys in one command (MGET), in order; absent where a store cannot
   * (a cluster refuses the keys of several slots in one command): readers then GET each.
   */
  getMany?(keys: string[]): Promise<(string | null)[]>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Sets only when absent; true when this call set it. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  del(...keys: string[]): Promise<void>;
}

/**
 * The one owner of Redis connections: a command client and, separately, a subscriber (a
 * subscribed connection can do nothing else). Keys and channels carry the configured prefix.
 */
export interface RedisResources {
  kind: RedisConfig['kind'];
  store: KeyValueStore;
  pubsub: PubSubEngine;
  /**
   * The raw command client, for features that need more (rate limits, streams); null when
   * embedded. A Cluster with REDIS_CLUSTER_NODES: keys a script or MULTI touches together need
   * one hash tag (connect.ts hashTagged).
   */
  client: RedisClient | null;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createRedis(config: RedisConfig): RedisResources {
  if (config.kind === 'memory' || (!config.url && !config.clusterNodes?.length)) {
    return {
      kind: 'memory',
      store: createMemoryStore(),
      pubsub: new PubSub(),
      client: null,
      ping: async () => undefined,
      close: async () => undefined,
    };
  }
  const command = createFailFastConnection(config, config);
  const publishing = createFailFastConnection(config, config);
  // The subscriber is not on any request's path: it may wait for Redis, and ioredis
  // subscribes again to every channel once it is back. A cluster carries PUBLISH to every
  // node, so one subscribed connection hears them all.
  const subscriber = connectRedis(config, { keyPrefix: config.keyPrefix });
  const client = command.redis;
  return {
    kind: 'redis',
    client,
    store: {
      get: (key) => client.get(key),
      ...(client.isCluster ? {} : { getMany: (keys: string[]) => client.mget(...keys) }),
      set: async (key, value, ttl) => void (await client.set(key, value, 'EX', ttl)),
      setIfAbsent: async (key, value, ttl) => (await client.set(key, value, 'EX', ttl, 'NX')) === 'OK',
      // One DEL per key: a cluster refuses a DEL of keys in several slots (CROSSSLOT).
      del: async (...keys) => void (await Promise.all(keys.map((key) => client.del(key)))),
    },
    // Messages as ioredis reads them (Buffers), decoded without a copy (decoding-pubsub.ts).
    pubsub: new DecodingPubSub(
      new RedisPubSub({ publisher: publishing.redis, subscriber, messageEventName: 'messageBuffer', pmessageEventName: 'pmessageBuffer' }),
    ),
    // Says why Redis is down (readiness reports it) without waiting for a timeout.
    ping: async () => {
      const reason = unavailableReason(command);
      if (reason) throw reason;
      try {
        // PING answers on a cluster that refuses every key (a master down, its slots uncovered).
        if (client.isCluster) await clusterStateOk(client as Cluster);
        else await client.ping();
      } catch (error) {
        if (error instanceof RedisUnavailableError) throw error;
        // The socket may die between the status check and the write ("Stream isn't writeable").
        throw new RedisUnavailableError((error as Error).message);
      }
    },
    close: async () => {
      await Promise.all([client, publishing.redis, subscriber].map((connection) => connection.quit().catch(() => connection.disconnect())));
    },
  };
}

async function clusterStateOk(cluster: Cluster): Promise<void> {
  const state = /cluster_state:(\w+)/.exec(await cluster.cluster('INFO'))?.[1];
  if (state !== 'ok') throw new RedisUnavailableError(`cluster_state ${state ?? 'unknown'}`);
}
