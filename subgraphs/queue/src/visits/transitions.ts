import { AppError } from '@waitlessq/errors';
import type { VisitStatus } from '@waitlessq/database';

/**
 * The visit state machine (DESIGN.md, "Queue rules"). Only CALLED -> NO_SHOW: a visit that was
 * never called cannot have failed to show up; a waiting customer who leaves is a cancellation.
 * SERVING can only finish: once served, the visit has happened.
 */
const next: Readonly<Record<VisitStatus, readonly VisitStatus[]>> = {
  BOOKED: ['WAITING', 'CANCELLED'],
  WAITING: ['CALLED', 'CANCELLED'],
  CALLED: ['SERVING', 'NO_SHOW', 'CANCELLED'],
  SERVING: ['DONE'],
  DONE: [],
  NO_SHOW: [],
  CANCELLED: [],
};

/** The column each status stamps when a visit enters it. */
export const stampOf = {
  BOOKED: null,
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
