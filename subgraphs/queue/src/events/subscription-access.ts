import type { Identity } from '@waitlessq/auth';
import type { VisitStatus } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import { isFinalVisitStatus } from './visit-relevance';

export type SubscriptionField = 'queueUpdated' | 'visitUpdated';

/** What a subscription follows once it is allowed: the queue's event stream. */
export interface SubscriptionTarget {
  queueId: string;
  /** A visit already DONE, NO_SHOW or CANCELLED: nothing more will happen to it. */
  finished: boolean;
}

/**
 * Who may subscribe, decided by this subgraph's own rules: the gateway sends `query` here with
 * the subscriber's identity, before streaming anything. The fields asked are those whose rules
 * are the subscription's: `queue(id)` refuses anonymous callers and other tenants (NOT_FOUND),
 * `Queue.servingNow` everyone but staff and partners of the organization (the line shows
 * customers' names); `visit(id, visitToken)` allows the token's holder, the customer it
 * belongs to and staff of the organization, and is NOT_FOUND for anyone else.
 */
export interface SubscriptionAccess {
  /** A refusal that needs no read, or null. */
  precheck(identity: Identity, args: Record<string, unknown>): AppError | null;
  query: string;
  variables(args: Record<string, unknown>): Record<string, unknown>;
  target(data: unknown): SubscriptionTarget;
}

export const subscriptionAccess: Record<SubscriptionField, SubscriptionAccess> = {
  queueUpdated: {
    precheck: () => null,
    query: 'query QueueUpdatedAccess($queueId: ID!) { queue(id: $queueId) { id servingNow { id } } }',
    variables: (args) => ({ queueId: args.queueId }),
    target: (data) => ({ queueId: (data as { queue: { id: string } }).queue.id, finished: false }),
  },
  visitUpdated: {
    precheck: (identity, args) =>
      identity.kind === 'anonymous' && !args.visitToken ? new AppError('UNAUTHENTICATED', 'Send the visit token, or sign in.') : null,
    query: 'query VisitUpdatedAccess($visitId: ID!, $visitToken: String) { visit(id: $visitId, visitToken: $visitToken) { id status queue { id } } }',
    variables: (args) => ({ visitId: args.visitId, visitToken: args.visitToken ?? null }),
    target: (data) => {
      const { visit } = data as { visit: { status: VisitStatus; queue: { id: string } } };
      return { queueId: visit.queue.id, finished: isFinalVisitStatus(visit.status) };
    },
  },
};

export const isSubscriptionField = (name: string): name is SubscriptionField => name in subscriptionAccess;
