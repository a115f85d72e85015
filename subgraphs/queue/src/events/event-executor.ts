import { execute, type DocumentNode, type FormattedExecutionResult, type GraphQLSchema } from 'graphql';
import type { Identity } from '@waitlessq/auth';
import type { Visit } from '@waitlessq/database';
import { createErrorFormatter } from '@waitlessq/errors';
import type { Logger } from '@waitlessq/observability';
import { DateTimeScalar, type ServiceRuntime } from '@waitlessq/subgraph-kit';
import type { Loaders, QueueContext } from '../context';
import type { BusinessPeer, CustomerPeer } from '../peers';
import type { QueueSummaries } from '../queues/queue-summary';
import { queueResolvers } from '../queues/resolvers';
import { typeDefs } from '../schema';
import { visitResolvers } from '../visits/resolvers';
import { createEventLoaders } from './event-loaders';
import type { QueueEvent } from './queue-event';
import { subscriptionResolvers, type SubscriptionSource } from './subscription-resolvers';
import { buildExecutableSchema } from './executable-schema';

export interface EventExecution {
  /** An operation of this subgraph's schema: the part of a subscription's plan this subgraph answers. */
  document: DocumentNode;
  variables: Record<string, unknown>;
  operationName?: string;
  source: SubscriptionSource;
  identity: Identity;
  requestId: string;
  logger: Logger;
}

/** Runs this subgraph's share of a subscription payload against one event, in memory. */
export interface QueueEventExecutor {
  /** The subgraph's schema it runs operations against. */
  readonly schema: GraphQLSchema;
  execute(execution: EventExecution): Promise<FormattedExecutionResult>;
}

/**
 * The queue subgraph's own resolvers, run wherever the events are (the gateway) with loaders
 * that read the event instead of the database. Errors are formatted as the subgraph's server
 * formats them (known codes kept, anything else masked).
 */
export function createQueueEventExecutor(options: { exposeInternals: boolean; logger: Logger }): QueueEventExecutor {
  const schema = buildExecutableSchema(typeDefs, {
    DateTime: DateTimeScalar,
    Queue: queueResolvers.Queue,
    Business: queueResolvers.Business,
    Visit: eventVisitResolvers,
    Customer: visitResolvers.Customer,
    Subscription: subscriptionResolvers,
  } as Parameters<typeof buildExecutableSchema>[1]);
  const formatError = createErrorFormatter({
    exposeInternals: options.exposeInternals,
    onUnexpected: (error) => options.logger.error({ err: error }, 'unexpected error projecting a queue event'),
  });
  const loaders = new WeakMap<QueueEvent, Loaders>();
  const loadersOf = (event: QueueEvent) => {
    let found = loaders.get(event);
    if (!found) loaders.set(event, (found = createEventLoaders(event)));
    return found;
  };

  return {
    schema,
    async execute({ document, variables, operationName, source, identity, requestId, logger }) {
      const context: EventContext = {
        identity,
        requestId,
        logger,
        runtime: noRuntime,
        businessPeer: noPeer,
        customerPeer: noCustomerPeer,
        summaries: noSummaries,
        loaders: loadersOf(source.event),
        event: source.event,
      };
      const result = await execute({ schema, document, rootValue: source, contextValue: context, variableValues: variables, operationName });
      return result.errors ? { data: result.data, errors: result.errors.map((error) => formatError(error.toJSON(), error)) } : { data: result.data };
    },
  };
}

interface EventContext extends QueueContext {
  event: QueueEvent;
}

/**
 * Positions and estimates of an event are computed once for its whole line (waitsInLine, which
 * the query path's waitInLine reads too): each subscriber reads its own at once, without the
 * loads a query makes to gather the line first (several promises per field, thousands of
 * subscribers per event). Null unless WAITING, as in a query.
 */
const eventVisitResolvers = {
  ...visitResolvers.Visit,
  position: (visit: Visit, _args: unknown, context: EventContext) => context.event.waits.get(visit.id)?.position ?? null,
  estimatedWaitMinutes: (visit: Visit, _args: unknown, context: EventContext) => context.event.waits.get(visit.id)?.estimatedWaitMinutes ?? null,
};

/** Reaching the database or a peer while projecting an event is a bug: the event holds everything. */
const unavailable = (what: string) =>
  new Proxy({} as never, {
    get: (_target, property) => {
      throw new Error(`A resolver reached ${what}.${String(property)} while projecting an event; events must hold what payloads need.`);
    },
  });
const noRuntime: ServiceRuntime = unavailable('the runtime');
const noPeer: BusinessPeer = unavailable('the business peer');
const noCustomerPeer: CustomerPeer = unavailable('the customer peer');
const noSummaries: QueueSummaries = unavailable('the summary cache');
