import type { ApolloServerPlugin } from '@apollo/server';
import depthLimit from 'graphql-depth-limit';
import { Kind, validate, visit, type DocumentNode, type GraphQLError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { OperationLimits } from '@waitlessq/config';
import { operationCost } from './cost';
import { fieldsOf, fragmentsOf } from './operation-shape';
import { refusal } from './refusal';

export interface OperationToCheck {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables?: Record<string, unknown>;
}

/**
 * The first limit the operation exceeds, cheapest check first, or undefined. Pure, so the
 * WebSocket transport applies it to subscriptions as the HTTP pipeline does to the rest.
 */
export function operationLimitRefusal(input: OperationToCheck, limits: OperationLimits): GraphQLError | undefined {
  return shapeLimitRefusal(input, limits) ?? costLimitRefusal(input, limits);
}

/**
 * The limits that depend on the document alone (root fields, aliases, depth): a transport that
 * keeps parsed documents (the WebSocket planner) checks them once per document.
 */
export function shapeLimitRefusal(input: Omit<OperationToCheck, 'variables'>, limits: OperationLimits): GraphQLError | undefined {
  const { schema, document, operation } = input;
  const fragments = fragmentsOf(document);

  const rootFields = fieldsOf(operation.selectionSet, fragments).length;
  if (limits.maxRootFields > 0 && rootFields > limits.maxRootFields) {
    return refusal('TOO_MANY_ROOT_FIELDS', `The operation selects ${rootFields} root fields; the limit is ${limits.maxRootFields} (MAX_ROOT_FIELDS).`, 400);
  }

  const aliases = countAliases(document);
  if (limits.maxAliases > 0 && aliases > limits.maxAliases) {
    return refusal('TOO_MANY_ALIASES', `The document uses ${aliases} aliases; the limit is ${limits.maxAliases} (MAX_ALIASES).`, 400);
  }

  if (limits.maxDepth > 0 && validate(schema, document, [depthLimit(limits.maxDepth)]).length > 0) {
    return refusal('QUERY_TOO_DEEP', `The operation nests fields more than ${limits.maxDepth} levels deep, the limit (MAX_QUERY_DEPTH).`, 400);
  }
  return undefined;
}

/** The cost limit, which depends on the variables (`first: $n`). */
export function costLimitRefusal(input: OperationToCheck, limits: OperationLimits): GraphQLError | undefined {
  const { schema, document, operation } = input;
  const fragments = fragmentsOf(document);
  if (limits.maxCost > 0) {
    const cost = operationCost({ schema, operation, fragments, variables: input.variables, defaultListSize: limits.defaultListSize });
    if (cost > limits.maxCost) {
      return refusal(
        'QUERY_TOO_COMPLEX',
        `The operation may fetch up to ${formatCost(cost)} objects (lists count by their page size, \`first\`); the limit is ${limits.maxCost} (MAX_QUERY_COST).`,
        400,
      );
    }
  }
  return undefined;
}

/**
 * Refuses an operation over a limit once it is parsed and validated, before any subgraph is
 * called. Apollo keeps parsed documents, so a repeated query brings the same operation node:
 * what depends on the document alone (and the cost of an operation without variables) is
 * checked once per node and schema, and only the cost of one with variables per request.
 */
export function useOperationLimits(limits: OperationLimits): ApolloServerPlugin {
  const shapePassed = new WeakMap<OperationDefinitionNode, GraphQLSchema>();
  const costPassed = new WeakMap<OperationDefinitionNode, GraphQLSchema>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          if (shapePassed.get(operation) !== schema) {
            const error = shapeLimitRefusal({ schema, document, operation }, limits);
            if (error) throw error;
            shapePassed.set(operation, schema);
          }
          const variableFree = !operation.variableDefinitions?.length;
          if (variableFree && costPassed.get(operation) === schema) return;
          const error = costLimitRefusal({ schema, document, operation, variables: request.variables }, limits);
          if (error) throw error;
          if (variableFree) costPassed.set(operation, schema);
        },
      };
    },
  };
}

function countAliases(document: DocumentNode): number {
  let count = 0;
  visit(document, {
    [Kind.FIELD](field) {
      if (field.alias) count += 1;
    },
  });
  return count;
}

const formatCost = (cost: number) => (Number.isFinite(cost) && cost < 1e15 ? String(Math.round(cost)) : cost.toExponential(2));
