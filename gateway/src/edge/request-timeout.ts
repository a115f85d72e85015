import type { ApolloServerPlugin } from '@apollo/server';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { currentEdgeRequest } from './request-scope';
import { refusal } from './refusal';

type Fetcher = RemoteGraphQLDataSource['fetcher'];

const timeoutMessage = (timeoutMs: number) => `The request took longer than ${timeoutMs} ms, the limit (REQUEST_TIMEOUT_MS); its subgraph calls were stopped.`;

/**
 * A subgraph fetcher that stops when the request's time is up. A mutation that reached its
 * subgraph may still complete there: the limit bounds the client's wait, and idempotency keys
 * make the retry safe.
 */
export function withRequestDeadline(fetcher: Fetcher): Fetcher {
  return (url, init) => {
    const signal = currentEdgeRequest()?.signal;
    return fetcher(url, signal ? ({ ...init, signal } as typeof init) : init);
  };
}

/**
 * Answers REQUEST_TIMEOUT (504) instead of the partial result of a request whose time ran out,
 * and starts no execution once it has.
 */
export function useRequestTimeout(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const scope = currentEdgeRequest();
      if (!scope || scope.timeoutMs <= 0) return;
      return {
        async didResolveOperation() {
          if (scope.signal.aborted) throw refusal('REQUEST_TIMEOUT', timeoutMessage(scope.timeoutMs), 504);
        },
        async willSendResponse({ response }) {
          if (!scope.signal.aborted || response.body.kind !== 'single') return;
          response.http.status = 504;
          response.body.singleResult = { errors: [{ message: timeoutMessage(scope.timeoutMs), extensions: { code: 'REQUEST_TIMEOUT' } }] };
        },
      };
    },
  };
}
