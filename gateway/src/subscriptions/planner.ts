import { buildOperationContext } from '@apollo/gateway';
import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode, type QueryPlan } from '@apollo/query-planner';
import {
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { tokenLimitMessage } from '../edge/token-limit';
import { isSubscriptionField, type SubscriptionField } from './fields';

type OperationContext = ReturnType<typeof buildOperationContext>;

/** The name under which a plan's first fetch is answered with the payload resolved through _entities (payloads.ts). */
export const eventSource = 'subscription-event';

/** A subscription document, validated and planned once, then run for every event. */
export interface PlannedSubscription {
  /** Identifies the document among plans (the cache key). */
  key: string;
  document: DocumentNode;
  operationName: string | undefined;
  operation: OperationDefinitionNode;
  field: SubscriptionField;
  rootField: FieldNode;
  /**
   * True when every selected field is the owning subgraph's (valid against its schema): the
   * document is then resolved there alone, as the payload. Otherwise `plan` runs: its first
   * fetch (the owning subgraph's share) is resolved there, the rest as entity fetches to the
   * other subgraphs.
   */
  local: boolean;
  plan: QueryPlan;
  /** The subgraph owning the root field: where payloads are resolved (through _entities). */
  serviceName: string;
  /** What that subgraph is asked to run per event: the whole document when local, else the plan's first fetch. */
  fetch: { query: string; operationName: string | undefined; variableUsages: readonly string[] | undefined };
  operationContext: OperationContext;
}

/** A document parsed and validated, and the operation it runs: what the limits look at before planning. */
export interface CheckedDocument {
  document: DocumentNode;
  operation: OperationDefinitionNode;
}

/** Refuses a parsed and valid document before it is planned (the edge's limits); undefined lets it through. */
export type DocumentCheck = (checked: CheckedDocument) => GraphQLError | undefined;

export interface DocumentChecks {
  /** What depends on the document alone: run once, its answer kept with the document. */
  document?: DocumentCheck;
  /** What depends on the variables too: run on every call. */
  request?: DocumentCheck;
}

export interface SubscriptionPlanner {
  readonly apiSchema: GraphQLSchema;
  readonly supergraphSchema: GraphQLSchema;
  readonly federatedApiSchema: Schema;
  /**
   * A planned subscription, or the errors to answer: too many tokens, parse, validation, what
   * the checks refuse, not a subscription of ours. Nothing is planned before the checks pass.
   * The planner keeps one set of document checks' answers: pass the same ones every time.
   */
  plan(query: string, operationName: string | undefined, checks?: DocumentChecks): PlannedSubscription | readonly GraphQLError[];
}

export interface PlannerLimits {
  /** Documents longer than this are refused before they are parsed (TOO_MANY_TOKENS); 0: no limit. */
  maxTokens: number;
}

/** A document as cached: its checks' outcome, and its plan once one was asked for. */
type CacheEntry =
  | { errors: readonly GraphQLError[] }
  | (CheckedDocument & { checked?: { refused: GraphQLError | undefined }; planned?: PlannedSubscription | readonly GraphQLError[] });

const cacheSize = 500;

/**
 * Plans subscriptions with Apollo's query planner over the same supergraph as the gateway:
 * the plan of a subscription is a first fetch from the subgraph owning the root field, then
 * ordinary entity fetches, so fields of other subgraphs resolve as in a query.
 */
export function createSubscriptionPlanner(supergraphSdl: string, limits: PlannerLimits = { maxTokens: 0 }): SubscriptionPlanner {
  const supergraph = Supergraph.build(supergraphSdl);
  /** Each subgraph's own schema, extracted from the supergraph: whether a document is one subgraph's alone. */
  const subgraphSchemas = new Map<string, GraphQLSchema>();
  const subgraphSchema = (name: string) => {
    let schema = subgraphSchemas.get(name);
    if (!schema) {
      const subgraph = supergraph.subgraphs().get(name);
      if (!subgraph) throw new Error(`The supergraph has no subgraph ${name}.`);
      subgraphSchemas.set(name, (schema = subgraph.schema.toGraphQLJSSchema()));
    }
    return schema;
  };
  const federatedApiSchema = supergraph.apiSchema();
  const apiSchema = federatedApiSchema.toGraphQLJSSchema();
  const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
  const planner = new QueryPlanner(supergraph);
  const cache = new Map<string, CacheEntry>();

  /** The checks that depend on the text alone, cached with the document: tokens, parse, validation, the operation. */
  const prepare = (query: string, operationName: string | undefined): CacheEntry => {
    const tooLong = tokenLimitMessage(query, limits.maxTokens);
    if (tooLong) return { errors: [refusalOf('TOO_MANY_TOKENS', tooLong)] };
    let document: DocumentNode;
    try {
      document = parse(query, limits.maxTokens > 0 ? { maxTokens: limits.maxTokens } : undefined);
    } catch (error) {
      return { errors: [withCode(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')] };
    }
    const invalid = validate(apiSchema, document);
    if (invalid.length > 0) return { errors: invalid.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED')) };
    const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
    const operation =
      operationName === undefined
        ? operations.length === 1
          ? operations[0]
          : undefined
        : operations.find((definition) => definition.name?.value === operationName);
    if (!operation) {
      const message = operationName
        ? `No operation named "${operationName}".`
        : operations.length === 0
          ? 'The document has no operation.'
          : `The document has ${operations.length} operations: name the one to run in operationName.`;
      return { errors: [refusalOf('OPERATION_RESOLUTION_FAILURE', message)] };
    }
    return { document, operation };
  };

  const build = (
    query: string,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    operationName: string | undefined,
  ): PlannedSubscription | readonly GraphQLError[] => {
    if (operation.operation !== 'subscription') return [badRequest('Only subscriptions are served over WebSocket; send queries and mutations over HTTP.')];
    const fragments = document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION);
    const rootField = onlyField(operation.selectionSet, fragments);
    if (!rootField || !isSubscriptionField(rootField.name.value)) return [badRequest('Unknown subscription field.')];

    const planned = planner.buildQueryPlan(operationFromDocument(federatedApiSchema, document, { operationName }));
    const node = planned.node;
    if (node?.kind !== 'Subscription') throw new Error(`The plan of a subscription has a ${node?.kind ?? 'missing'} root.`);
    const primary: FetchNode = { ...node.primary, serviceName: eventSource };
    const rest: PlanNode[] = node.rest ? (node.rest.kind === 'Sequence' ? node.rest.nodes : [node.rest]) : [];
    const local = rest.length === 0 && validate(subgraphSchema(node.primary.serviceName), document).length === 0;
    return {
      key: `${operationName ?? ''}\n${query}`,
      document,
      operationName,
      operation,
      field: rootField.name.value,
      rootField,
      local,
      plan: { kind: 'QueryPlan', node: rest.length > 0 ? { kind: 'Sequence', nodes: [primary, ...rest] } : primary },
      serviceName: node.primary.serviceName,
      fetch: local
        ? { query, operationName, variableUsages: undefined }
        : { query: node.primary.operation, operationName: node.primary.operationName, variableUsages: node.primary.variableUsages },
      operationContext: buildOperationContext({ schema: apiSchema, operationDocument: document, operationName }),
    };
  };

  return {
    apiSchema,
    supergraphSchema,
    federatedApiSchema,
    plan(query, operationName, checks = {}) {
      const key = `${operationName ?? ''}\n${query}`;
      let entry = cache.get(key);
      if (entry) {
        // Most recently used last: the first key is the one to evict.
        cache.delete(key);
      } else {
        entry = prepare(query, operationName);
        if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
      }
      cache.set(key, entry);
      if ('errors' in entry) return entry.errors;
      entry.checked ??= { refused: checks.document?.(entry) };
      const refused = entry.checked.refused ?? checks.request?.(entry);
      if (refused) return [refused];
      entry.planned ??= build(query, entry.document, entry.operation, operationName);
      return entry.planned;
    },
  };
}

/** The one field a subscription selects (validation guarantees one), looking through fragments. */
function onlyField(selectionSet: SelectionSetNode, fragments: FragmentDefinitionNode[]): FieldNode | undefined {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) return selection;
    const inner = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragments.find((f) => f.name.value === selection.name.value)?.selectionSet;
    const found = inner && onlyField(inner, fragments);
    if (found) return found;
  }
  return undefined;
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { code } });
}

const badRequest = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } });
const refusalOf = (code: string, message: string) => new GraphQLError(message, { extensions: { code } });
