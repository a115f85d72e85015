import type { StaffRole } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';

/**
 * The roles each role may hand out (docs/DOMAIN.md: managers manage "staff below manager").
 * Nobody is invited as OWNER: an organization's owner is whoever signed it up, and handing
 * ownership over is a deliberate act of its own, not an invitation.
 */
const invitableByRole: Record<StaffRole, readonly StaffRole[]> = {
  OWNER: ['ADMIN', 'MANAGER', 'STAFF', 'VIEWER'],
  ADMIN: ['ADMIN', 'MANAGER', 'STAFF', 'VIEWER'],
  MANAGER: ['STAFF', 'VIEWER'],
  STAFF: [],
  VIEWER: [],
};

export function invitableRoles(inviter: StaffRole): readonly StaffRole[] {
  return invitableByRole[inviter];
}

export function mayInvite(inviter: StaffRole, role: StaffRole): boolean {
  return invitableByRole[inviter].includes(role);
}

/** FORBIDDEN, saying what the inviter may do instead, unless the inviter may hand out `role`. */
export function assertMayInvite(inviter: StaffRole, role: StaffRole): void {
  if (mayInvite(inviter, role)) return;
  const allowed = invitableByRole[inviter];
  if (allowed.length === 0) throw new AppError('FORBIDDEN', `A ${inviter} may not invite anyone; ask a MANAGER or higher.`);
  if (role === 'OWNER') throw new AppError('FORBIDDEN', 'Nobody can be invited as OWNER.');
  throw new AppError('FORBIDDEN', `A ${inviter} may invite ${allowed.join(', ')} only, not ${role}.`);
}
