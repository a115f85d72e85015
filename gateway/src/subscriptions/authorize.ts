import { identityHeader } from '@waitlessq/auth';
import { AppError, errorCodes, type ErrorCode } from '@waitlessq/errors';
import { withDeadline } from '@waitlessq/subgraph-kit';
import type { SubgraphDataSource } from '../subgraph-data-source';
import type { Caller } from './caller';
import type { SubscriptionTarget } from './events';
import { accessArguments, precheck, type SubscriptionField } from './fields';

const defaultTimeoutMs = 5_000;

const accessQuery =
  'query SubscriptionAccess($field: String!, $arguments: JSON!) { subscriptionAccess(field: $field, arguments: $arguments) { queueId finished } }';

/** Where the queue subgraph is and how to call it: the gateway's keep-alive pool to it (subgraph-pool.ts). */
export interface QueueSubgraph {
  url: string;
  fetcher: SubgraphDataSource['fetcher'];
  /** How long an answer may take (5 s). */
  timeoutMs?: number;
}

/**
 * May this caller subscribe? The queue subgraph decides with its own rules (its internal
 * `subscriptionAccess` field, events/subscription-access.ts there), asked over the network with
 * the caller's signed identity like every subgraph call; a refusal comes back with the code the
 * same question would answer as a query (NOT_FOUND for another tenant's queue or a wrong visit
 * token, UNAUTHENTICATED, FORBIDDEN).
 */
export async function authorizeSubscription(
  queue: QueueSubgraph,
  field: SubscriptionField,
  args: Record<string, unknown>,
  caller: Caller,
  requestId: string,
): Promise<SubscriptionTarget> {
  const refused = precheck(field, caller.identity, args);
  if (refused) throw refused;
  // A deadline cleared once the answer is in (AbortSignal.timeout's timer outlived each subscribe).
  const timeoutMs = queue.timeoutMs ?? defaultTimeoutMs;
  const body = await withDeadline(timeoutMs, `The queue subgraph did not answer within ${timeoutMs} ms.`, async (signal) => {
    const response = await queue.fetcher(queue.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [identityHeader]: await caller.signedIdentity(), 'x-request-id': requestId },
      body: JSON.stringify({ query: accessQuery, variables: { field, arguments: accessArguments(args) } }),
      signal,
    });
    return (await response.json()) as {
      data?: { subscriptionAccess?: SubscriptionTarget } | null;
      errors?: { message: string; extensions?: { code?: string } }[];
    };
  });
  const error = body.errors?.[0];
  if (error) {
    const code = error.extensions?.code;
    if (code && code in errorCodes && code !== 'INTERNAL_SERVER_ERROR') throw new AppError(code as ErrorCode, error.message);
    throw new Error(`The queue subgraph could not authorize a subscription: ${error.message}`);
  }
  const target = body.data?.subscriptionAccess;
  if (!target) throw new Error('The queue subgraph answered no subscription access.');
  return { queueId: target.queueId, finished: target.finished };
}
