import { GraphQLError, GraphQLScalarType, Kind, valueFromASTUntyped } from 'graphql';

function parseInstant(value: unknown): Date {
  if (typeof value === 'string') {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new GraphQLError('DateTime must be an ISO-8601 string.', { extensions: { code: 'BAD_USER_INPUT' } });
}

/** An instant as an ISO-8601 string in UTC; every subgraph declares `scalar DateTime` and uses this. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant, as an ISO-8601 string in UTC, e.g. 2025-01-31T09:30:00.000Z.',
  serialize: (value) => (value instanceof Date ? value : parseInstant(value)).toISOString(),
  parseValue: parseInstant,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be an ISO-8601 string.', { extensions: { code: 'BAD_USER_INPUT' } });
    return parseInstant(ast.value);
  },
});

/**
 * Any JSON value, passed through as is. It carries internal data between subgraphs
 * (`Business.bookingSchedule`, @inaccessible, from the business subgraph to the queue
 * subgraph's `@requires`); clients never see it, and its reader checks the shape.
 */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'A JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
