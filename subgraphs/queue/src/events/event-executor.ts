import {
  execute,
  getArgumentValues,
  Kind,
  visit,
  type DocumentNode,
  type FieldNode,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ObjectTypeDefinitionNode,
  type OperationDefinitionNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type TypeNode,
  type VariableNode,
} from 'graphql';
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

/** One document run for many subscribers of one caller class at one event: each with its own variables and source. */
export interface BatchExecution extends Omit<EventExecution, 'variables' | 'source'> {
  subscribers: readonly { variables: Record<string, unknown>; source: SubscriptionSource }[];
}

/** Runs this subgraph's share of a subscription payload against one event, in memory. */
export interface QueueEventExecutor {
  /** The subgraph's schema it runs operations against. */
  readonly schema: GraphQLSchema;
  execute(execution: EventExecution): Promise<FormattedExecutionResult>;
  /** Each subscriber's payload, in order, from one execution per distinct values of the variables used below the root field. */
  executeBatch(execution: BatchExecution): Promise<FormattedExecutionResult[]>;
}

/**
 * The queue subgraph's own resolvers, run wherever the events are (the gateway) with loaders
 * that read the event instead of the database. Errors are formatted as the subgraph's server
 * formats them (known codes kept, anything else masked).
 */
export function createQueueEventExecutor(options: { exposeInternals: boolean; logger: Logger }): QueueEventExecutor {
  const resolvers = {
    DateTime: DateTimeScalar,
    Queue: queueResolvers.Queue,
    Business: queueResolvers.Business,
    Visit: eventVisitResolvers,
    Customer: visitResolvers.Customer,
  };
  const schema = buildExecutableSchema(typeDefs, { ...resolvers, Subscription: subscriptionResolvers } as Parameters<typeof buildExecutableSchema>[1]);
  // The same types, each subscription field answering a list: one execution, one item per subscriber.
  const listSchema = buildExecutableSchema(withListSubscriptionFields(typeDefs), { ...resolvers, Subscription: listRootResolvers } as Parameters<
    typeof buildExecutableSchema
  >[1]);
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
  const shapes = new WeakMap<DocumentNode, Map<string, DocumentShape>>();
  const shapeOf = (document: DocumentNode, operationName: string | undefined) => {
    let byName = shapes.get(document);
    if (!byName) shapes.set(document, (byName = new Map()));
    let shape = byName.get(operationName ?? '');
    if (!shape) byName.set(operationName ?? '', (shape = documentShape(schema, document, operationName)));
    return shape;
  };

  /** One execution for subscribers whose variables below the root field are the same. */
  const run = async (execution: BatchExecution, shape: DocumentShape, subscribers: BatchExecution['subscribers']): Promise<FormattedExecutionResult[]> => {
    const { document, operationName, identity, requestId, logger } = execution;
    const event = subscribers[0].source.event;
    const context: EventContext = {
      identity,
      requestId,
      logger,
      runtime: noRuntime,
      businessPeer: noPeer,
      customerPeer: noCustomerPeer,
      summaries: noSummaries,
      loaders: loadersOf(event),
      event,
    };
    const rootValue: ListRoot = {
      items: subscribers.map(({ variables, source }) => ({ source, args: shape.argumentsOf(variables) })),
    };
    const result = await execute({
      schema: listSchema,
      document,
      rootValue,
      contextValue: context,
      variableValues: subscribers[0].variables,
      operationName,
    });
    const items = (result.data?.[shape.responseName] as unknown[] | undefined) ?? [];
    const errorsOf = subscribers.map((): GraphQLFormattedError[] => []);
    for (const error of result.errors ?? []) {
      const [name, index, ...rest] = error.path ?? [];
      const formatted = (path: readonly (string | number)[] | undefined) => formatError({ ...error.toJSON(), ...(path && { path }) }, error);
      // An item's error, on its own path as in a single execution; anything else is everyone's.
      if (name === shape.responseName && typeof index === 'number') errorsOf[index]?.push(formatted([name, ...rest]));
      else for (const errors of errorsOf) errors.push(formatted(error.path));
    }
    return subscribers.map((_subscriber, index) => {
      const item = result.data ? items[index] : undefined;
      // The root fields are non-null: an item nulled by an error nulls the whole payload, as it would alone.
      const data = item === undefined || item === null ? null : { [shape.responseName]: item };
      const errors = errorsOf[index];
      return errors.length > 0 ? { data, errors } : { data };
    });
  };

  const executeBatch = async (execution: BatchExecution): Promise<FormattedExecutionResult[]> => {
    const shape = shapeOf(execution.document, execution.operationName);
    if (shape.sharedVariables.length === 0) return run(execution, shape, execution.subscribers);
    // Variables used below the root field (an argument of a nested field, a directive) split the group.
    const groups = new Map<string, number[]>();
    execution.subscribers.forEach(({ variables }, index) => {
      const key = JSON.stringify(shape.sharedVariables.map((name) => variables[name] ?? null));
      (groups.get(key) ?? groups.set(key, []).get(key)!).push(index);
    });
    const results: FormattedExecutionResult[] = new Array(execution.subscribers.length);
    for (const indices of groups.values()) {
      const answers = await run(
        execution,
        shape,
        indices.map((index) => execution.subscribers[index]),
      );
      indices.forEach((index, i) => (results[index] = answers[i]));
    }
    return results;
  };

  return {
    schema,
    executeBatch,
    async execute({ variables, source, ...execution }) {
      const [result] = await executeBatch({ ...execution, subscribers: [{ variables, source }] });
      return result;
    },
  };
}

/** What a batch needs to know of a document: the root field's response name, its arguments per subscriber, the variables used below it. */
interface DocumentShape {
  responseName: string;
  argumentsOf(variables: Record<string, unknown>): Record<string, unknown>;
  /** Variables used anywhere but in the root field's arguments: subscribers differing in them run apart. */
  sharedVariables: string[];
}

function documentShape(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): DocumentShape {
  const rootField = rootFieldOf(document, operationName);
  const fieldDefinition = rootField && schema.getSubscriptionType()?.getFields()[rootField.name.value];
  if (!rootField || !fieldDefinition) throw new Error('The document selects no subscription field of this subgraph.');
  const inRootArguments = new Set<VariableNode>();
  for (const argument of rootField.arguments ?? []) visit(argument, { Variable: (node) => void inRootArguments.add(node) });
  const shared = new Set<string>();
  visit(document, {
    // Declarations, not uses.
    VariableDefinition: () => false,
    Variable: (node) => void (inRootArguments.has(node) || shared.add(node.name.value)),
  });
  return {
    responseName: rootField.alias?.value ?? rootField.name.value,
    argumentsOf: (variables) => getArgumentValues(fieldDefinition, rootField, variables),
    sharedVariables: [...shared],
  };
}

/** The root of a batch: each subscriber's source and root field arguments. */
interface ListRoot {
  items: { source: SubscriptionSource; args: Record<string, unknown> }[];
}

/**
 * The subscription fields of the list schema: each subscriber's item by the field's own
 * resolver. An item that fails is that subscriber's error alone (graphql-js reports an Error
 * in a list at its index).
 */
const listRootResolvers = Object.fromEntries(
  Object.entries(subscriptionResolvers).map(([name, field]) => [
    name,
    (root: ListRoot) =>
      root.items.map(({ source, args }) => {
        try {
          return (field.resolve as (source: SubscriptionSource, args: Record<string, unknown>) => unknown)(source, args);
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      }),
  ]),
);

/** The SDL with every subscription field's type `T!` made `[T]!`: items may be null alone, as each payload may. */
function withListSubscriptionFields(document: DocumentNode): DocumentNode {
  const nullable = (type: TypeNode): TypeNode => (type.kind === Kind.NON_NULL_TYPE ? type.type : type);
  return {
    ...document,
    definitions: document.definitions.map((definition) =>
      definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === 'Subscription'
        ? ({
            ...definition,
            fields: definition.fields?.map((field) => ({
              ...field,
              type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.LIST_TYPE, type: nullable(field.type) } },
            })),
          } as ObjectTypeDefinitionNode)
        : definition,
    ),
  };
}

/** The root field of the operation (a subscription selects one), looking through fragments. */
export function rootFieldOf(document: DocumentNode, operationName: string | undefined): FieldNode | undefined {
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName === undefined ? operations[0] : operations.find((definition) => definition.name?.value === operationName);
  const fragments = document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION);
  const find = (selectionSet: SelectionSetNode): FieldNode | undefined => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) return selection;
      const inner =
        selection.kind === Kind.INLINE_FRAGMENT
          ? selection.selectionSet
          : fragments.find((fragment) => fragment.name.value === selection.name.value)?.selectionSet;
      const found = inner && find(inner);
      if (found) return found;
    }
    return undefined;
  };
  return operation && find(operation.selectionSet);
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
