import { GraphQLError } from 'graphql';
import { AppError, createErrorFormatter } from './index';

describe('createErrorFormatter', () => {
  const format = createErrorFormatter({ exposeInternals: false });

  it('keeps the code and safe message of a domain error', () => {
    const original = new AppError('QUEUE_FULL', 'The queue is full (capacity 3).', { capacity: 3 });
    const error = new GraphQLError('ignored', { originalError: original, path: ['joinQueue'] });
    expect(format({ message: 'ignored', path: ['joinQueue'] }, error)).toEqual({
      message: 'The queue is full (capacity 3).',
      path: ['joinQueue'],
      extensions: { code: 'QUEUE_FULL', capacity: 3 },
    });
  });

  it('masks an unexpected error: no message, no stack', () => {
    const original = new Error('relation "Visit" does not exist at character 15');
    const error = new GraphQLError(original.message, { originalError: original });
    const formatted = format({ message: original.message, extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['x'] } }, error);
    expect(formatted).toEqual({ message: 'Something went wrong on our side.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('passes through validation errors from Apollo', () => {
    const formatted = format({ message: 'Cannot query field "x"', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }, new GraphQLError('x'));
    expect(formatted.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(formatted.message).toBe('Cannot query field "x"');
  });

  it('answers a recognized error with the code and message it is given, and masks the rest', () => {
    const onUnexpected = jest.fn();
    const busy = new AppError('SERVICE_UNAVAILABLE', 'Too many requests are waiting for the database; retry in a moment.');
    const recognizing = createErrorFormatter({
      exposeInternals: false,
      onUnexpected,
      recognize: (error) => (error instanceof Error && error.message === 'timeout exceeded when trying to connect' ? busy : undefined),
    });
    const poolTimeout = new Error('timeout exceeded when trying to connect');
    expect(recognizing({ message: poolTimeout.message, path: ['joinQueue'] }, new GraphQLError(poolTimeout.message, { originalError: poolTimeout }))).toEqual({
      message: busy.message,
      path: ['joinQueue'],
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
    expect(onUnexpected).not.toHaveBeenCalled();
    const other = new Error('connection reset');
    expect(recognizing({ message: other.message }, new GraphQLError(other.message, { originalError: other })).extensions).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
    });
    expect(onUnexpected).toHaveBeenCalledWith(other);
  });
});
