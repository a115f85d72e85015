import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import { GraphQLError } from 'graphql';
import { createIdentitySigner, createTokenService } from '@waitlessq/auth';
import type { Config } from '@waitlessq/config';
import { AppError, createErrorFormatter } from '@waitlessq/errors';
import { createMetrics, metricsRegistry, type Logger } from '@waitlessq/observability';
import { createAuthenticator } from './authenticate';
import type { GatewayContext } from './context';
import { metricsPlugin } from './metrics-plugin';
import { checkReadiness, subgraphHealthChecks, type ReadinessCheck } from './readiness';
import { requestId } from './request-id';
import { SubgraphDataSource } from './subgraph-data-source';
import { readSupergraph } from './supergraph';

export interface GatewayOptions {
  config: Config;
  logger: Logger;
  /** Dependencies besides the subgraphs that must answer for /ready (database, Redis). */
  readinessChecks?: Record<string, ReadinessCheck>;
  /** The composed schema; read from config.supergraphPath or schema/supergraph.graphql otherwise. */
  supergraphSdl?: string;
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
  const signer = createIdentitySigner(config.auth.identitySecret);
  const authenticate = createAuthenticator(createTokenService({ secret: config.auth.jwtSecret, ttlSeconds: config.auth.accessTokenTtlSeconds }));
  const subgraphUrls: Record<string, string> = config.subgraphUrls;

  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl ?? readSupergraph(config.supergraphPath),
    logger,
    buildService: ({ name }) => {
      const url = subgraphUrls[name];
      if (!url) throw new Error(`The supergraph names a subgraph "${name}" that has no URL in the configuration.`);
      return new SubgraphDataSource(name, url, () => signer.sign({ kind: 'service', subjectId: 'gateway' }));
    },
  });
  const production = config.env === 'production';
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    csrfPrevention: true,
    // Shutdown is ours (runUntilSignalled): Apollo's own handler would stop this server alone
    // and raise the signal again, racing the orderly stop of everything else in the process.
    stopOnTerminationSignals: false,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    formatError: createErrorFormatter({
      exposeInternals: config.env === 'development',
      onUnexpected: (error) => logger.error({ err: error }, 'unexpected error'),
    }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      metricsPlugin(createMetrics()),
      production ? ApolloServerPluginLandingPageProductionDefault({ footer: false }) : ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false }),
    ],
  });
  await apollo.start();

  const readinessChecks = { ...subgraphHealthChecks(subgraphUrls, readinessTimeoutMs), ...options.readinessChecks };
  app.use(requestId);
  app.get('/health', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/ready', async (_req, res) => {
    const report = await checkReadiness(readinessChecks, readinessTimeoutMs);
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'unavailable', checks: report.checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<GatewayContext> => {
        const id = String(res.locals.requestId);
        let identity;
        try {
          identity = await authenticate(req.get('authorization'));
        } catch (error) {
          throw error instanceof AppError ? unauthenticated(error) : error;
        }
        let signed: Promise<string> | undefined;
        return {
          identity,
          requestId: id,
          logger: logger.child({ requestId: id }),
          signedIdentity: () => (signed ??= signer.sign(identity)),
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
      await apollo.stop();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
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
