import { AppError } from '@waitlessq/errors';
import { staffRoles, type Identity, type StaffIdentity, type StaffRole } from './identity';

type Authenticated = Exclude<Identity, { kind: 'anonymous' } | { kind: 'service' }>;

export function requireAuthenticated(identity: Identity): Authenticated {
  if (identity.kind === 'anonymous' || identity.kind === 'service') {
    throw new AppError('UNAUTHENTICATED', 'Sign in first.');
  }
  return identity;
}

export function requireStaff(identity: Identity): StaffIdentity {
  const caller = requireAuthenticated(identity);
  if (caller.kind !== 'staff') throw new AppError('FORBIDDEN', 'Only staff of the organization can do this.');
  return caller;
}

/** True when `role` is `minimum` or more powerful. */
export function hasRole(role: StaffRole, minimum: StaffRole): boolean {
  return staffRoles.indexOf(role) <= staffRoles.indexOf(minimum);
}

/** A staff identity with at least the given role (OWNER > ADMIN > MANAGER > STAFF > VIEWER). */
export function requireRole(identity: Identity, minimum: StaffRole): StaffIdentity {
  const staff = requireStaff(identity);
  if (!hasRole(staff.role, minimum)) {
    throw new AppError('FORBIDDEN', `This needs the ${minimum} role or higher; you are ${staff.role}.`);
  }
  return staff;
}
