import type { VisitStatus } from '@waitlessq/database';
import type { QueueEvent } from './queue-event';

export type VisitUpdateReason = 'VISIT_CHANGED' | 'POSITION_CHANGED' | 'ESTIMATE_CHANGED' | 'QUEUE_STATUS_CHANGED';

const inQueue: ReadonlySet<VisitStatus> = new Set(['WAITING', 'CALLED', 'SERVING']);
const final: ReadonlySet<VisitStatus> = new Set(['DONE', 'NO_SHOW', 'CANCELLED']);

/** After DONE, NO_SHOW or CANCELLED nothing more happens to a visit. */
export const isFinalVisitStatus = (status: VisitStatus): boolean => final.has(status);

/**
 * Why `current` matters to the subscriber of one visit, compared with the queue's event just
 * before it (`previous`, null when the gateway has none, e.g. the log was empty): the event
 * named the visit or its status differs; its position or its estimate differs; or the queue's
 * status changed while the visit was in it. Empty means the event changes nothing for the
 * visit (another visit joined behind it, a called visit started being served), and the
 * subscriber is not sent anything. A visit the event holds no row of cannot be shown.
 */
export function visitUpdateReasons(previous: QueueEvent | null, current: QueueEvent, visitId: string): VisitUpdateReason[] {
  const visit = current.visits.get(visitId);
  if (!visit) return [];
  const reasons: VisitUpdateReason[] = [];
  if (!previous || current.change.visitIds.includes(visitId) || previous.visits.get(visitId)?.status !== visit.status) reasons.push('VISIT_CHANGED');
  const before = previous?.waits.get(visitId);
  const now = current.waits.get(visitId);
  if (before?.position !== now?.position) reasons.push('POSITION_CHANGED');
  if (before?.estimatedWaitMinutes !== now?.estimatedWaitMinutes) reasons.push('ESTIMATE_CHANGED');
  if (previous && previous.queue.status !== current.queue.status && inQueue.has(visit.status)) reasons.push('QUEUE_STATUS_CHANGED');
  return reasons;
}
