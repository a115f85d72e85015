/**
 * Every background job: its name, its data, the queue (channel) it runs on and how it is
 * retried. Producers (the outbox relay, mutations) and the workers that handle them agree here.
 * Job data is plain JSON: ids, never rows (a handler reads the row as it is when it runs).
 */

export type NotificationKind = 'JOINED' | 'GETTING_CLOSE' | 'CALLED' | 'RECALLED' | 'APPOINTMENT_CONFIRMED' | 'APPOINTMENT_REMINDER' | 'APPOINTMENT_CANCELLED';

export type NotificationChannelName = 'EMAIL' | 'PUSH' | 'SMS';

/** One notification of one visit, decided by the outbox relay; the handler picks the channels. */
export interface NotifyVisitJob {
  visitId: string;
  kind: NotificationKind;
}

/** One notification of one visit on one channel (the Notification row is claimed before sending). */
export interface SendNotificationJob extends NotifyVisitJob {
  channel: NotificationChannelName;
}

/** A partner-visible event (visit.called, queue.paused, ...): fanned out to the organization's endpoints. */
export interface WebhookEventJob {
  /** Stable for the event (webhook-id): `evt_` + the outbox row's id. */
  eventId: string;
  organizationId: string;
  type: string;
  /** ISO instant of the change. */
  occurredAt: string;
  data: Record<string, unknown>;
}

/**
 * An administrative change made in another subgraph (settings, services, publishing...),
 * recorded in the user subgraph's audit log. sourceId (a uuid per change) makes it stored once
 * however often the job runs; the producer also uses it in the job id (`audit-entry:` + sourceId).
 */
export interface AuditEntryJob {
  sourceId: string;
  organizationId: string;
  actorId: string | null;
  actorKind: 'STAFF' | 'PARTNER' | 'CUSTOMER' | 'SYSTEM';
  action: string;
  targetType: string;
  targetId: string | null;
  detail: Record<string, unknown> | null;
  requestId: string | null;
  /** ISO instant of the change. */
  at: string;
}

export interface JobCatalog {
  'notify-visit': NotifyVisitJob;
  'send-email': SendNotificationJob;
  'send-push': SendNotificationJob;
  'send-sms': SendNotificationJob;
  'webhook-event': WebhookEventJob;
  'webhook-delivery': { deliveryId: string };
  'invitation-email': { invitationId: string };
  /** One organization's retention window applied (queue, pwa, then user tables); jobId retention:<org>:<day>. */
  retention: { organizationId: string };
  /** Repeated, daily: one 'retention' job per organization. */
  'retention-sweep': Record<string, never>;
  /** Repeated: automatic no-shows, expired standby offers, reminders that are due. */
  'appointments-sweep': Record<string, never>;
  /** Repeated: refresh sessions past their expiry are deleted. */
  'refresh-sessions-cleanup': Record<string, never>;
  /** Repeated: the insights rollup of finished visits. */
  'insights-rollup': Record<string, never>;
  'audit-entry': AuditEntryJob;
}

export type JobName = keyof JobCatalog;

/** The BullMQ queues: one per channel, so each has its own concurrency and rate limit. */
export type QueueName = 'notifications' | 'email' | 'push' | 'sms' | 'webhooks' | 'maintenance';

export interface RetryPolicy {
  attempts: number;
  /** Exponential backoff: attempt n waits baseMs * 2^(n-1). */
  backoffMs: number;
}

export const jobQueue: Record<JobName, QueueName> = {
  'notify-visit': 'notifications',
  'send-email': 'email',
  'send-push': 'push',
  'send-sms': 'sms',
  'webhook-event': 'webhooks',
  'webhook-delivery': 'webhooks',
  'invitation-email': 'email',
  retention: 'maintenance',
  'retention-sweep': 'maintenance',
  'appointments-sweep': 'maintenance',
  'refresh-sessions-cleanup': 'maintenance',
  'insights-rollup': 'maintenance',
  'audit-entry': 'maintenance',
};

const minute = 60_000;
/**
 * Webhook deliveries: 15 attempts from 30 s doubling, capped by BullMQ at none: the last waits
 * 30 s * 2^13 (about 68 h); the first 13 span over a day (30 s * (2^12 - 1), about 34 h).
 */
export const retryPolicy: Record<JobName, RetryPolicy> = {
  'notify-visit': { attempts: 5, backoffMs: 1_000 },
  'send-email': { attempts: 8, backoffMs: 5_000 },
  'send-push': { attempts: 5, backoffMs: 2_000 },
  'send-sms': { attempts: 6, backoffMs: 5_000 },
  'webhook-event': { attempts: 8, backoffMs: 2_000 },
  'webhook-delivery': { attempts: 15, backoffMs: 30_000 },
  'invitation-email': { attempts: 8, backoffMs: 5_000 },
  retention: { attempts: 3, backoffMs: minute },
  'retention-sweep': { attempts: 1, backoffMs: minute },
  'appointments-sweep': { attempts: 1, backoffMs: minute },
  'refresh-sessions-cleanup': { attempts: 1, backoffMs: minute },
  'insights-rollup': { attempts: 1, backoffMs: minute },
  'audit-entry': { attempts: 8, backoffMs: 5_000 },
};

/** How often the repeated jobs run. */
export const repeatEveryMs: Partial<Record<JobName, number>> = {
  'retention-sweep': 24 * 60 * minute,
  'appointments-sweep': 30_000,
  'refresh-sessions-cleanup': 60 * minute,
  'insights-rollup': 30_000,
};
