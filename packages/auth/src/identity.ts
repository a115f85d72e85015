/** Staff roles, most powerful first (docs/DOMAIN.md). */
export const staffRoles = ['OWNER', 'ADMIN', 'MANAGER', 'STAFF', 'VIEWER'] as const;
export type StaffRole = (typeof staffRoles)[number];

/**
 * Who is calling. Built by the gateway from the access token or partner key, passed to the
 * subgraphs in a signed header. `service` is a subgraph calling another one.
 */
export type IdentityKind = 'anonymous' | 'staff' | 'customer' | 'partner' | 'service';

export type Identity =
  /**
   * clientFingerprint: a hash of the client's address and user agent, set by the gateway, so
   * that what an anonymous caller did (an idempotency key) can be told from what another did.
   */
  | { kind: 'anonymous'; clientFingerprint?: string }
  | { kind: 'staff'; subjectId: string; organizationId: string; role: StaffRole; platformAdmin: boolean }
  | { kind: 'customer'; subjectId: string; organizationId: string }
  | { kind: 'partner'; subjectId: string; organizationId: string }
  | { kind: 'service'; subjectId: string };

export const anonymousIdentity: Identity = Object.freeze({ kind: 'anonymous' });

export type StaffIdentity = Extract<Identity, { kind: 'staff' }>;

export const isStaff = (identity: Identity): identity is StaffIdentity => identity.kind === 'staff';
export const isCustomer = (identity: Identity): identity is Extract<Identity, { kind: 'customer' }> => identity.kind === 'customer';
export const isPartner = (identity: Identity): identity is Extract<Identity, { kind: 'partner' }> => identity.kind === 'partner';
