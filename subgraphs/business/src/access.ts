import type { Identity } from '@waitlessq/auth';
import { organizationScope } from '@waitlessq/subgraph-kit';

/**
 * Who may read what in this subgraph. Our own subgraphs (service identities) read everything;
 * members of an organization read its rows; anonymous visitors of a PWA read the public
 * profile of any business and its services, and nothing else.
 */
export function canReadTenantRow(identity: Identity, organizationId: string): boolean {
  if (identity.kind === 'service') return true;
  return organizationScope(identity) === organizationId;
}

/** Business profiles and services: public for anonymous callers, tenant-scoped for everyone else. */
export function canReadPublicRow(identity: Identity, organizationId: string): boolean {
  return identity.kind === 'anonymous' || canReadTenantRow(identity, organizationId);
}
