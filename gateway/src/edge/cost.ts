import {
  Kind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  valueFromASTUntyped,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { Fragments } from './operation-shape';

/** Arguments that set how many items a list field returns. */
const pageSizeArguments = ['first', 'last', 'limit'];

export interface CostOptions {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Fragments;
  variables?: Record<string, unknown>;
  /** What a list weighs when nothing says how long it is. */
  defaultListSize: number;
}

/**
 * How many objects the operation may fetch, at most: every object field costs one per object it
 * returns, and a list multiplies what is selected inside it by its page size (the `first`
 * argument, its default in the schema, or defaultListSize). Scalars are free. Both branches of
 * an abstract type are counted, an over-estimate that keeps the walk one pass.
 */
export function operationCost(options: CostOptions): number {
  const root = options.schema.getRootType(options.operation.operation);
  return root ? selectionCost(options, options.operation.selectionSet, root, new Set()) : 0;
}

function selectionCost(options: CostOptions, selectionSet: SelectionSetNode, parent: GraphQLCompositeType, spreading: Set<string>): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      total += fieldCost(options, selection, parent, spreading);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? options.schema.getType(selection.typeCondition.name.value) : parent;
      if (isCompositeType(type)) total += selectionCost(options, selection.selectionSet, type, spreading);
    } else {
      const name = selection.name.value;
      const fragment = options.fragments.get(name);
      const type = fragment && options.schema.getType(fragment.typeCondition.name.value);
      // A fragment spread inside itself is invalid GraphQL; never loop on one.
      if (!fragment || !isCompositeType(type) || spreading.has(name)) continue;
      spreading.add(name);
      total += selectionCost(options, fragment.selectionSet, type, spreading);
      spreading.delete(name);
    }
  }
  return total;
}

function fieldCost(options: CostOptions, node: FieldNode, parent: GraphQLCompositeType, spreading: Set<string>): number {
  if (!node.selectionSet || !(isObjectType(parent) || isInterfaceType(parent))) return 0;
  const field = parent.getFields()[node.name.value];
  if (!field) return 0;
  const type = getNamedType(field.type);
  if (!isCompositeType(type)) return 0;
  const size = isListType(getNullableType(field.type)) ? listSize(options, node, field) : 1;
  return size * (1 + selectionCost(options, node.selectionSet, type, spreading));
}

function listSize(options: CostOptions, node: FieldNode, field: GraphQLField<unknown, unknown>): number {
  for (const name of pageSizeArguments) {
    const definition = field.args.find((arg) => arg.name === name);
    if (!definition) continue;
    const argument = node.arguments?.find((arg) => arg.name.value === name);
    const sent = argument ? valueOf(options, argument.value) : undefined;
    const size = sent ?? definition.defaultValue;
    if (typeof size === 'number' && Number.isFinite(size) && size >= 0) return size;
  }
  return options.defaultListSize;
}

function valueOf(options: CostOptions, value: ValueNode): unknown {
  if (value.kind !== Kind.VARIABLE) return valueFromASTUntyped(value);
  const name = value.name.value;
  if (options.variables && name in options.variables) return options.variables[name];
  const definition = options.operation.variableDefinitions?.find((d) => d.variable.name.value === name);
  return definition?.defaultValue ? valueFromASTUntyped(definition.defaultValue) : undefined;
}
