import type http from 'node:http';
import { getArgumentValues, getVariableValues, GraphQLError, type ExecutionArgs, type FormattedExecutionResult, type GraphQLFormattedError } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { SubscriptionConfig } from '@waitlessq/config';
import { AppError, toGraphQLError } from '@waitlessq/errors';
import { subscriptionMetrics, type Logger } from '@waitlessq/observability';
import type { Authenticate } from '../authenticate';
import type { Caller } from './caller';
import { authorizeSubscription } from './authorize';
import type { Channel } from './channel';
import { credentialsOf, openConnection, reserveSubscription, tokenExpiry, type Connection } from './connections';
import { operationText, type TrustedOperations } from './operation-source';
import type { SubscriptionPlanner } from './planner';
import { startSubscription, type SubscriptionDependencies } from './subscription';

export type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

export interface WebSocketOptions extends SubscriptionDependencies {
  httpServer: http.Server;
  path: string;
  limits: SubscriptionConfig;
  production: boolean;
  planner: SubscriptionPlanner;
  authenticate: Authenticate;
  callerOf: (identity: Parameters<typeof openConnection>[1]) => Caller;
  queueSubgraphUrl: string;
  formatError: FormatError;
  /** The trusted documents: what partner keys may run. */
  trusted?: TrustedOperations;
  logger: Logger;
}

export interface WebSocketEndpoint {
  readonly connections: number;
  readonly subscriptions: number;
  /** Stops taking connections and closes the open ones with 1012 (Service Restart): clients reconnect elsewhere and resume with afterSequence. */
  close(graceMs?: number): Promise<void>;
}

/** Closes a connection whose access token expired: its client reconnects with a fresh one. */
const tokenExpired = { code: CloseCode.Unauthorized, reason: 'Unauthorized: the access token expired' } as const;

/**
 * graphql-ws on the gateway's HTTP server, on the same path as HTTP GraphQL. Credentials are
 * checked on connection_init (a bad one closes the socket with 4403); each subscribe is
 * planned, authorized and, when it resumes, replayed before it starts, and any refusal is an
 * error message for that subscription id, leaving the connection usable. Keep-alive pings
 * drop connections that stop answering.
 */
export function serveWebSockets(options: WebSocketOptions): WebSocketEndpoint {
  const { planner, limits, logger } = options;
  const wss = new WebSocketServer({ server: options.httpServer, path: options.path });
  const connections = new WeakMap<object, Connection>();
  const metrics = subscriptionMetrics();
  let open = 0;
  let subscriptions = 0;
  /** Counts a subscription from its start; the function it returns ends it, once. */
  const track = (release: () => void) => {
    subscriptions += 1;
    metrics.subscriptions.inc();
    let streaming = true;
    return () => {
      if (!streaming) return;
      streaming = false;
      subscriptions -= 1;
      metrics.subscriptions.dec();
      release();
    };
  };
  const refusal = (error: unknown): GraphQLError => {
    if (error instanceof GraphQLError) return error;
    if (error instanceof AppError) return toGraphQLError(error);
    logger.error({ err: error }, 'a subscription could not start');
    return new GraphQLError('Internal server error.', { originalError: error instanceof Error ? error : undefined, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  };

  useServer(
    {
      isProd: options.production,
      connectionInitWaitTimeout: limits.connectionInitTimeoutMs,
      onConnect: async (ctx) => {
        const credentials = credentialsOf(ctx.connectionParams);
        let identity;
        try {
          identity = await options.authenticate(credentials);
        } catch (error) {
          if (error instanceof AppError) return false;
          throw error;
        }
        const connection = openConnection(options.callerOf, identity);
        const expiresAt = tokenExpiry(credentials);
        if (expiresAt !== undefined) {
          connection.expiry = setTimeout(() => ctx.extra.socket.close(tokenExpired.code, tokenExpired.reason), Math.max(0, expiresAt - Date.now()));
          connection.expiry.unref();
        }
        connections.set(ctx, connection);
        open += 1;
        metrics.connections.inc();
        return true;
      },
      onClose: (ctx) => {
        const connection = connections.get(ctx);
        if (!connection) return;
        clearTimeout(connection.expiry);
        connections.delete(ctx);
        open -= 1;
        metrics.connections.dec();
      },
      onSubscribe: async (ctx, id, payload): Promise<ExecutionArgs | readonly GraphQLError[]> => {
        const connection = connections.get(ctx);
        if (!connection) return [refusal(new AppError('UNAUTHENTICATED', 'Send connection_init first.'))];
        let release = () => {};
        let started = false;
        try {
          release = reserveSubscription(connection, limits.maxPerConnection);
          const query = await operationText(payload, connection.caller.identity, options.trusted);
          const planned = planner.plan(query, payload.operationName ?? undefined);
          if (!('plan' in planned)) return planned;
          const variables = payload.variables ?? {};
          const coerced = getVariableValues(planner.apiSchema, planned.operation.variableDefinitions ?? [], variables);
          if (coerced.errors) return coerced.errors.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'BAD_USER_INPUT' } }));
          const field = planner.apiSchema.getSubscriptionType()!.getFields()[planned.field];
          const args = getArgumentValues(field, planned.rootField, coerced.coerced);
          const requestId = `ws:${connection.id}:${id}`;
          const target = await authorizeSubscription(options.queueSubgraphUrl, planned.field, args, connection.caller, requestId);
          const ended = track(release);
          let stream;
          try {
            stream = await startSubscription(options, { planned, variables, args, caller: connection.caller, target, requestId, logger: logger.child({ requestId }) }, ended);
          } catch (error) {
            ended();
            throw error;
          }
          started = true;
          return { schema: planner.apiSchema, document: planned.document, operationName: planned.operationName, variableValues: variables, contextValue: stream };
        } catch (error) {
          return [refusal(error)];
        } finally {
          if (!started) release();
        }
      },
      // The stream was prepared by onSubscribe; its payloads are already formatted.
      subscribe: (args) => args.contextValue as Channel<FormattedExecutionResult> as never,
      onNext: (_ctx, _id, _payload, _args, result) => result as FormattedExecutionResult,
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => options.formatError(error.toJSON(), error)),
    },
    wss,
    limits.keepAliveMs,
  );

  return {
    get connections() {
      return open;
    },
    get subscriptions() {
      return subscriptions;
    },
    async close(graceMs = 5_000) {
      const clients = [...wss.clients];
      // Resolves once every client has gone; no new connection is accepted from here on.
      const closed = new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const socket of clients) socket.close(1012, 'Service restart');
      const timer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
      await Promise.race([closed, timer(graceMs)]);
      for (const socket of wss.clients) socket.terminate();
      await Promise.race([closed, timer(1_000)]);
    },
  };
}
