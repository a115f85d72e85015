import type { Visit } from '@waitlessq/database';
import type { NotificationChannelName, NotificationKind } from '@waitlessq/jobs';

/**
 * Whether a notification still fits the visit as it is when its job runs: a visit called
 * meanwhile is not told it is getting close, a cancelled walk-in gets no appointment
 * cancellation, a reminder for an appointment that moved or passed is not sent.
 */
export function stillApplies(kind: NotificationKind, visit: Visit, now = new Date()): boolean {
  switch (kind) {
    case 'JOINED':
    case 'GETTING_CLOSE':
      return visit.status === 'WAITING';
    case 'CALLED':
    case 'RECALLED':
      return visit.status === 'CALLED';
    case 'APPOINTMENT_CONFIRMED':
      return visit.kind === 'APPOINTMENT' && visit.status === 'BOOKED';
    case 'APPOINTMENT_REMINDER':
      return visit.kind === 'APPOINTMENT' && visit.status === 'BOOKED' && visit.scheduledAt !== null && visit.scheduledAt > now;
    case 'APPOINTMENT_CANCELLED':
      return visit.kind === 'APPOINTMENT' && visit.status === 'CANCELLED';
  }
}

/** The channels a visit can be reached on: what it gave (email, phone) and push, which the sender checks for subscriptions. */
export function channelsOf(visit: Visit): NotificationChannelName[] {
  return [...(visit.customerEmail ? (['EMAIL'] as const) : []), ...(visit.customerPhone ? (['SMS'] as const) : []), 'PUSH'];
}
