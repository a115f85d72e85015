import type { GraphQLFormattedError } from 'graphql';
import { createErrorFormatter, errorCodes } from '@waitlessq/errors';
import type { Logger } from '@waitlessq/observability';
import { currentEdgeRequest } from './request-scope';

const internal = () => ({ message: errorCodes.INTERNAL_SERVER_ERROR, extensions: { code: 'INTERNAL_SERVER_ERROR' } });

/**
 * The gateway's formatError. On top of the shared formatter (domain codes pass, anything else
 * is masked outside development):
 * - an error that came from a subgraph passes only with a domain code: a subgraph's
 *   GRAPHQL_VALIDATION_FAILED or BAD_REQUEST is about the query the gateway planned, and its
 *   message names that subgraph's schema, so the client gets INTERNAL_SERVER_ERROR;
 * - a masked error carries the request id, which finds it in the logs.
 */
export function createGatewayErrorFormatter(options: { exposeInternals: boolean; logger: Logger }) {
  const onUnexpected = (error: unknown) => options.logger.error({ err: error, requestId: currentEdgeRequest()?.requestId }, 'unexpected error');
  const shared = createErrorFormatter({ exposeInternals: options.exposeInternals, onUnexpected });
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    const fromSubgraph = typeof formatted.extensions?.serviceName === 'string';
    let result: GraphQLFormattedError;
    if (fromSubgraph && !(typeof code === 'string' && code in errorCodes && code !== 'INTERNAL_SERVER_ERROR')) {
      onUnexpected(error);
      result = options.exposeInternals ? formatted : { ...internal(), path: formatted.path };
    } else {
      result = shared(formatted, error);
    }
    const requestId = currentEdgeRequest()?.requestId;
    if (result.extensions?.code === 'INTERNAL_SERVER_ERROR' && requestId) {
      result = { ...result, extensions: { ...result.extensions, requestId } };
    }
    return result;
  };
}
