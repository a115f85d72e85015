import type { Identity } from '@waitlessq/auth';

/**
 * The organization whose rows a caller may see: its own for staff, customers and partners;
 * null for anonymous callers, who see only what is public (business profiles, the queue of a
 * visit token they hold).
 */
export function organizationScope(identity: Identity): string | null {
  return 'organizationId' in identity ? identity.organizationId : null;
}
