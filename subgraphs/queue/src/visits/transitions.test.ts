import { AppError } from '@waitlessq/errors';
import type { VisitStatus } from '@waitlessq/database';
import { assertTransition, canTransition, stampOf } from './transitions';

const statuses: VisitStatus[] = ['PENDING', 'BOOKED', 'WAITING', 'CALLED', 'SERVING', 'DONE', 'NO_SHOW', 'CANCELLED'];
const legal = new Set([
  'PENDING>BOOKED',
  'PENDING>CANCELLED',
  'BOOKED>WAITING',
  'BOOKED>NO_SHOW',
  'BOOKED>CANCELLED',
  'WAITING>CALLED',
  'WAITING>CANCELLED',
  'CALLED>SERVING',
  'CALLED>NO_SHOW',
  'CALLED>CANCELLED',
  // returnToQueue, and a transfer of a called visit.
  'CALLED>WAITING',
  'SERVING>DONE',
]);

describe('visit transitions', () => {
  it.each(statuses.flatMap((from) => statuses.map((to) => [from, to] as const)))('%s -> %s is legal only if listed', (from, to) => {
    expect(canTransition(from, to)).toBe(legal.has(`${from}>${to}`));
  });

  it('refuses an illegal move with INVALID_TRANSITION naming both states', () => {
    let caught: unknown;
    try {
      assertTransition('WAITING', 'DONE');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('INVALID_TRANSITION');
    expect((caught as AppError).message).toContain('WAITING');
    expect((caught as AppError).message).toContain('DONE');
  });

  it('does not allow a waiting walk-in to be a no-show (only a called visit, or a booked appointment)', () => {
    expect(() => assertTransition('WAITING', 'NO_SHOW')).toThrow(/WAITING to NO_SHOW/);
    expect(() => assertTransition('CALLED', 'NO_SHOW')).not.toThrow();
    expect(() => assertTransition('BOOKED', 'NO_SHOW')).not.toThrow();
  });

  it('does not let a visit in service go back to the line', () => {
    expect(() => assertTransition('SERVING', 'WAITING')).toThrow(/SERVING to WAITING/);
  });

  it('ends in DONE, NO_SHOW and CANCELLED', () => {
    const final = statuses.filter((from) => statuses.every((to) => !canTransition(from, to)));
    expect(final).toEqual(['DONE', 'NO_SHOW', 'CANCELLED']);
  });

  it('stamps every status a transition can enter in its own column', () => {
    const entered = statuses.filter((to) => statuses.some((from) => canTransition(from, to)));
    expect(entered.map((status) => stampOf[status])).toEqual(['approvedAt', 'joinedAt', 'calledAt', 'servedAt', 'doneAt', 'noShowAt', 'cancelledAt']);
  });
});
