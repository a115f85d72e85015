import { buildASTSchema, GraphQLScalarType, isObjectType, isScalarType, type DocumentNode, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';

type FieldResolver =
  GraphQLFieldResolver<unknown, unknown> | { resolve?: GraphQLFieldResolver<unknown, unknown>; subscribe?: GraphQLFieldResolver<unknown, unknown> };

/**
 * The subgraph's types with its resolvers, as plain graphql-js: what projecting an event needs
 * (no federation entry points, `__resolveReference` is skipped). Federation directives in the
 * SDL are only annotations here.
 */
export function buildExecutableSchema(typeDefs: DocumentNode, resolvers: Record<string, GraphQLScalarType | Record<string, FieldResolver>>): GraphQLSchema {
  const schema = buildASTSchema(typeDefs, { assumeValidSDL: true });
  for (const [typeName, typeResolvers] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!type) throw new Error(`Resolvers are given for ${typeName}, which the schema does not define.`);
    if (typeResolvers instanceof GraphQLScalarType) {
      if (!isScalarType(type)) throw new Error(`${typeName} is given a scalar but is not one.`);
      Object.assign(type, { serialize: typeResolvers.serialize, parseValue: typeResolvers.parseValue, parseLiteral: typeResolvers.parseLiteral });
      continue;
    }
    if (!isObjectType(type)) throw new Error(`${typeName} is given field resolvers but is not an object type.`);
    const fields = type.getFields();
    for (const [fieldName, resolver] of Object.entries(typeResolvers)) {
      if (fieldName.startsWith('__')) continue;
      const field = fields[fieldName];
      if (!field) throw new Error(`A resolver is given for ${typeName}.${fieldName}, which the schema does not define.`);
      if (typeof resolver === 'function') field.resolve = resolver;
      else Object.assign(field, resolver.resolve && { resolve: resolver.resolve }, resolver.subscribe && { subscribe: resolver.subscribe });
    }
  }
  return schema;
}
