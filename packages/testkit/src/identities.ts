import { randomUUID } from 'node:crypto';
import type { Identity, StaffRole } from '@waitlessq/auth';

// The identities the gateway signs for the subgraphs, for suites that call a subgraph directly.

/** A staff member of `organizationId` (a new person each call unless `subjectId` is given). */
export function staffIdentity(organizationId: string, role: StaffRole = 'OWNER', subjectId: string = randomUUID()): Extract<Identity, { kind: 'staff' }> {
  return { kind: 'staff', subjectId, organizationId, role, platformAdmin: false };
}

/** A caller the gateway let through without credentials. */
export const anonymous: Identity = { kind: 'anonymous' };

/** Another service of the graph (`user`, `queue`, the `gateway`), calling with its own signed identity. */
export const serviceIdentity = (subjectId: string): Identity => ({ kind: 'service', subjectId });
