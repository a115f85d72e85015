import { identityHeader } from '@waitlessq/auth';
import { AppError, errorCodes, type ErrorCode } from '@waitlessq/errors';
import type { Caller } from './caller';
import type { SubscriptionTarget } from './events';
import { accessArguments, precheck, type SubscriptionField } from './fields';

const timeoutMs = 5_000;

const accessQuery =
  'query SubscriptionAccess($field: String!, $arguments: JSON!) { subscriptionAccess(field: $field, arguments: $arguments) { queueId finished } }';

/**
 * May this caller subscribe? The queue subgraph decides with its own rules (its internal
 * `subscriptionAccess` field, events/subscription-access.ts there), asked over the network with
 * the caller's signed identity like every subgraph call; a refusal comes back with the code the
 * same question would answer as a query (NOT_FOUND for another tenant's queue or a wrong visit
 * token, UNAUTHENTICATED, FORBIDDEN).
 */
export async function authorizeSubscription(
  queueSubgraphUrl: string,
  field: SubscriptionField,
  args: Record<string, unknown>,
  caller: Caller,
  requestId: string,
): Promise<SubscriptionTarget> {
  const refused = precheck(field, caller.identity, args);
  if (refused) throw refused;
  const response = await fetch(queueSubgraphUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [identityHeader]: await caller.signedIdentity(), 'x-request-id': requestId },
    body: JSON.stringify({ query: accessQuery, variables: { field, arguments: accessArguments(args) } }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json()) as {
    data?: { subscriptionAccess?: SubscriptionTarget } | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
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
