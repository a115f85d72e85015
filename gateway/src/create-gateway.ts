import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { GraphQLError } from 'graphql';
import { apiKeyHeader, createIdentitySigner, createTokenService, type Identity } from '@waitlessq/auth';
import type { Config } from '@waitlessq/config';
import { AppError } from '@waitlessq/errors';
import { createMetrics, metricsRegistry, type Logger } from '@waitlessq/observability';
import { createRedis, type RedisResources } from '@waitlessq/redis';
import { metricsPlugin, trackConnections } from '@waitlessq/subgraph-kit';
import { createAuthenticator } from './authenticate';
import type { GatewayContext } from './context';
import {
  createGatewayErrorFormatter,
  createPersistedQueryCache,
  createRateLimiters,
  loadTrustedDocuments,
  useAddressRateLimit,
  useCallerRateLimits,
  useCdnCaching,
  useCors,
  useIntrospectionControl,
  useJsonBody,
  useOperationLimits,
  useOperationResolution,
  usePartnerOperations,
  usePersistedQueryChecks,
  useRequestScope,
  useRequestTimeout,
  useSecurityHeaders,
  useTextInputChecks,
  useTokenLimit,
  withRequestDeadline,
} from './edge';
import type { RateLimitVerdict } from './edge/rate-limits';
import { clientAddress } from './subscriptions/socket-limits';
import { withClientFingerprint } from './client-fingerprint';
import { graphqlHandler } from './graphql-handler';
import { createPartnerKeys, createUserSubgraphKeyLookup } from './partner-keys';
import { checkReadiness, subgraphHealthChecks, type ReadinessCheck } from './readiness';
import { requestId } from './request-id';
import { SubgraphDataSource } from './subgraph-data-source';
import { createSubgraphPool, type SubgraphPool } from './subgraph-pool';
import { attachSubscriptions, refuseSubscriptionsOverHttp } from './subscriptions';
import { readSupergraph } from './supergraph';

export interface GatewayOptions {
  config: Config;
  logger: Logger;
  /** Dependencies besides the subgraphs that must answer for /ready (database, Redis). */
  readinessChecks?: Record<string, ReadinessCheck>;
  /** The composed schema; read from config.supergraphPath or schema/supergraph.graphql otherwise. */
  supergraphSdl?: string;
  /** Redis (or the in-process store) shared with the subgraphs; opened from config.redis, and closed on stop, when absent. */
  redis?: RedisResources;
  /**
   * The URL of each subgraph the supergraph names; config.subgraphUrls (ours) when absent. With
   * supergraphSdl and `subscriptions: false`, the gateway serves any composed supergraph (the
   * federation benchmark in loadtests/federation does).
   */
  subgraphUrls?: Record<string, string>;
  /** Live updates over WebSocket (our queue's events); true unless turned off. */
  subscriptions?: boolean;
}

export interface GatewayServer {
  app: express.Express;
  /** Listens on the configured host and port (0 picks a free one); resolves to the GraphQL URL. */
  listen(): Promise<string>;
  stop(): Promise<void>;
}

const readinessTimeoutMs = 2_000;

export async function createGateway(options: GatewayOptions): Promise<GatewayServer> {
  const { config, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  // Stops answering kept-alive connections only once they are quiet (subgraph-kit's drain.ts).
  const connections = trackConnections(httpServer);
  const signer = createIdentitySigner(config.auth.identitySecret);
  const ownedRedis = options.redis ? undefined : createRedis(config.redis);
  const redis = options.redis ?? ownedRedis!;
  const signServiceIdentity = () => signer.sign({ kind: 'service', subjectId: 'gateway' });
  const partnerKeys = createPartnerKeys(redis.store, createUserSubgraphKeyLookup({ url: config.subgraphUrls.user, signServiceIdentity }), (error) =>
    logger.warn({ err: error }, 'the partner key cache is unavailable; asking the user subgraph'),
  );
  const authenticate = createAuthenticator(createTokenService({ secret: config.auth.jwtSecret, ttlSeconds: config.auth.accessTokenTtlSeconds }), partnerKeys);
  const subgraphUrls: Record<string, string> = options.subgraphUrls ?? config.subgraphUrls;
  const pools: SubgraphPool[] = [];
  /** Each subgraph's keep-alive pool, shared by queries and subscription payloads. */
  const fetchers: Record<string, SubgraphPool['fetcher']> = {};
  const edge = config.edge;
  const trusted = await loadTrustedDocuments({ file: edge.operationsManifestPath, store: redis.store, logger });
  const rateLimiters = createRateLimiters({ ...edge.rateLimits, ...config.subscriptions.rateLimits }, redis, logger);

  const supergraphSdl = options.supergraphSdl ?? readSupergraph(config.supergraphPath);
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger,
    buildService: ({ name }) => {
      const url = subgraphUrls[name];
      if (!url) throw new Error(`The supergraph names a subgraph "${name}" that has no URL in the configuration.`);
      const pool = createSubgraphPool(url);
      pools.push(pool);
      fetchers[name] = pool.fetcher;
      const source = new SubgraphDataSource(name, url, signServiceIdentity, pool.fetcher);
      source.fetcher = withRequestDeadline(source.fetcher);
      return source;
    },
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    csrfPrevention: true,
    // Shutdown is ours (runUntilSignalled): Apollo's own handler would stop this server alone
    // and raise the signal again, racing the orderly stop of everything else in the process.
    stopOnTerminationSignals: false,
    // Apollo's switch is global; useIntrospectionControl decides per caller.
    introspection: true,
    hideSchemaDetailsFromClientErrors: !edge.introspection,
    includeStacktraceInErrorResponses: false,
    persistedQueries: { cache: createPersistedQueryCache({ store: redis.store, trusted, ttlSeconds: edge.apq.ttlSeconds }), ttl: edge.apq.ttlSeconds },
    parseOptions: edge.limits.maxTokens > 0 ? { maxTokens: edge.limits.maxTokens } : {},
    formatError: createGatewayErrorFormatter({ exposeInternals: config.env === 'development', logger }),
    plugins: [
      metricsPlugin('gateway', createMetrics()),
      edge.introspection ? ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false }) : ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      refuseSubscriptionsOverHttp(),
      // The edge, after parsing and validation and before any subgraph is called.
      useRequestTimeout(),
      useOperationResolution(),
      useIntrospectionControl({ enabled: edge.introspection }),
      useOperationLimits(edge.limits),
      useTextInputChecks(),
      usePartnerOperations(trusted),
      useCallerRateLimits(rateLimiters),
      useCdnCaching({ maxAgeSeconds: edge.apq.cdnMaxAgeSeconds }),
    ],
  });
  await apollo.start();
  // Subscriptions: graphql-ws on the same server and path (gateway/src/subscriptions/README.md).
  // A foreign supergraph (the federation benchmark's) has no queue events to subscribe to.
  const attach = options.subscriptions === false ? () => undefined : attachSubscriptions;
  const subscriptions = attach({
    httpServer,
    config,
    logger,
    redis,
    authenticate,
    signer,
    supergraphSdl,
    fetchers,
    formatError: createGatewayErrorFormatter({ exposeInternals: config.env === 'development', logger }),
    trusted,
    rateLimiters,
    // Express's compiled `trust proxy` (set below), so a socket's address is the one req.ip gives.
    addressOf: (request) => clientAddress(request, app.get('trust proxy fn') as ((address: string, hop: number) => boolean) | undefined),
  });

  const readinessChecks = { ...subgraphHealthChecks(subgraphUrls, readinessTimeoutMs), ...options.readinessChecks };
  app.set('trust proxy', edge.trustProxy);
  app.use(requestId);
  app.use(useSecurityHeaders({ landingPage: edge.introspection }));
  app.get('/health', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/ready', async (_req, res) => {
    // From the start of a stop (subscriptions closing, then the HTTP drain): no new work here.
    if (connections.stopping) return void res.status(503).json({ status: 'draining' });
    const report = await checkReadiness(readinessChecks, readinessTimeoutMs);
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'unavailable', checks: report.checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
  app.use(
    '/graphql',
    // The edge, before Apollo parses anything.
    useCors({ origins: edge.corsOrigins }),
    // Authenticates from the headers, so the caller's budget is spent with the address's (one wait for Redis).
    useAddressRateLimit(rateLimiters, async (req, res) => {
      try {
        return (res.locals.identity = await authenticate({ authorization: req.get('authorization'), apiKey: req.get(apiKeyHeader) }));
      } catch (error) {
        res.locals.authenticationError = error;
        return undefined;
      }
    }),
    useJsonBody({ maxBodyBytes: edge.maxBodyBytes }),
    usePersistedQueryChecks(),
    useTokenLimit(edge.limits),
    useRequestScope({ timeoutMs: edge.requestTimeoutMs }),
    graphqlHandler(apollo, {
      context: async ({ req, res }): Promise<GatewayContext> => {
        const id = String(res.locals.requestId);
        // Authenticated by the rate limit step (useAddressRateLimit), before the body was read.
        const error: unknown = res.locals.authenticationError;
        if (error !== undefined) throw error instanceof AppError ? unauthenticated(error) : error;
        const identity = res.locals.identity as Identity;
        let signed: Promise<string> | undefined;
        return {
          identity,
          requestId: id,
          logger: logger.child({ requestId: id }),
          signedIdentity: () => (signed ??= signer.sign(withClientFingerprint(identity, req.ip, req.get('user-agent')))),
          callerRateLimit: res.locals.callerRateLimit as RateLimitVerdict | undefined,
        };
      },
    }),
  );

  return {
    app,
    listen: () =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          const { port } = httpServer.address() as AddressInfo;
          resolve(`http://${config.host}:${port}/graphql`);
        });
      }),
    stop: async () => {
      connections.stop();
      await subscriptions?.close();
      // Requests on open connections are answered (with Connection: close) until they are quiet.
      if (httpServer.listening) await connections.drain();
      await apollo.stop();
      await Promise.all(pools.map((pool) => pool.close()));
      await ownedRedis?.close();
    },
  };
}

/** A refused credential ends the request here, before any query plan or subgraph call. */
function unauthenticated(error: AppError): GraphQLError {
  return new GraphQLError(error.message, {
    extensions: {
      code: 'UNAUTHENTICATED',
      http: { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer error="invalid_token"']]) },
    },
  });
}
