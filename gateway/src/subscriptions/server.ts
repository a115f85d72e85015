import type http from 'node:http';
import { getArgumentValues, getVariableValues, GraphQLError, type ExecutionArgs, type FormattedExecutionResult, type GraphQLFormattedError } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { OperationLimits, SubscriptionConfig } from '@waitlessq/config';
import { AppError, toGraphQLError } from '@waitlessq/errors';
import { subscriptionMetrics, type Logger } from '@waitlessq/observability';
import type { Authenticate } from '../authenticate';
import { costLimitRefusal, shapeLimitRefusal } from '../edge/operation-limits';
import type { RateLimiters } from '../edge/rate-limits';
import { textInputRefusal } from '../edge/text-inputs';
import type { Caller } from './caller';
import { createAuthorizationCache } from './authorization-cache';
import { authorizeSubscription, type QueueSubgraph } from './authorize';
import type { Channel } from './channel';
import { credentialsOf, openConnection, reserveSubscription, tokenExpiry, type Connection } from './connections';
import { operationText, type TrustedOperations } from './operation-source';
import type { DocumentCheck, SubscriptionPlanner } from './planner';
import { closeCodes, credentialKey, overBudgetReason, slowConsumerReason, subscribeBudgetRefusal } from './socket-limits';
import { startSubscription, type SubscriptionDependencies } from './subscription';

export type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

export interface WebSocketOptions extends SubscriptionDependencies {
  httpServer: http.Server;
  path: string;
  limits: SubscriptionConfig;
  /** The edge's operation limits (depth, cost, aliases, root fields), as over HTTP. */
  operationLimits: OperationLimits;
  /** The rate-limit budgets shared with the HTTP edge (Redis). */
  rateLimiters: RateLimiters;
  /** The client address of an upgrade request (the `trust proxy` rule of the HTTP side). */
  addressOf: (request: http.IncomingMessage) => string;
  production: boolean;
  planner: SubscriptionPlanner;
  authenticate: Authenticate;
  callerOf: (identity: Parameters<typeof openConnection>[1]) => Caller;
  /** Asked whether a caller may subscribe (authorize.ts). */
  queueSubgraph: QueueSubgraph;
  formatError: FormatError;
  /** The trusted documents: what partner keys may run. */
  trusted: TrustedOperations;
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
const keyRevoked = { code: CloseCode.Forbidden, reason: 'Forbidden: the API key was revoked' } as const;

/** How long the queue subgraph's answer to "may this caller subscribe to this?" is reused (authorization-cache.ts). */
const authorizationTtlMs = 10_000;
const authorizationCacheEntries = 10_000;

/** A payload as sent; one shared by subscribers of one group (display screens of one key) is serialized once. */
const payloadTexts = new WeakMap<object, string>();
const payloadText = (payload: FormattedExecutionResult): string => {
  let text = payloadTexts.get(payload);
  if (text === undefined) payloadTexts.set(payload, (text = JSON.stringify(payload)));
  return text;
};
/** What a payload weighs on the wire. */
const sizeOfPayload = (payload: FormattedExecutionResult): number => payloadText(payload).length;

/** An edge refusal over the socket: its code and message, without the HTTP status and headers. */
function withoutHttp(error: GraphQLError): GraphQLError {
  if (!error.extensions?.http) return error;
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { nodes: error.nodes, extensions });
}

/**
 * graphql-ws on the gateway's HTTP server, on the same path as HTTP GraphQL. A message larger
 * than maxPayloadBytes closes the socket (1009); each new connection spends its address's
 * budget, and on connection_init its credential's (4429 past either). Credentials are checked
 * on connection_init (a bad one closes the socket with 4403). Each subscribe spends its
 * connection's budget, then passes the HTTP edge's checks (the same functions: trusted
 * documents for partner keys, tokens, depth, aliases, root fields, cost, control characters in
 * text inputs) before it is planned; it is authorized (cached per caller and question) and,
 * when it resumes, replayed before it starts. Any refusal is an error message for that
 * subscription id, leaving the connection usable. Keep-alive pings drop connections that stop
 * answering; one that stops reading is closed past maxBufferedBytes (4480).
 */
export function serveWebSockets(options: WebSocketOptions): WebSocketEndpoint {
  const { planner, limits, logger, rateLimiters } = options;
  const wss = new WebSocketServer({ server: options.httpServer, path: options.path, maxPayload: limits.maxPayloadBytes });
  const connections = new WeakMap<object, Connection>();
  /** The verdict of each new socket's address budget, awaited by connection_init. */
  const admitted = new WeakMap<WebSocket, Promise<boolean>>();
  const authorization = createAuthorizationCache(
    (field, args, caller, requestId) => authorizeSubscription(options.queueSubgraph, field, args, caller, requestId),
    { ttlMs: authorizationTtlMs, maxEntries: authorizationCacheEntries },
  );
  // Registered before graphql-ws's own listener: the budget is spent before any message is read.
  wss.on('connection', (socket, request) => {
    const verdict = rateLimiters.consume('connectionsPerAddress', options.addressOf(request)).then(
      (result) => {
        if (!result || result.allowed) return true;
        socket.close(closeCodes.overBudget, overBudgetReason(result, 'SUBSCRIPTIONS_CONNECTIONS_PER_ADDRESS'));
        return false;
      },
      (error: unknown) => {
        logger.error({ err: error }, 'connection budget unavailable; connection allowed');
        return true;
      },
    );
    admitted.set(socket, verdict);
  });
  const metrics = subscriptionMetrics();
  const documentChecks: DocumentCheck = ({ document, operation }) => {
    const refused = shapeLimitRefusal({ schema: planner.apiSchema, document, operation }, options.operationLimits);
    return refused && withoutHttp(refused);
  };
  /**
   * A client that stops reading: graphql-ws waits for each send, so what was sent waits in the
   * socket (one payload per subscription at most) and further live payloads wait in the
   * subscriptions' channels. Checked whenever a live payload has to wait: past the cap the
   * socket is closed, nothing more is kept for it, and the client resumes with afterSequence.
   * A replay being read is never the reason (it is sent at the client's pace).
   */
  const closeIfBehind = (socket: WebSocket, connection: Connection | undefined) => {
    if (socket.readyState !== socket.OPEN) return;
    let waiting = socket.bufferedAmount;
    for (const stream of connection?.streams ?? []) waiting += stream.queuedBytes;
    if (waiting <= limits.maxBufferedBytes) return;
    logger.warn({ connectionId: connection?.id, waitingBytes: waiting }, 'slow WebSocket consumer closed');
    socket.close(closeCodes.slowConsumer, slowConsumerReason);
  };
  /**
   * A live payload for a subscription whose stream is idle, written straight to its socket: the
   * `next` message graphql-ws would write (the same bytes: id, type, payload), without its
   * per-message promises and serialization; the payload's text is made once for all sockets
   * it goes to. What the socket cannot take at once waits in it and counts against the client.
   */
  const sendNext = (socket: WebSocket, id: string, connection: Connection) => {
    const prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
    return (payload: FormattedExecutionResult): boolean => {
      if (socket.readyState !== socket.OPEN) return false;
      socket.send(`${prefix}${payloadText(payload)}}`);
      if (socket.bufferedAmount > limits.maxBufferedBytes) closeIfBehind(socket, connection);
      return true;
    };
  };
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
    return new GraphQLError('Internal server error.', {
      originalError: error instanceof Error ? error : undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  };

  useServer(
    {
      isProd: options.production,
      connectionInitWaitTimeout: limits.connectionInitTimeoutMs,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        if (!(await admitted.get(socket))) return false;
        const credentials = credentialsOf(ctx.connectionParams);
        let identity;
        try {
          identity = await options.authenticate(credentials);
        } catch (error) {
          if (error instanceof AppError) return false;
          throw error;
        }
        const credential = credentialKey(identity);
        const verdict = credential ? await rateLimiters.consume('connectionsPerCredential', credential) : undefined;
        if (verdict && !verdict.allowed) {
          socket.close(closeCodes.overBudget, overBudgetReason(verdict, 'SUBSCRIPTIONS_CONNECTIONS_PER_CREDENTIAL'));
          return false;
        }
        const connection = openConnection(options.callerOf, identity);
        // A partner key is looked up again on each subscribe (a read of the shared key cache):
        // a revoked key subscribes no more, whatever the authorization cache holds.
        if (identity.kind === 'partner') connection.recheck = () => options.authenticate(credentials);
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
          const overBudget = await subscribeBudgetRefusal(rateLimiters, connection.id);
          if (overBudget) return [overBudget];
          const query = await operationText(payload, connection.caller.identity, options.trusted);
          if (query instanceof GraphQLError) return [withoutHttp(query)];
          const variables = payload.variables ?? {};
          // The HTTP edge's checks, by the same functions, before anything is planned; those of
          // the document alone are answered once per document.
          const perRequest: DocumentCheck = ({ document, operation }) => {
            const refused =
              costLimitRefusal({ schema: planner.apiSchema, document, operation, variables }, options.operationLimits) ??
              textInputRefusal({ schema: planner.apiSchema, document, variables });
            return refused && withoutHttp(refused);
          };
          const planned = planner.plan(query, payload.operationName ?? undefined, { document: documentChecks, request: perRequest });
          if (!('plan' in planned)) return planned;
          const coerced = getVariableValues(planner.apiSchema, planned.operation.variableDefinitions ?? [], variables);
          if (coerced.errors)
            return coerced.errors.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'BAD_USER_INPUT' } }));
          const field = planner.apiSchema.getSubscriptionType()!.getFields()[planned.field];
          const args = getArgumentValues(field, planned.rootField, coerced.coerced);
          const requestId = `ws:${connection.id}:${id}`;
          if (connection.recheck) {
            try {
              await connection.recheck();
            } catch (error) {
              if (!(error instanceof AppError)) throw error;
              authorization.forget(connection.caller.key);
              // After this refusal has been written to the socket (graphql-ws sends it once this returns).
              setImmediate(() => ctx.extra.socket.close(keyRevoked.code, keyRevoked.reason));
              return [refusal(error)];
            }
          }
          const target = await authorization.authorize(planned.field, args, connection.caller, requestId);
          const ended = track(release);
          let stream: Channel<FormattedExecutionResult>;
          try {
            stream = await startSubscription(
              options,
              {
                planned,
                variables,
                args,
                caller: connection.caller,
                target,
                requestId,
                logger: logger.child({ requestId }),
                onTargetChanged: () => authorization.forgetAnswer(planned.field, args, connection.caller),
              },
              () => {
                connection.streams.delete(stream);
                ended();
              },
              // Live payloads waiting behind a client that stopped reading count against it (a replay does not).
              { sizeOf: sizeOfPayload, onQueued: () => closeIfBehind(ctx.extra.socket, connection), sendNow: sendNext(ctx.extra.socket, id, connection) },
            );
          } catch (error) {
            ended();
            throw error;
          }
          connection.streams.add(stream);
          started = true;
          return {
            schema: planner.apiSchema,
            document: planned.document,
            operationName: planned.operationName,
            variableValues: variables,
            contextValue: stream,
          };
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
