import type http from 'node:http';
import type { IdentitySigner } from '@waitlessq/auth';
import type { Config } from '@waitlessq/config';
import type { Logger } from '@waitlessq/observability';
import { createEventLog, type RedisResources } from '@waitlessq/redis';
import type { Authenticate } from '../authenticate';
import type { RateLimiters } from '../edge/rate-limits';
import { SubgraphDataSource } from '../subgraph-data-source';
import { createCallers } from './caller';
import { createPayloadExecutor } from './payloads';
import { createSubscriptionPlanner } from './planner';
import type { TrustedOperations } from './operation-source';
import { createQueueFeeds } from './queue-feeds';
import { serveWebSockets, type FormatError, type WebSocketEndpoint } from './server';

export { refuseSubscriptionsOverHttp } from './http-refusal';

export interface SubscriptionOptions {
  httpServer: http.Server;
  config: Config;
  logger: Logger;
  /** Where the queue subgraph publishes its events: Redis, or the in-process store of the embedded start. */
  redis: RedisResources;
  authenticate: Authenticate;
  signer: IdentitySigner;
  supergraphSdl: string;
  /** The keep-alive pools of the gateway's subgraph calls, by subgraph name (Node's fetch for one not given). */
  fetchers?: Record<string, SubgraphDataSource['fetcher']>;
  formatError: FormatError;
  /** The trusted documents manifest: partner keys may subscribe only with its operations. */
  trusted: TrustedOperations;
  /** The budgets of the HTTP edge (Redis, shared by replicas); the WebSocket ones are among them. */
  rateLimiters: RateLimiters;
  /** The client address of an upgrade request, by the HTTP side's `trust proxy` rule. */
  addressOf: (request: http.IncomingMessage) => string;
}

export interface Subscriptions {
  readonly connections: number;
  readonly subscriptions: number;
  /** Completes every subscription (close code 1012), so clients resume on another replica. */
  close(): Promise<void>;
}

/**
 * Live updates on `/graphql` over graphql-ws (see README.md in this folder): events from the
 * queue subgraph's log, one feed per queue, payloads planned over the supergraph and resolved
 * by the subgraphs through _entities, once per event per document and caller class.
 */
export function attachSubscriptions(options: SubscriptionOptions): Subscriptions {
  const { config, logger } = options;
  const planner = createSubscriptionPlanner(options.supergraphSdl, { maxTokens: config.edge.limits.maxTokens });
  const signServiceIdentity = () => options.signer.sign({ kind: 'service', subjectId: 'gateway' });
  const services = Object.fromEntries(
    Object.entries(config.subgraphUrls).map(([name, url]) => [name, new SubgraphDataSource(name, url, signServiceIdentity, options.fetchers?.[name])]),
  );
  const log = createEventLog(options.redis, { retentionMs: config.subscriptions.eventRetentionMs });
  const feeds = createQueueFeeds(log, logger);
  const endpoint: WebSocketEndpoint = serveWebSockets({
    httpServer: options.httpServer,
    path: '/graphql',
    limits: config.subscriptions,
    operationLimits: config.edge.limits,
    rateLimiters: options.rateLimiters,
    addressOf: options.addressOf,
    production: config.env === 'production',
    planner,
    authenticate: options.authenticate,
    callerOf: createCallers(options.signer),
    queueSubgraph: { url: config.subgraphUrls.queue, fetcher: services.queue!.fetcher },
    formatError: options.formatError,
    trusted: options.trusted,
    logger,
    log,
    feeds,
    payloads: createPayloadExecutor({ planner, services, formatError: options.formatError }),
  });
  return {
    get connections() {
      return endpoint.connections;
    },
    get subscriptions() {
      return endpoint.subscriptions;
    },
    async close() {
      await endpoint.close();
      feeds.close();
    },
  };
}
