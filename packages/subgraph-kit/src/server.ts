import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { GraphQLError, type DocumentNode } from 'graphql';
import { identityHeader, type Identity } from '@waitlessq/auth';
import { isDatabaseBusy, runInRequestScope } from '@waitlessq/database';
import { AppError, createErrorFormatter } from '@waitlessq/errors';
import { createMetrics, metricsRegistry, type Logger } from '@waitlessq/observability';
import type { ServiceRuntime } from './runtime';
import { trackConnections } from './drain';
import { metricsPlugin } from './metrics-plugin';

/** What every resolver of every subgraph receives. Subgraphs extend it with their loaders. */
export interface BaseContext {
  identity: Identity;
  requestId: string;
  logger: Logger;
  runtime: ServiceRuntime;
}

export interface SubgraphDefinition<TContext extends BaseContext> {
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<TContext>;
  /** Adds the subgraph's own per-request state (DataLoaders) to the base context. */
  extendContext(base: BaseContext): TContext;
  /** Work on a timer (sweeps), started once the server listens and stopped before it closes. */
  background?: BackgroundTask;
}

export interface BackgroundTask {
  start(): void;
  /** Resolves once the task's work in progress has finished. */
  stop(): Promise<void>;
}

export interface SubgraphServer {
  app: express.Express;
  /** Listens on the configured host and port (0 picks a free one); resolves to the URL. */
  listen(): Promise<string>;
  stop(): Promise<void>;
}

export async function createSubgraphServer<TContext extends BaseContext>(
  runtime: ServiceRuntime,
  definition: SubgraphDefinition<TContext>,
): Promise<SubgraphServer> {
  const app = express();
  const httpServer = http.createServer(app);
  // The gateway's fetcher (make-fetch-happen) keeps idle sockets open without a timeout of its
  // own; Node closes them after 5 s by default, and a request sent on a socket as it closes
  // fails with "socket hang up" (apollographql/federation#2313). Idle connections live longer
  // here than anything in front of us keeps them (load balancers: 60 s).
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  // Stops answering kept-alive connections only once they are quiet (drain.ts), not at once.
  const connections = trackConnections(httpServer);
  const metrics = createMetrics();
  const apollo = new ApolloServer<TContext>({
    schema: buildSubgraphSchema([{ typeDefs: definition.typeDefs, resolvers: definition.resolvers as never }]),
    // Subgraphs sit behind the gateway, which owns CSRF prevention, introspection and limits.
    csrfPrevention: false,
    introspection: runtime.config.env !== 'production',
    includeStacktraceInErrorResponses: false,
    // Our runUntilSignalled stops every server of the process in order; Apollo's own signal
    // handlers would race it (four subgraphs share a process in the all-in-one start).
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter({
      exposeInternals: runtime.config.env === 'development',
      onUnexpected: (error) => runtime.logger.error({ err: error }, 'unexpected error'),
      recognize: (error) => {
        if (!isDatabaseBusy(error)) return undefined;
        runtime.logger.warn({ err: error }, 'no database connection in time: answered SERVICE_UNAVAILABLE');
        return new AppError('SERVICE_UNAVAILABLE', 'Too many requests are waiting for the database; retry in a moment.');
      },
    }),
    // No federated tracing: we export our own metrics, and it would trace every request. No
    // cache-control plugin either: it runs a hook for every resolved field (Apollo then wraps
    // every resolver) to compute a policy that is always "no-store" here (no @cacheControl in
    // any subgraph, default max age 0); noStore keeps the header it sent.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), noStore, metricsPlugin(runtime.name, metrics)],
  });
  await apollo.start();

  app.get('/health', (_req, res) => void res.json({ status: 'ok', service: runtime.name }));
  app.get('/ready', async (_req, res) => {
    // From the start of a stop: no new work for this instance (drain.ts).
    if (connections.stopping) return void res.status(503).json({ service: runtime.name, status: 'draining' });
    const checks = await readiness(runtime);
    res.status(Object.values(checks).every((c) => c === 'ok') ? 200 : 503).json({ service: runtime.name, checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    // Read-your-writes: the whole execution runs in a request scope keyed by the verified actor
    // (after the body parser, whose stream callbacks would lose the scope). A bad header gets a
    // null actor here and UNAUTHENTICATED from the context below.
    // The header is verified once, here; the context below takes the outcome from res.locals.
    (req, res, next) => {
      // Decided here, so the scope (slow-query logs) and the context below carry the same id.
      const requestId = String(req.headers['x-request-id'] ?? randomUUID());
      res.locals.requestId = requestId;
      void runtime.signer.verify(req.headers[identityHeader] as string | undefined).then(
        (identity) => {
          res.locals.identity = identity;
          const actorKey = identity.kind === 'anonymous' ? null : `${identity.kind}:${identity.subjectId}`;
          return runInRequestScope({ actorKey, requestId, primary: isMutation(req.body) }, next);
        },
        (error: unknown) => {
          res.locals.identityError = error;
          return runInRequestScope({ actorKey: null, requestId, primary: isMutation(req.body) }, next);
        },
      );
    },
    expressMiddleware(apollo, {
      context: async ({ res }) => {
        const requestId = res.locals.requestId as string;
        const identity = res.locals.identity as Identity | undefined;
        if (!identity) {
          const error: unknown = res.locals.identityError;
          const message = error instanceof AppError ? error.message : 'Unauthenticated.';
          throw new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
        }
        return definition.extendContext({ identity, requestId, logger: runtime.logger.child({ requestId }), runtime });
      },
    }),
  );

  return {
    app,
    listen: () =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(runtime.config.port, runtime.config.host, () => {
          const { port } = httpServer.address() as AddressInfo;
          definition.background?.start();
          resolve(`http://${runtime.config.host}:${port}/graphql`);
        });
      }),
    stop: async () => {
      connections.stop();
      await definition.background?.stop();
      // Requests on open connections are answered (with Connection: close) until they are quiet.
      if (httpServer.listening) await connections.drain();
      await apollo.stop();
    },
  };
}

/** What Apollo's cache-control plugin answered for every subgraph response: nothing may be cached. */
const noStore: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (!response.http.headers.has('cache-control')) response.http.headers.set('cache-control', 'no-store');
      },
    };
  },
};

async function readiness(runtime: ServiceRuntime): Promise<Record<string, string>> {
  const check = (promise: Promise<void>) =>
    promise.then(
      () => 'ok',
      (error: Error) => `failed: ${error.message}`,
    );
  const [database, redis] = await Promise.all([check(runtime.db.ping()), check(runtime.redis.ping())]);
  return { database, redis };
}

/**
 * Whether the request is a mutation: its reads then go to the primary (request-scope.ts). The
 * gateway sends one operation per subgraph fetch, so its first keyword decides; a document
 * that does not start with one (a bare selection set) is a query.
 */
export function isMutation(body: unknown): boolean {
  const query = (body as { query?: unknown } | undefined)?.query;
  return typeof query === 'string' && /^\s*mutation\b/.test(query);
}
