import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError, errorCodes, type ErrorCode } from './app-error';

declare module 'graphql' {
  interface GraphQLErrorExtensions {
    code?: ErrorCode | string;
    requestId?: string;
    serviceName?: string;
  }
}

export function toGraphQLError(error: AppError): GraphQLError {
  return new GraphQLError(error.message, { extensions: { code: error.code, ...error.details } });
}

/** Codes Apollo itself produces for malformed requests; they are safe to pass through. */
const apolloRequestCodes = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

interface FormatterOptions {
  /** Show the original message of unexpected errors (never in production). */
  exposeInternals: boolean;
  onUnexpected?: (error: unknown, requestId?: string) => void;
  /** What a thrown error that is not an AppError means to the client, when the service knows (a database out of connections). */
  recognize?: (error: unknown) => AppError | undefined;
}

/**
 * Apollo `formatError`: known codes pass through with their safe message; everything else is
 * masked as INTERNAL_SERVER_ERROR (logged first), so no stack or SQL ever reaches a client.
 */
export function createErrorFormatter(options: FormatterOptions) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const thrown = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    const original = thrown instanceof AppError ? thrown : (options.recognize?.(thrown) ?? thrown);
    if (original instanceof AppError) {
      return { ...formatted, message: original.message, extensions: { ...original.details, code: original.code } };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && (code in errorCodes || apolloRequestCodes.has(code)) && code !== 'INTERNAL_SERVER_ERROR') {
      const { stacktrace: _stacktrace, exception: _exception, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    options.onUnexpected?.(original);
    if (options.exposeInternals) return formatted;
    return {
      message: errorCodes.INTERNAL_SERVER_ERROR,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
