import { GraphQLScalarType, valueFromASTUntyped } from 'graphql';

/**
 * Any JSON value, passed through as is. It carries `Business.bookingSchedule` (@inaccessible)
 * to the queue subgraph, whose parser owns the checks of the shape; clients never see it.
 */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'A JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
