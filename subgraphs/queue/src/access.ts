import type { Identity } from '@waitlessq/auth';
import { isUuid } from '@waitlessq/validation';

/**
 * Who may read what in the queue subgraph (docs/DESIGN.md, "Identity and tenancy"):
 * - the queue summary (name, status, waiting count): staff, partners and customers of its
 *   organization (a customer's PWA shows it before joining); subgraphs calling as a service;
 * - the line itself (`Queue.waiting`, `servingNow`, which show other customers' names): staff
 *   and partners (display screens) of the organization only;
 * - a visit: staff and partners of the organization, the customer it belongs to, or whoever
 *   holds its visit token (checked in visits/visit-token.ts and visits/visit-reads.ts).
 * Anonymous callers reach a queue only through the visit whose token they hold.
 */
export function memberOf(identity: Identity, organizationId: string): boolean {
  return 'organizationId' in identity && identity.organizationId === organizationId;
}

export function canReadQueueSummary(identity: Identity, organizationId: string): boolean {
  return identity.kind === 'service' || memberOf(identity, organizationId);
}

export function canReadLine(identity: Identity, organizationId: string): boolean {
  if (identity.kind === 'service') return true;
  return (identity.kind === 'staff' || identity.kind === 'partner') && memberOf(identity, organizationId);
}

/** Who a VisitEvent says acted: actorId is a uuid column, so anything else is left out. */
export interface Actor {
  actorId: string | null;
  actorKind: string;
}

export function actorOf(identity: Identity, viaVisitToken = false): Actor {
  if (viaVisitToken) return { actorId: null, actorKind: 'visit-token' };
  const actorId = 'subjectId' in identity && isUuid(identity.subjectId) ? identity.subjectId : null;
  return { actorId, actorKind: identity.kind };
}
