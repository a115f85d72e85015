import { executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { FormattedExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql';
import { subscriptionMetrics, type Logger } from '@waitlessq/observability';
import type { GatewayContext } from '../context';
import type { Caller } from './caller';
import { batchEntityFetches } from './entity-batching';
import type { QueueEvent } from './events';
import { eventSource, type PlannedSubscription, type SubscriptionPlanner } from './planner';

export interface PayloadRun {
  planned: PlannedSubscription;
  variables: Record<string, unknown>;
  /** The variables the payload depends on: all but the one carrying afterSequence. */
  payloadVariables: Record<string, unknown>;
  caller: Caller;
  requestId: string;
  logger: Logger;
  event: QueueEvent;
  /** The event delivered to this subscriber before this one (visitUpdated sends only what changed since). */
  previous: QueueEvent | null;
}

/** One subscriber's payload at one event, and whether its subscription ends with it. */
export interface Payload {
  result: FormattedExecutionResult;
  ends: boolean;
}

export interface PayloadExecutor {
  /** The payload of one event for one subscriber; null when the event changes nothing for it (not sent). */
  run(run: PayloadRun): Promise<Payload | null>;
}

type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
type ProcessOptions = Parameters<GraphQLDataSource['process']>[0];

/** What the owning subgraph answers per subscriber's variables (its SubscriptionEvent.payloads). */
interface SubscriberPayload {
  result: FormattedExecutionResult | null;
  ends: boolean;
}

/** Subscribers' variables per request at most: about 250 KB of them for visit token holders. */
const maxPerRequest = 1_000;

const payloadsQuery = `query SubscriptionPayloads($representations: [_Any!]!, $document: String!, $operationName: String, $variables: [JSON!]!, $previousSequence: Int) {
  _entities(representations: $representations) { ... on SubscriptionEvent { payloads(document: $document, operationName: $operationName, variables: $variables, previousSequence: $previousSequence) } }
}`;

interface Batch {
  run: PayloadRun;
  /** Distinct payload variables, in the order sent; each subscriber's index in it. */
  variables: Record<string, unknown>[];
  indexOf: Map<string, number>;
  answer?: Promise<SubscriberPayload[]>;
}

/**
 * Payloads resolved where the data is, the way event-driven federated subscriptions are: the
 * event names an entity (the queue at a sequence), and the subscriber's selection is resolved
 * by the subgraph owning the root field through `_entities` (`SubscriptionEvent.payloads`,
 * from the event log, no database read). One request per event per distinct document, caller
 * class (identity key) and previous event, carrying every subscriber's variables of that group
 * at once: a thousand token holders watching their own visits cost one request per event, and
 * their positions and estimates come from the one event the subgraph read. When the document
 * selects other subgraphs' fields, the plan's first fetch is that answer and the rest runs as
 * entity fetches with the subscriber's identity, batched across subscribers per event.
 */
export function createPayloadExecutor(options: {
  planner: SubscriptionPlanner;
  services: Record<string, GraphQLDataSource>;
  formatError: FormatError;
}): PayloadExecutor {
  const { planner, formatError } = options;
  const { executions } = subscriptionMetrics();
  const executed = { local: executions.labels('local'), planned: executions.labels('planned') };
  /** A subscription's payload variables as a key: the same object at every event, serialized once. */
  const variablesKeys = new WeakMap<object, string>();
  /** Per event: the open batches of payload requests, and the payloads computed (shared by equal subscribers). */
  const perEvent = new WeakMap<QueueEvent, { batches: Map<string, Batch>; payloads: Map<string, Promise<Payload | null>> }>();
  const batched = new WeakMap<QueueEvent, Record<string, GraphQLDataSource>>();
  const servicesFor = (event: QueueEvent) => {
    let services = batched.get(event);
    if (!services) {
      const batchKey = (request: ProcessOptions) => {
        const { representations: _representations, ...variables } = request.request.variables ?? {};
        const context = request.context as GatewayContext & { callerKey: string };
        return `${request.request.query}\n${JSON.stringify(variables)}\n${context.callerKey}`;
      };
      services = Object.fromEntries(Object.entries(options.services).map(([name, source]) => [name, batchEntityFetches(source, batchKey)]));
      batched.set(event, services);
    }
    return services;
  };
  const stateOf = (event: QueueEvent) => {
    let state = perEvent.get(event);
    if (!state) perEvent.set(event, (state = { batches: new Map(), payloads: new Map() }));
    return state;
  };

  const contextOf = ({ caller, requestId, logger }: PayloadRun) =>
    ({ identity: caller.identity, requestId, logger, signedIdentity: caller.signedIdentity, callerKey: caller.key }) satisfies GatewayContext & {
      callerKey: string;
    };

  /** Sends one batch: the owning subgraph resolves the document for every distinct variables of the group. */
  const send = async (batch: Batch): Promise<SubscriberPayload[]> => {
    const { planned, event, previous, caller } = batch.run;
    const source = options.services[planned.serviceName];
    if (!source) throw new Error(`No data source for the ${planned.serviceName} subgraph.`);
    const context = contextOf(batch.run);
    const ask = async (withEntry: boolean): Promise<SubscriberPayload[]> => {
      const key = { __typename: 'SubscriptionEvent', queueId: event.queueId, sequence: event.sequence };
      const variables = {
        representations: [withEntry ? { ...key, at: event.at, data: event.data } : key],
        document: planned.fetch.query,
        operationName: planned.fetch.operationName ?? null,
        variables: batch.variables,
        previousSequence: previous?.sequence ?? null,
      };
      const response = await source.process({
        kind: 'incoming operation',
        request: { query: payloadsQuery, operationName: 'SubscriptionPayloads', variables },
        context,
        incomingRequestContext: { request: { variables: batch.run.variables }, context, logger: batch.run.logger, metrics: {} },
      } as unknown as ProcessOptions);
      const entity = (response.data as { _entities?: ({ payloads?: SubscriberPayload[] } | null)[] } | null | undefined)?._entities?.[0];
      const answers = entity?.payloads;
      if (!Array.isArray(answers) || answers.length !== batch.variables.length) {
        const reason = response.errors?.[0]?.message ?? 'no payloads';
        throw new Error(
          `The ${planned.serviceName} subgraph could not resolve the payloads of event ${event.sequence} of queue ${event.queueId} for ${caller.key}: ${reason}`,
        );
      }
      return answers;
    };
    try {
      return await ask(false);
    } catch (error) {
      // The subgraph could not read the event from the log (Redis down or restarted without it):
      // this gateway received it live, so it sends it along once, and no subscriber loses it.
      batch.run.logger.warn({ err: error, queueId: event.queueId, sequence: event.sequence }, 'resolving payloads with the event as received');
      return ask(true);
    }
  };

  /** This subscriber's answer from its group's request (one request per event per group, sent after the turn). */
  const answerFor = (run: PayloadRun, fetchVariables: Record<string, unknown>, sharedKey: string): Promise<SubscriberPayload> => {
    const { batches } = stateOf(run.event);
    const batchKey = `${run.planned.fetch.query}\n${run.planned.fetch.operationName ?? ''}\n${run.caller.key}\n${run.previous?.sequence ?? ''}`;
    let batch = batches.get(batchKey);
    // A full request takes no more (the subgraphs read bodies up to 1 MB): the next ones go in another.
    if (batch && batch.variables.length >= maxPerRequest && !batch.indexOf.has(sharedKey)) batch = undefined;
    if (!batch) {
      const open: Batch = { run, variables: [], indexOf: new Map(), answer: undefined };
      batches.set(batchKey, (batch = open));
      // Every subscriber of the event joins within this turn (the feed hands it to all at once); sent after it.
      open.answer = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        if (batches.get(batchKey) === open) batches.delete(batchKey);
        return send(open);
      });
    }
    let index = batch.indexOf.get(sharedKey);
    if (index === undefined) {
      batch.indexOf.set(sharedKey, (index = batch.variables.length));
      batch.variables.push(fetchVariables);
    }
    return batch.answer!.then((answers) => answers[index]);
  };

  const execute = async (run: PayloadRun, sharedKey: string): Promise<Payload | null> => {
    const { planned, variables } = run;
    const fetchVariables = planned.local ? variables : pick(variables, planned.fetch.variableUsages);
    const answer = await answerFor(run, fetchVariables, planned.local ? sharedKey : JSON.stringify(fetchVariables));
    if (!answer.result) return null;
    executed[planned.local ? 'local' : 'planned'].inc();
    if (planned.local) return { result: answer.result, ends: answer.ends };
    const fromEvent: GraphQLDataSource = { process: async () => answer.result as Awaited<ReturnType<GraphQLDataSource['process']>> };
    const serviceMap: ServiceMap = { ...servicesFor(run.event), [eventSource]: fromEvent };
    // What executeQueryPlan reads of Apollo's request context; the rest is HTTP-only.
    const requestContext = {
      request: { variables, operationName: planned.operationName },
      context: contextOf(run),
      logger: run.logger,
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
    return { result: errors && errors.length > 0 ? { data: result.data, errors } : { data: result.data }, ends: answer.ends };
  };

  return {
    run(run) {
      // Subscribers of one event with the same document, variables, caller and previous event share one payload.
      let sharedKey = variablesKeys.get(run.payloadVariables);
      if (sharedKey === undefined) variablesKeys.set(run.payloadVariables, (sharedKey = JSON.stringify(run.payloadVariables)));
      const key = `${run.planned.key}\n${sharedKey}\n${run.caller.key}\n${run.previous?.sequence ?? ''}`;
      const { payloads } = stateOf(run.event);
      let payload = payloads.get(key);
      if (!payload) payloads.set(key, (payload = execute(run, sharedKey)));
      return payload;
    },
  };
}

/** The variables one fetch uses, as executeQueryPlan gives them to it. */
function pick(variables: Record<string, unknown>, usages: readonly string[] | undefined): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const name of usages ?? []) if (variables[name] !== undefined) picked[name] = variables[name];
  return picked;
}
