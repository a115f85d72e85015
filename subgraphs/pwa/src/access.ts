import type { Identity } from '@waitlessq/auth';
import { organizationScope } from '@waitlessq/subgraph-kit';

/**
 * A business's app configuration is as public as its profile: PWA visitors (anonymous) read
 * any, signed-in callers only their own organization's, our own subgraphs everything.
 */
export function canReadConfig(identity: Identity, organizationId: string): boolean {
  if (identity.kind === 'anonymous' || identity.kind === 'service') return true;
  return organizationScope(identity) === organizationId;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUID columns: anything else cannot exist, and must not reach SQL (it would fail). */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}
