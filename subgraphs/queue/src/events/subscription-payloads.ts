import { execute, GraphQLError, Kind, parse, type DocumentNode, type GraphQLSchema, type FieldNode } from 'graphql';
import { AppError } from '@waitlessq/errors';
import type { QueueContext } from '../context';
import { rootFieldOf, type QueueEventExecutor } from './event-executor';
import type { EventStore } from './event-store';
import type { SubscriptionSource } from './subscription-resolvers';
import { subscriptionAccess, isSubscriptionField, type SubscriptionTarget } from './subscription-access';
import { isFinalVisitStatus, visitUpdateReasons } from './visit-relevance';

/**
 * The key of the SubscriptionEvent entity: one event of one queue. The gateway adds the entry as
 * it received it live (`at`, `data`) only when a first ask failed because the log could not give it.
 */
export interface SubscriptionEventReference {
  queueId: string;
  sequence: number;
  at?: number;
  data?: unknown;
}

interface PayloadsArgs {
  document: string;
  operationName?: string | null;
  variables: unknown[];
  previousSequence?: number | null;
}

/** What the gateway is given for one subscriber's variables at one event. */
export interface SubscriberPayload {
  /** The payload as the subscriber receives it; null when the event changes nothing for the watched visit (not sent). */
  result: unknown;
  /** The watched visit ended or left this queue with this event: the subscription completes after this payload. */
  ends: boolean;
}

const documentsKept = 200;

/**
 * The internal entry points the gateway's subscriptions use (gateway/src/subscriptions/README.md):
 * `SubscriptionEvent.payloads`, reached through `_entities` with the event's key, runs a
 * subscription document of this subgraph's schema against the event for each subscriber's
 * variables, with the caller's identity, as before in the gateway's process: this subgraph's own
 * resolvers over the event read from the log (createQueueEventExecutor), no database read. For
 * visitUpdated it also decides relevance against the event the gateway delivered before
 * (`previousSequence`) and whether the subscription ends. `Query.subscriptionAccess` answers
 * whether the caller may subscribe, by the same rules as before (subscription-access.ts).
 */
export function createSubscriptionPayloadResolvers(executor: QueueEventExecutor, store: EventStore) {
  const documents = new Map<string, DocumentNode>();
  const parsed = (text: string) => {
    let document = documents.get(text);
    if (!document) {
      document = parse(text);
      if (documents.size >= documentsKept) documents.delete(documents.keys().next().value as string);
      documents.set(text, document);
    }
    return document;
  };

  return {
    SubscriptionEvent: {
      __resolveReference: (reference: SubscriptionEventReference) => reference,
      payloads: async (parent: SubscriptionEventReference, args: PayloadsArgs, context: QueueContext): Promise<SubscriberPayload[]> => {
        const document = parsed(args.document);
        const rootField = rootFieldOf(document, args.operationName ?? undefined);
        if (!rootField || !isSubscriptionField(rootField.name.value)) throw new AppError('BAD_USER_INPUT', 'Not a subscription of this subgraph.');
        const given = parent.data === undefined ? undefined : { sequence: parent.sequence, at: Number(parent.at), data: parent.data };
        const event = await store.event(parent.queueId, parent.sequence, given);
        const watchesVisit = rootField.name.value === 'visitUpdated';
        // The event before, to compare with: kept here since its own payloads, or read from the log;
        // none when the log cannot give it (the visit's state is then sent once more).
        const previous =
          watchesVisit && args.previousSequence != null ? await store.eventOrNull(parent.queueId, args.previousSequence).catch(() => null) : null;
        // Relevance and the end of the stream per subscriber; then one execution for all of them
        // (per distinct variables below the root field), each taking its item of the result.
        const answers: SubscriberPayload[] = new Array(args.variables.length);
        const executed: { index: number; variables: Record<string, unknown>; source: SubscriptionSource; ends: boolean }[] = [];
        args.variables.forEach((given, index) => {
          const variables = objectOf(given, 'variables');
          let reasons: ReturnType<typeof visitUpdateReasons> = [];
          let ends = false;
          if (watchesVisit) {
            const visitId = String(argumentValue(rootField, 'visitId', variables));
            reasons = visitUpdateReasons(previous, event, visitId);
            if (reasons.length === 0) return void (answers[index] = { result: null, ends: false });
            const visit = event.visits.get(visitId);
            // A visit transferred to another queue leaves this queue's events: the payload shows
            // it in its new queue, and the gateway completes the subscription after it.
            ends = visit !== undefined && (isFinalVisitStatus(visit.status) || visit.queueId !== event.queueId);
          }
          executed.push({ index, variables, source: { event, reasons }, ends });
        });
        if (executed.length === 0) return answers;
        const results = await executor.executeBatch({
          document,
          operationName: args.operationName ?? undefined,
          subscribers: executed,
          identity: context.identity,
          requestId: context.requestId,
          logger: context.logger,
        });
        executed.forEach(({ index, ends }, i) => (answers[index] = { result: results[i], ends }));
        return answers;
      },
    },
    Query: {
      subscriptionAccess: async (
        _parent: unknown,
        args: { field: string; arguments: unknown },
        context: QueueContext,
        info: { schema: GraphQLSchema },
      ): Promise<SubscriptionTarget> => {
        if (!isSubscriptionField(args.field)) throw new AppError('BAD_USER_INPUT', `${args.field} is not a subscription of this subgraph.`);
        const access = subscriptionAccess[args.field];
        const subscriptionArgs = objectOf(args.arguments, 'arguments');
        const refused = access.precheck(context.identity, subscriptionArgs);
        if (refused) throw refused;
        // The access query runs through this subgraph's own resolvers and rules, with this request's context.
        const result = await execute({
          schema: info.schema,
          document: parsed(access.query),
          variableValues: access.variables(subscriptionArgs),
          contextValue: context,
        });
        const error = result.errors?.[0];
        if (error) throw error.originalError ?? error;
        return access.target(result.data);
      },
    },
  };
}

function argumentValue(field: FieldNode, name: string, variables: Record<string, unknown>): unknown {
  const value = field.arguments?.find((argument) => argument.name.value === name)?.value;
  if (!value) return undefined;
  if (value.kind === Kind.VARIABLE) return variables[value.name.value];
  if (value.kind === Kind.STRING || value.kind === Kind.INT) return value.value;
  throw new GraphQLError(`${name} must be a string or a variable.`);
}

function objectOf(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AppError('BAD_USER_INPUT', `${name} must be an object.`, { field: name });
  return value as Record<string, unknown>;
}
