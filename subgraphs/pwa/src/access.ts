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
