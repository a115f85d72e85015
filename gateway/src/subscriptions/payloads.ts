import { executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { FormattedExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql';
import { subscriptionMetrics, type Logger } from '@waitlessq/observability';
import type { QueueEvent, QueueEventExecutor, SubscriptionSource } from '@waitlessq/queue-subgraph';
import type { GatewayContext } from '../context';
import type { Caller } from './caller';
import { batchEntityFetches } from './entity-batching';
import { eventSource, type PlannedSubscription, type SubscriptionPlanner } from './planner';

export interface PayloadRun {
  planned: PlannedSubscription;
  variables: Record<string, unknown>;
  caller: Caller;
  requestId: string;
  logger: Logger;
  source: SubscriptionSource;
}

export interface PayloadExecutor {
  /**
   * The payload of one event for one subscriber. Subscribers of the same event with the same
   * document, variables and caller share one run (`groupKey`): a display screen's partner key
   * on ten screens costs one.
   */
  run(run: PayloadRun, groupKey: string): Promise<FormattedExecutionResult>;
}

type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/**
 * Runs payloads: the queue subgraph's share in memory from the event (its own resolvers, see
 * @waitlessq/queue-subgraph events/), then the other subgraphs' fields through the query plan
 * with the subscriber's identity, exactly as a query would fetch them, entity fetches of one
 * event batched across subscribers.
 */
export function createPayloadExecutor(options: {
  planner: SubscriptionPlanner;
  executor: QueueEventExecutor;
  services: Record<string, GraphQLDataSource>;
  formatError: FormatError;
}): PayloadExecutor {
  const { planner, executor, formatError } = options;
  const { executions } = subscriptionMetrics();
  const runs = new WeakMap<QueueEvent, Map<string, Promise<FormattedExecutionResult>>>();
  const batched = new WeakMap<QueueEvent, Record<string, GraphQLDataSource>>();
  const servicesFor = (event: QueueEvent) => {
    let services = batched.get(event);
    if (!services) {
      const batchKey = (request: Parameters<GraphQLDataSource['process']>[0]) => {
        const { representations: _representations, ...variables } = request.request.variables ?? {};
        const context = request.context as GatewayContext & { callerKey: string };
        return `${request.request.query}\n${JSON.stringify(variables)}\n${context.callerKey}`;
      };
      services = Object.fromEntries(Object.entries(options.services).map(([name, source]) => [name, batchEntityFetches(source, batchKey)]));
      batched.set(event, services);
    }
    return services;
  };

  const execute = async ({ planned, variables, caller, requestId, logger, source }: PayloadRun): Promise<FormattedExecutionResult> => {
    const { identity } = caller;
    executions.inc({ kind: planned.local ? 'local' : 'planned' });
    if (planned.local) {
      return executor.execute({ document: planned.document, variables, operationName: planned.operationName, source, identity, requestId, logger });
    }
    const fromEvent: GraphQLDataSource = {
      process: ({ request }) =>
        executor.execute({
          document: planned.primaryDocument,
          variables: request.variables ?? {},
          operationName: request.operationName,
          source,
          identity,
          requestId,
          logger,
        }),
    };
    const serviceMap: ServiceMap = { ...servicesFor(source.event), [eventSource]: fromEvent };
    const context = { identity, requestId, logger, signedIdentity: caller.signedIdentity, callerKey: caller.key } satisfies GatewayContext & {
      callerKey: string;
    };
    // What executeQueryPlan reads of Apollo's request context; the rest is HTTP-only.
    const requestContext = {
      request: { variables, operationName: planned.operationName },
      context,
      logger,
      metrics: {},
      operationName: planned.operationName ?? null,
    } as never;
    const result = await executeQueryPlan(
      planned.plan,
      serviceMap,
      requestContext,
      planned.operationContext,
      planner.supergraphSchema,
      planner.federatedApiSchema,
    );
    const errors = (result.errors as readonly GraphQLError[] | undefined)?.map((error) => formatError(error.toJSON(), error));
    return errors && errors.length > 0 ? { data: result.data, errors } : { data: result.data };
  };

  return {
    run(payload, groupKey) {
      let forEvent = runs.get(payload.source.event);
      if (!forEvent) runs.set(payload.source.event, (forEvent = new Map()));
      let result = forEvent.get(groupKey);
      if (!result) forEvent.set(groupKey, (result = execute(payload)));
      return result;
    },
  };
}
