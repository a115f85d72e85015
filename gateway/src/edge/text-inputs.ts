import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  TypeInfo,
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  isScalarType,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';

/**
 * Text fields written by people as prose, where a tab or a line break is part of the text
 * (matched by the input field's or argument's own name, in every input type).
 */
const freeTextFields = new Set(['notes', 'description', 'welcomeMessage', 'password']);

/** C0 controls, DEL and C1 controls: never part of a name, an email, a slug or a key. */
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;
/** The same without tab, line feed and carriage return. */
const controlCharacterInProse = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export interface TextInputsToCheck {
  schema: GraphQLSchema;
  document: DocumentNode;
  variables?: Record<string, unknown> | null;
}

/**
 * The first text input holding a control character, as a BAD_USER_INPUT naming it
 * (`input.name` of `joinQueue`), or undefined. Every string the operation passes to a field,
 * inline or through a variable, at any depth of an input object or list, is read once here,
 * before any subgraph is called: PostgreSQL refuses NUL in text (22021), and no subgraph needs
 * to repeat the check for fields it adds later.
 */
export function textInputRefusal(input: TextInputsToCheck): GraphQLError | undefined {
  const { schema, document } = input;
  const variables = input.variables ?? {};
  // Nearly every operation holds no control character at all: then there is nothing to name.
  if (!mayHoldControlCharacter(document) && !holdsControlCharacter(variables)) return undefined;
  const typeInfo = new TypeInfo(schema);
  const path: string[] = [];
  let fieldName = '';
  let found: GraphQLError | undefined;

  const stop = (where: string[], character: string) => {
    found = refusal(fieldName, where, character);
    return false as const;
  };

  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      enter(node: ASTNode, key, parent) {
        if (found) return false;
        switch (node.kind) {
          case Kind.FIELD:
            fieldName = node.name.value;
            return undefined;
          case Kind.DIRECTIVE:
            // Directive arguments (@include(if:), @skip) hold no text anyone stores.
            return false;
          case Kind.VARIABLE_DEFINITION:
            // Its default value is checked where the variable is used without a value.
            return false;
          case Kind.ARGUMENT:
          case Kind.OBJECT_FIELD:
            path.push(node.name.value);
            return undefined;
          case Kind.STRING: {
            const where = listIndexed(path, parent, key);
            const character = controlCharacterIn(node.value, where);
            if (character) return stop(where, character);
            return undefined;
          }
          case Kind.VARIABLE: {
            const type = typeInfo.getInputType();
            const name = node.name.value;
            const value = name in variables ? variables[name] : defaultValueOf(document, name);
            const where = listIndexed(path, parent, key);
            const bad = type ? firstControlled(value, type, where) : firstControlledAny(value, where);
            if (bad) return stop(bad.path, bad.character);
            return undefined;
          }
          default:
            return undefined;
        }
      },
      leave(node: ASTNode) {
        if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) path.pop();
      },
    }),
  );
  return found;
}

/**
 * Whether a string literal of the document could hold one. The lexer refuses raw control
 * characters in strings but the tab, and block strings keep line breaks: an escape sequence, a
 * block string or a tab is needed. Without the source, assume it may.
 */
function mayHoldControlCharacter(document: DocumentNode): boolean {
  let may = mayHold.get(document);
  if (may === undefined) {
    const body = document.loc?.source.body;
    may = body === undefined || body.includes('\\') || body.includes('"""') || body.includes('\t');
    mayHold.set(document, may);
  }
  return may;
}

/** Per parsed document (Apollo keeps them): only the variables are read per request. */
const mayHold = new WeakMap<DocumentNode, boolean>();

/** Any control character (tab and line breaks too) in any string of a value. */
function holdsControlCharacter(value: unknown): boolean {
  if (typeof value === 'string') return controlCharacter.test(value);
  if (Array.isArray(value)) return value.some(holdsControlCharacter);
  if (value && typeof value === 'object') return Object.values(value as Record<string, unknown>).some(holdsControlCharacter);
  return false;
}

/** Applies textInputRefusal to every HTTP operation once it is parsed and validated. */
export function useTextInputChecks(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request }) {
          const error = textInputRefusal({ schema, document, variables: request.variables });
          if (error) throw error;
        },
      };
    },
  };
}

/** The first control character a value may not hold at this path, or undefined. */
function controlCharacterIn(value: string, path: readonly string[]): string | undefined {
  const name = path.length > 0 ? path[path.length - 1].replace(/\[\d+\]$/, '') : '';
  return (freeTextFields.has(name) ? controlCharacterInProse : controlCharacter).exec(value)?.[0];
}

/** The path of a value inside a list literal gets the item's index (`input.tags[2]`). */
function listIndexed(path: readonly string[], parent: unknown, key: string | number | undefined): string[] {
  return Array.isArray(parent) && typeof key === 'number' && path.length > 0 ? [...path.slice(0, -1), `${path[path.length - 1]}[${key}]`] : [...path];
}

interface Found {
  path: string[];
  character: string;
}

/** Walks a variable's value along its input type: strings of scalars are checked, input objects field by field. */
function firstControlled(value: unknown, type: GraphQLInputType, path: string[]): Found | undefined {
  if (value === null || value === undefined) return undefined;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (!Array.isArray(value)) return firstControlled(value, nullable.ofType, path);
    for (const [index, item] of value.entries()) {
      const found = firstControlled(item, nullable.ofType, indexed(path, index));
      if (found) return found;
    }
    return undefined;
  }
  const named = getNamedType(nullable);
  if (isInputObjectType(named)) {
    if (typeof value !== 'object' || Array.isArray(value)) return undefined;
    const fields = named.getFields();
    for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
      const field = fields[name];
      // A field the type does not have is refused by variable coercion; its strings are still never stored.
      const found = field ? firstControlled(item, field.type, [...path, name]) : firstControlledAny(item, [...path, name]);
      if (found) return found;
    }
    return undefined;
  }
  if (isScalarType(named)) return firstControlledAny(value, path);
  return undefined;
}

/** Any string anywhere in a value (custom scalars, fields coercion will refuse). */
function firstControlledAny(value: unknown, path: string[]): Found | undefined {
  if (typeof value === 'string') {
    const character = controlCharacterIn(value, path);
    return character ? { path, character } : undefined;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = firstControlledAny(item, indexed(path, index));
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
      const found = firstControlledAny(item, [...path, name]);
      if (found) return found;
    }
  }
  return undefined;
}

const indexed = (path: string[], index: number) => (path.length > 0 ? [...path.slice(0, -1), `${path[path.length - 1]}[${index}]`] : [`[${index}]`]);

/** The default of a variable the request left out, as a plain value. */
function defaultValueOf(document: DocumentNode, name: string): unknown {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const variable = definition.variableDefinitions?.find((v) => v.variable.name.value === name);
    if (variable?.defaultValue) return plainValue(variable.defaultValue);
  }
  return undefined;
}

function plainValue(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
      return node.value;
    case Kind.LIST:
      return node.values.map(plainValue);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((field) => [field.name.value, plainValue(field.value)]));
    default:
      return undefined;
  }
}

function refusal(operationField: string, path: readonly string[], character: string): GraphQLError {
  const field = path.join('.');
  const code = `U+${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return new GraphQLError(`${field} contains a control character (${code}); text inputs may hold none (tab and line breaks only in free text such as notes).`, {
    extensions: { code: 'BAD_USER_INPUT', field, operationField, http: { status: 400 } },
  });
}
