/** The event types a partner can subscribe an endpoint to (the `type` of a Standard Webhooks body). */
export const webhookEventTypes = [
  'visit.joined',
  'visit.called',
  'visit.recalled',
  'visit.serving_started',
  'visit.served',
  'visit.no_show',
  'visit.cancelled',
  'visit.returned',
  'visit.transferred',
  'visit.checked_in',
  'appointment.booked',
  'appointment.changed',
  'queue.paused',
  'queue.resumed',
  'queue.closed',
  'queue.opened',
  'queue.updated',
] as const;

export type WebhookEventType = (typeof webhookEventTypes)[number];

export const isWebhookEventType = (value: string): value is WebhookEventType => (webhookEventTypes as readonly string[]).includes(value);
