import type { Identity } from '@waitlessq/auth';
import type { PeerClient } from '@waitlessq/subgraph-kit';

/**
 * The other subgraphs' parts of a customer's data, through their internal (@inaccessible)
 * fields, asked as the caller so each applies its own rule (MANAGER or higher of the
 * organization, or the customer themself) and scopes to the caller's organization.
 */

export interface QueueCustomerData {
  visits: ({ id: string } & Record<string, unknown>)[];
  standbyEntries: Record<string, unknown>[];
}

export interface QueueErasureCounts {
  visits: number;
  notifications: number;
  historyEvents: number;
  standbyEntries: number;
}

export interface PeerCall {
  peers: PeerClient;
  identity: Identity;
  requestId: string;
}

export async function queueDataOf(call: PeerCall, customerId: string): Promise<QueueCustomerData> {
  const answer = await call.peers.request<{ customerDataExport: QueueCustomerData }>(
    'queue',
    'query PrivacyExport($id: ID!) { customerDataExport(customerId: $id) }',
    { id: customerId },
    call.requestId,
    call.identity,
  );
  return answer.customerDataExport;
}

export async function pushSubscriptionsOf(call: PeerCall, visitIds: string[]): Promise<Record<string, unknown>[]> {
  if (!visitIds.length) return [];
  const answer = await call.peers.request<{ visitPushSubscriptions: Record<string, unknown>[] }>(
    'pwa',
    'query PrivacyPush($ids: [ID!]!) { visitPushSubscriptions(visitIds: $ids) }',
    { ids: visitIds },
    call.requestId,
    call.identity,
  );
  return answer.visitPushSubscriptions;
}

export async function erasePushSubscriptions(call: PeerCall, visitIds: string[]): Promise<number> {
  if (!visitIds.length) return 0;
  const answer = await call.peers.request<{ eraseVisitPushSubscriptions: { pushSubscriptions: number } }>(
    'pwa',
    'mutation PrivacyErasePush($ids: [ID!]!) { eraseVisitPushSubscriptions(visitIds: $ids) }',
    { ids: visitIds },
    call.requestId,
    call.identity,
  );
  return answer.eraseVisitPushSubscriptions.pushSubscriptions;
}

export async function eraseQueueData(call: PeerCall, customerId: string): Promise<QueueErasureCounts> {
  const answer = await call.peers.request<{ eraseCustomerData: QueueErasureCounts }>(
    'queue',
    'mutation PrivacyErase($id: ID!) { eraseCustomerData(customerId: $id) }',
    { id: customerId },
    call.requestId,
    call.identity,
  );
  return answer.eraseCustomerData;
}
