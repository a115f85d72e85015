import type { AddOptions, JobCatalog, JobName, NotificationKind } from '@waitlessq/jobs';
import { waitsOf, type LineRows, type NamedVisit } from './latest-estimates';
import type { OutboxKind, OutboxRow } from './outbox';

/** A job the relay hands on for one outbox row. */
export type Effect = { [N in JobName]: { name: N; data: JobCatalog[N]; options: AddOptions } }[JobName];

/**
 * The notification a change may cause. The handler reads the visit and sends only what fits
 * it (a confirmation for a BOOKED appointment, a cancellation for an appointment).
 */
const notificationOf: Partial<Record<OutboxKind, NotificationKind>> = {
  JOINED: 'JOINED',
  CALLED: 'CALLED',
  RECALLED: 'RECALLED',
  APPOINTMENT_BOOKED: 'APPOINTMENT_CONFIRMED',
  APPOINTMENT_CHANGED: 'APPOINTMENT_CONFIRMED',
  CANCELLED: 'APPOINTMENT_CANCELLED',
  APPOINTMENT_REMINDER_DUE: 'APPOINTMENT_REMINDER',
};

/**
 * Changes that move the line forward (someone ahead left it): only then is anyone "getting
 * close". One who joined near the front was told their place by "joined" already.
 */
const lineMovedBy = new Set<OutboxKind>(['CALLED', 'CANCELLED', 'TRANSFERRED', 'NO_SHOW']);

/** Being called is never delayed behind the rest (BullMQ's priority 1 is the first). */
const urgent = new Set<NotificationKind>(['CALLED', 'RECALLED']);

/** The Standard Webhooks event types partners subscribe to (the user subgraph's webhookEventTypes). */
const webhookTypeOf: Partial<Record<OutboxKind, string>> = {
  JOINED: 'visit.joined',
  CALLED: 'visit.called',
  RECALLED: 'visit.recalled',
  SERVING_STARTED: 'visit.serving_started',
  COMPLETED: 'visit.served',
  NO_SHOW: 'visit.no_show',
  CANCELLED: 'visit.cancelled',
  RETURNED: 'visit.returned',
  TRANSFERRED: 'visit.transferred',
  CHECKED_IN: 'visit.checked_in',
  APPOINTMENT_BOOKED: 'appointment.booked',
  APPOINTMENT_CHANGED: 'appointment.changed',
  QUEUE_PAUSED: 'queue.paused',
  QUEUE_RESUMED: 'queue.resumed',
  QUEUE_CLOSED: 'queue.closed',
  QUEUE_OPENED: 'queue.opened',
  QUEUE_UPDATED: 'queue.updated',
};

const notify = (visitId: string, kind: NotificationKind): Effect => ({
  name: 'notify-visit',
  data: { visitId, kind },
  // At most once per visit and kind, however often a change is relayed or the line moves.
  options: { jobId: `notify-visit:${visitId}:${kind}`, ...(urgent.has(kind) ? { priority: 1 } : {}) },
});

/**
 * The jobs one committed change causes: its notifications, "getting close" for every visit a
 * moving line has brought to the queue's threshold (at most once each: the job id), and one webhook event per visit it named (or one
 * for the queue). `line` is the queue as the relay read it for the live event (null when the
 * queue is gone). Every job id is derived from the row or the visit, so relaying a row twice
 * (a crash before its deletion committed) adds nothing twice.
 */
export function effectsOf(row: OutboxRow, line: LineRows | null): Effect[] {
  const effects: Effect[] = [];
  const notification = notificationOf[row.kind];
  if (notification) for (const visitId of row.visitIds) effects.push(notify(visitId, notification));
  if (line && lineMovedBy.has(row.kind)) {
    for (const [visitId, wait] of waitsOf(line)) if (wait.position <= line.notifyAtPosition) effects.push(notify(visitId, 'GETTING_CLOSE'));
  }
  const type = webhookTypeOf[row.kind];
  if (type && line) effects.push(...webhookEvents(row, type, line));
  return effects;
}

function webhookEvents(row: OutboxRow, type: string, line: LineRows): Effect[] {
  const occurredAt = row.createdAt.toISOString();
  const event = (suffix: string, data: Record<string, unknown>): Effect => {
    const eventId = `msg_${row.queueId}_${row.id}${suffix}`;
    return {
      name: 'webhook-event',
      data: { eventId, organizationId: row.organizationId, type, occurredAt, data: { queueId: row.queueId, businessId: line.businessId, ...data } },
      options: { jobId: `webhook-event:${eventId}` },
    };
  };
  if (row.visitIds.length === 0) return [event('', {})];
  const waits = waitsOf(line);
  return (
    line.named
      // A transfer is told once, by the queue the visit went to.
      .filter((visit) => !(row.kind === 'TRANSFERRED' && visit.queueId !== row.queueId))
      .map((visit, index) => event(index === 0 ? '' : `_${index}`, { visit: partnerVisit(visit, waits.get(visit.id)?.position ?? null) }))
  );
}

/** What partners see of a visit: no names or contact details. */
function partnerVisit(visit: NamedVisit, position: number | null): Record<string, unknown> {
  return {
    id: visit.id,
    status: visit.status,
    kind: visit.kind,
    ticket: visit.ticket,
    queueId: visit.queueId,
    serviceId: visit.serviceId,
    customerId: visit.customerId,
    scheduledAt: visit.scheduledAt === null ? null : new Date(`${visit.scheduledAt}Z`).toISOString(),
    position,
  };
}
