import { requireRole, type Identity } from '@waitlessq/auth';
import type { Visit } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import { actorOf, memberOf, type Actor } from '../access';
import { visitTokenMatches } from '../visits/visit-token';

export const noVisit = () => new AppError('NOT_FOUND', 'No visit with this id.');

/** Who acts on an appointment, and whether the policy's limits for customers apply to them. */
export interface AppointmentActor {
  actor: Actor;
  staff: boolean;
}

/**
 * The holder of the visit token, the customer it belongs to, or staff (STAFF+) of its
 * organization; anyone else is told there is no such visit.
 */
export function appointmentActor(identity: Identity, visit: Visit, visitToken: string | null | undefined): AppointmentActor {
  if (visitToken) {
    if (!visitTokenMatches(visit.visitTokenHash, visitToken)) throw noVisit();
    return { actor: actorOf(identity, true), staff: false };
  }
  if (identity.kind === 'customer' && memberOf(identity, visit.organizationId) && visit.customerId === identity.subjectId) {
    return { actor: actorOf(identity), staff: false };
  }
  if (identity.kind === 'staff' && memberOf(identity, visit.organizationId)) {
    requireRole(identity, 'STAFF');
    return { actor: actorOf(identity), staff: true };
  }
  if (identity.kind === 'anonymous') throw new AppError('UNAUTHENTICATED', 'Send the visit token, or sign in.');
  throw noVisit();
}

/** Staff (STAFF+) of the visit's organization only. */
export function staffActor(identity: Identity, visit: Visit): AppointmentActor {
  if (identity.kind !== 'staff' || !memberOf(identity, visit.organizationId)) {
    if (identity.kind === 'anonymous') throw new AppError('UNAUTHENTICATED', 'Sign in as staff.');
    throw noVisit();
  }
  requireRole(identity, 'STAFF');
  return { actor: actorOf(identity), staff: true };
}

/** Customers may cancel or move a booking until the policy's window before it; staff at any time. */
export function assertCancellable(visit: Visit, who: AppointmentActor, now: Date): void {
  if (who.staff || visit.kind !== 'APPOINTMENT' || !visit.cancellableUntil) return;
  if (!['PENDING', 'BOOKED'].includes(visit.status)) return;
  if (now.getTime() > visit.cancellableUntil.getTime()) {
    throw new AppError(
      'CANCELLATION_WINDOW_PASSED',
      `Appointments can be changed or cancelled online until ${visit.cancellableUntil.toISOString()}; please contact the business.`,
      { cancellableUntil: visit.cancellableUntil.toISOString() },
    );
  }
}
