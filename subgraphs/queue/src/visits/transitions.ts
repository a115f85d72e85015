import { AppError } from '@waitlessq/errors';
import type { VisitStatus } from '@waitlessq/database';

/**
 * The visit state machine (docs/DESIGN.md, "Queue rules"). An appointment is PENDING while it waits
 * for approval (when the business's policy asks for it), then BOOKED until it checks in
 * (WAITING) or, not checked in a grace period after its time, becomes NO_SHOW by itself.
 * A walk-in becomes NO_SHOW only once CALLED: a waiting customer who leaves is a cancellation.
 * CALLED -> WAITING is returnToQueue. SERVING can only finish: once served, the visit happened.
 */
const next: Readonly<Record<VisitStatus, readonly VisitStatus[]>> = {
  PENDING: ['BOOKED', 'CANCELLED'],
  BOOKED: ['WAITING', 'CANCELLED', 'NO_SHOW'],
  WAITING: ['CALLED', 'CANCELLED'],
  CALLED: ['SERVING', 'NO_SHOW', 'CANCELLED', 'WAITING'],
  SERVING: ['DONE'],
  DONE: [],
  NO_SHOW: [],
  CANCELLED: [],
};

/** The column each status stamps when a visit enters it. */
export const stampOf = {
  PENDING: 'bookedAt',
  BOOKED: 'approvedAt',
  WAITING: 'joinedAt',
  CALLED: 'calledAt',
  SERVING: 'servedAt',
  DONE: 'doneAt',
  NO_SHOW: 'noShowAt',
  CANCELLED: 'cancelledAt',
} as const satisfies Record<VisitStatus, string | null>;

export function canTransition(from: VisitStatus, to: VisitStatus): boolean {
  return next[from].includes(to);
}

/** Throws INVALID_TRANSITION naming both states unless `from -> to` is a legal move. */
export function assertTransition(from: VisitStatus, to: VisitStatus): void {
  if (!canTransition(from, to)) {
    throw new AppError('INVALID_TRANSITION', `A visit cannot go from ${from} to ${to}.`, { from, to });
  }
}
