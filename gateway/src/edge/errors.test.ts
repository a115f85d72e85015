import { GraphQLError } from 'graphql';
import { AppError } from '@waitlessq/errors';
import { createLogger } from '@waitlessq/observability';
import { createGatewayErrorFormatter } from './errors';

const logger = createLogger('test', 'silent');

describe('createGatewayErrorFormatter', () => {
  const format = createGatewayErrorFormatter({ exposeInternals: false, logger });

  it("keeps a subgraph's domain error with its code and service name", () => {
    const formatted = { message: 'The queue is full.', path: ['joinQueue'], extensions: { code: 'QUEUE_FULL', serviceName: 'queue' } };
    expect(format(formatted, new GraphQLError('The queue is full.'))).toEqual(formatted);
  });

  it.each(['GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'SUBGRAPH_HTTP_ERROR', 'INTERNAL_SERVER_ERROR', undefined])(
    'masks a subgraph error coded %s: it describes that subgraph, not the request',
    (code) => {
      const formatted = { message: 'Cannot query field "internalOnly" on type "Queue".', path: ['queue'], extensions: { code, serviceName: 'queue' } };
      expect(format(formatted, new GraphQLError(formatted.message))).toEqual({
        message: 'Something went wrong on our side.',
        path: ['queue'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
    },
  );

  it("passes the gateway's own refusals and Apollo's request errors", () => {
    const refused = { message: 'The document uses 40 aliases; the limit is 30 (MAX_ALIASES).', extensions: { code: 'TOO_MANY_ALIASES' } };
    expect(format(refused, new GraphQLError(refused.message))).toEqual(refused);
    const parse = { message: 'Syntax Error: Unexpected "}".', extensions: { code: 'GRAPHQL_PARSE_FAILED' } };
    expect(format(parse, new GraphQLError(parse.message))).toEqual(parse);
  });

  it('masks anything else, without stack or message', () => {
    const error = new GraphQLError('relation "Visit" does not exist', { originalError: new Error('relation "Visit" does not exist') });
    expect(format({ message: error.message, extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } }, error)).toEqual({
      message: 'Something went wrong on our side.',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    const domain = new AppError('NOT_FOUND', 'No such queue.');
    expect(format({ message: 'x' }, new GraphQLError('x', { originalError: domain }))).toEqual({
      message: 'No such queue.',
      extensions: { code: 'NOT_FOUND' },
    });
  });

  it('shows a subgraph error in development', () => {
    const development = createGatewayErrorFormatter({ exposeInternals: true, logger });
    const formatted = { message: 'Cannot query field "x".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED', serviceName: 'queue' } };
    expect(development(formatted, new GraphQLError(formatted.message))).toEqual(formatted);
  });
});
