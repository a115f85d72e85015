import type { ServiceName } from '@waitlessq/config';
import { identityHeader, type Identity } from '@waitlessq/auth';
import { AppError, type ErrorCode } from '@waitlessq/errors';
import { withDeadline } from './deadline';
import type { ServiceRuntime } from './runtime';

/** How long a peer subgraph may take to answer. */
const peerTimeoutMs = 10_000;

export interface PeerClient {
  /**
   * Runs an operation on another subgraph as this service (or, with `as`, as the caller, to ask
   * the peer what that caller may see); rethrows its first error with its code.
   */
  request<T>(
    peer: Exclude<ServiceName, 'gateway' | 'workers'>,
    query: string,
    variables?: Record<string, unknown>,
    requestId?: string,
    as?: Identity,
  ): Promise<T>;
}

/**
 * Calls between subgraphs, for the few writes that cross an ownership line (signing up creates
 * the organization the business subgraph owns). The call carries a signed `service` identity,
 * so the peer applies its own rules to it.
 */
export function createPeerClient(runtime: ServiceRuntime): PeerClient {
  return {
    async request(peer, query, variables = {}, requestId, as) {
      const identity = await runtime.signer.sign(as ?? { kind: 'service', subjectId: runtime.name });
      const body = await withDeadline(peerTimeoutMs, `The ${peer} subgraph did not answer within ${peerTimeoutMs} ms.`, async (signal) => {
        const response = await fetch(runtime.config.subgraphUrls[peer], {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [identityHeader]: identity,
            ...(requestId ? { 'x-request-id': requestId } : {}),
          },
          body: JSON.stringify({ query, variables }),
          signal,
        });
        return (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
      });
      const error = body.errors?.[0];
      if (error) {
        const code = (error.extensions?.code ?? 'INTERNAL_SERVER_ERROR') as ErrorCode;
        throw new AppError(code, error.message);
      }
      return body.data as never;
    },
  };
}
