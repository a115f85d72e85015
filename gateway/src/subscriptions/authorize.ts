import { identityHeader } from '@waitlessq/auth';
import { AppError, errorCodes, type ErrorCode } from '@waitlessq/errors';
import { subscriptionAccess, type SubscriptionField, type SubscriptionTarget } from '@waitlessq/queue-subgraph';
import type { Caller } from './caller';

const timeoutMs = 5_000;

/**
 * May this caller subscribe? The queue subgraph decides with its own rules (events/
 * subscription-access.ts): its access query is sent there with the caller's identity, and a
 * refusal comes back with the code the same query would answer (NOT_FOUND for another
 * tenant's queue or a wrong visit token, UNAUTHENTICATED, FORBIDDEN).
 */
export async function authorizeSubscription(
  queueSubgraphUrl: string,
  field: SubscriptionField,
  args: Record<string, unknown>,
  caller: Caller,
  requestId: string,
): Promise<SubscriptionTarget> {
  const access = subscriptionAccess[field];
  const refused = access.precheck(caller.identity, args);
  if (refused) throw refused;
  const response = await fetch(queueSubgraphUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [identityHeader]: await caller.signedIdentity(), 'x-request-id': requestId },
    body: JSON.stringify({ query: access.query, variables: access.variables(args) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
  const error = body.errors?.[0];
  if (error) {
    const code = error.extensions?.code;
    if (code && code in errorCodes && code !== 'INTERNAL_SERVER_ERROR') throw new AppError(code as ErrorCode, error.message);
    throw new Error(`The queue subgraph could not authorize a subscription: ${error.message}`);
  }
  return access.target(body.data);
}
