import { AppError } from '@waitlessq/errors';
import type { QueueStatus } from '@waitlessq/database';

export type QueueAction = 'pause' | 'resume' | 'close' | 'open';

/**
 * Where each action leads and from where. Pausing is a break (resume brings the line back);
 * closing ends the day (open starts a new one). Asking for the state a queue is already in is
 * answered with the queue unchanged, so a retried click is harmless.
 */
const rules: Readonly<Record<QueueAction, { from: readonly QueueStatus[]; to: QueueStatus }>> = {
  pause: { from: ['OPEN'], to: 'PAUSED' },
  resume: { from: ['PAUSED'], to: 'OPEN' },
  close: { from: ['OPEN', 'PAUSED'], to: 'CLOSED' },
  open: { from: ['CLOSED'], to: 'OPEN' },
};

export type QueueStatusChange = { kind: 'change'; to: QueueStatus } | { kind: 'unchanged' };

/** What `action` does to a queue in `current`; INVALID_TRANSITION when it cannot apply. */
export function planQueueStatus(current: QueueStatus, action: QueueAction): QueueStatusChange {
  const rule = rules[action];
  if (current === rule.to) return { kind: 'unchanged' };
  if (!rule.from.includes(current)) {
    throw new AppError('INVALID_TRANSITION', `A ${current} queue cannot ${action} (it would go from ${current} to ${rule.to}).`, {
      from: current,
      to: rule.to,
    });
  }
  return { kind: 'change', to: rule.to };
}

/** Only an OPEN queue takes new visits; PAUSED and CLOSED both answer QUEUE_CLOSED. */
export function assertAcceptsVisits(status: QueueStatus): void {
  if (status !== 'OPEN') throw new AppError('QUEUE_CLOSED', `The queue is ${status.toLowerCase()} and takes no new visits.`);
}

/** Capacity counts WAITING visits only: called and served visits have left the line. */
export function assertHasRoom(capacity: number | null, waiting: number): void {
  if (capacity !== null && waiting >= capacity) throw new AppError('QUEUE_FULL', `The queue is full (${capacity} waiting).`);
}
