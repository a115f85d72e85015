import Redis, { Cluster, type RedisOptions } from 'ioredis';
import type { RedisConfig } from '@waitlessq/config';

/** A single Redis or a Redis Cluster: the same commands, scripts and pub/sub either way. */
export type RedisClient = Redis | Cluster;

/** Where Redis is: REDIS_URL, or the seed nodes of a cluster (REDIS_CLUSTER_NODES). */
export type RedisTarget = Pick<RedisConfig, 'url' | 'clusterNodes'>;

/**
 * The one place a Redis connection is made. With cluster nodes it is ioredis's Cluster client
 * (it learns the slots from the seeds and follows MOVED/ASK); REDIS_URL then only lends its
 * user, password and TLS to every node. The options are those of one connection: the ones a
 * cluster takes for itself (key prefix, offline queue, pipelining, lazy connect) stay on the
 * Cluster, the rest go to each node's connection.
 */
export function connectRedis(target: RedisTarget, options: RedisOptions = {}): RedisClient {
  if (target.clusterNodes && target.clusterNodes.length > 0) {
    const { keyPrefix, enableOfflineQueue, enableAutoPipelining, lazyConnect, ...nodeOptions } = options;
    return new Cluster(target.clusterNodes, {
      keyPrefix,
      enableOfflineQueue,
      enableAutoPipelining,
      lazyConnect,
      redisOptions: { ...credentialsOf(target.url), ...nodeOptions },
    });
  }
  if (!target.url) throw new Error('Redis needs REDIS_URL or REDIS_CLUSTER_NODES.');
  return new Redis(target.url, options);
}

/**
 * Keys a script or a MULTI touches together must hash to one slot of a cluster: the part in
 * braces is all that is hashed. On a single Redis the name is left as it was, so keys written
 * before clusters were supported keep their meaning (a single Redis has no slots to agree on).
 */
export function hashTagged(client: RedisClient, part: string): string {
  return client.isCluster ? `{${part}}` : part;
}

function credentialsOf(url: string | undefined): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  if (!url) return {};
  const parsed = new URL(url);
  return {
    ...(parsed.username && { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password && { password: decodeURIComponent(parsed.password) }),
    ...(parsed.protocol === 'rediss:' && { tls: {} }),
  };
}
