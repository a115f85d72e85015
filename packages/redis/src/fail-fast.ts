import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { connectRedis, type RedisClient, type RedisTarget } from './connect';
import { createCircuit, defaultCircuit, RedisUnavailableError, type Circuit } from './circuit';

/** Redis answers in well under a millisecond; this only bounds a Redis that hangs. */
export const defaultCommandTimeoutMs = 200;

export interface FailFastOptions {
  keyPrefix: string;
  commandTimeoutMs?: number;
}

export interface FailFastConnection {
  redis: RedisClient;
  circuit: Circuit;
  /** Whether it has been ready once (before that, commands wait for the first connection). */
  connectedOnce(): boolean;
}

/**
 * A command connection that never makes a request wait for Redis: Redis is a cache, a
 * rate-limit budget and a bus here, never the record, so every caller has something better to
 * do than wait (read the database, count in memory, log and repair).
 *
 * - Commands are queued only until the first connection (start-up work may run before it);
 *   after that a command that cannot be sent fails at once instead of waiting in an offline
 *   queue for a reconnect.
 * - From then on each command has a timeout, and commands in flight when the connection drops
 *   fail with it.
 * - A circuit (circuit.ts) makes every command fail at once after failures in a row for half a
 *   second, so a hung Redis costs a timeout per command for that long, not for as long as it hangs.
 * - ioredis keeps reconnecting in the background; the first success closes the circuit.
 *
 * Auto-pipelining is off: it sends commands through a pipeline, which the circuit cannot stop
 * one by one. Commands still share the socket, in flight together.
 */
export function createFailFastConnection(target: RedisTarget, options: FailFastOptions): FailFastConnection {
  const redisOptions: RedisOptions = {
    keyPrefix: options.keyPrefix,
    // Until the first connection commands wait for it, however long it takes (a busy machine at
    // start-up); they fail when a connection attempt fails (maxRetriesPerRequest 0).
    maxRetriesPerRequest: 0,
    enableOfflineQueue: true,
    enableAutoPipelining: false,
    lazyConnect: false,
  };
  const redis = connectRedis(target, redisOptions);
  let connected = false;
  redis.once('ready', () => {
    connected = true;
    const commandTimeout = options.commandTimeoutMs ?? defaultCommandTimeoutMs;
    redis.options.enableOfflineQueue = false;
    if (!redis.isCluster) {
      (redis as Redis).options.commandTimeout = commandTimeout;
      return;
    }
    // A cluster times commands out on each node's connection: those it has, and those it opens later.
    const cluster = redis as Cluster;
    cluster.options.redisOptions = { ...cluster.options.redisOptions, commandTimeout };
    for (const node of cluster.nodes()) node.options.commandTimeout = commandTimeout;
    cluster.on('+node', (node: Redis) => (node.options.commandTimeout = commandTimeout));
  });
  const circuit = createCircuit(defaultCircuit);
  guardWithCircuit(redis, circuit);
  return { redis, circuit, connectedOnce: () => connected };
}

type SendCommand = Cluster['sendCommand'];
type Command = Parameters<SendCommand>[0];

/**
 * Every command of a ready connection passes the circuit (the connection's own handshake,
 * before it is ready, does not). Explicit pipelines and MULTI hand their own stream and are
 * bounded by the command timeout alone. A cluster's commands pass it once, before the cluster
 * picks the node (its redirections and retries inside do not count again).
 */
function guardWithCircuit(redis: RedisClient, circuit: Circuit): void {
  const send = redis.sendCommand.bind(redis) as SendCommand;
  redis.sendCommand = ((command: Command, stream?: Parameters<SendCommand>[1], node?: Parameters<SendCommand>[2]) => {
    // A cluster's pipeline names the node it sends to.
    if (stream || node || redis.status !== 'ready') return send(command, stream, node);
    try {
      circuit.admit();
    } catch (error) {
      command.reject(error as Error);
      return command.promise;
    }
    const result = send(command);
    command.promise.then(
      () => circuit.succeeded(),
      // An error Redis answered with (a wrong type, a script error) says Redis is there.
      (error: Error) => (error.name === 'ReplyError' ? circuit.succeeded() : circuit.failed()),
    );
    return result;
  }) as SendCommand;
}

/** Why a connection cannot serve now, or null when it can. */
export function unavailableReason(connection: FailFastConnection): RedisUnavailableError | null {
  if (!connection.connectedOnce()) return null;
  if (connection.redis.status !== 'ready') return new RedisUnavailableError(`connection ${connection.redis.status}`);
  if (connection.circuit.state() === 'open') return new RedisUnavailableError('circuit open');
  return null;
}
