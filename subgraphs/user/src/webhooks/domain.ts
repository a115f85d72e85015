import { Webhook } from 'standardwebhooks';
import type { Prisma, PrismaClient } from '@waitlessq/database';
import type { WebhookEventJob } from '@waitlessq/jobs';
import { postWebhook } from './post-webhook';
import { resolveWebhookHost } from './ssrf-guard';

/**
 * What the workers run for partner webhooks (docs/DESIGN.md: a job writes only its subgraph's tables,
 * through that subgraph's domain code). At least once: a receiver deduplicates by webhook-id.
 */

/** The Standard Webhooks body. */
export interface WebhookPayload {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/**
 * One PENDING delivery per enabled endpoint of the organization subscribed to the event's type.
 * Run twice for one event (a retried job), it adds nothing: (endpointId, eventId) is unique.
 * Returns the ids of every delivery of the event, to enqueue as 'webhook-delivery' jobs with
 * jobId `webhook-delivery:<deliveryId>` (the queue drops the ones already added).
 */
export async function fanOutWebhookEvent(prisma: PrismaClient, event: WebhookEventJob): Promise<string[]> {
  const endpoints = await prisma.webhookEndpoint.findMany({
    where: { organizationId: event.organizationId, enabled: true, eventTypes: { has: event.type } },
    select: { id: true },
  });
  if (endpoints.length > 0) {
    const payload: WebhookPayload = { type: event.type, timestamp: event.occurredAt, data: event.data };
    await prisma.webhookDelivery.createMany({
      data: endpoints.map((endpoint) => ({
        organizationId: event.organizationId,
        endpointId: endpoint.id,
        eventId: event.eventId,
        eventType: event.type,
        payload: payload as unknown as Prisma.InputJsonValue,
      })),
      skipDuplicates: true,
    });
  }
  const deliveries = await prisma.webhookDelivery.findMany({
    where: { organizationId: event.organizationId, eventId: event.eventId },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  return deliveries.map((delivery) => delivery.id);
}

export const webhookDeliveryJobId = (deliveryId: string) => `webhook-delivery:${deliveryId}`;

export interface DeliverWebhookOptions {
  /** config.notifications.webhooks.allowPrivateAddresses (tests deliver to 127.0.0.1). */
  allowPrivateAddresses: boolean;
  /** config.notifications.webhooks.disableAfterFailures. */
  disableAfterFailures: number;
  /** How long a receiver may take to answer; 10 s by default. */
  timeoutMs?: number;
}

const defaultTimeoutMs = 10_000;
const maxErrorLength = 500;

/**
 * One attempt of one delivery (a 'webhook-delivery' job). Every attempt is logged. A 2xx
 * succeeds; anything else throws, so the job is retried with backoff; the last attempt
 * (job.attempt >= job.maxAttempts) marks the delivery FAILED and counts against the endpoint,
 * which is disabled after `disableAfterFailures` deliveries failed for good in a row.
 * Does nothing for a delivery that succeeded already, or whose endpoint was disabled or deleted.
 */
export async function deliverWebhook(
  prisma: PrismaClient,
  options: DeliverWebhookOptions,
  deliveryId: string,
  job: { attempt: number; maxAttempts: number },
): Promise<void> {
  const delivery = await prisma.webhookDelivery.findUnique({ where: { id: deliveryId }, include: { endpoint: true } });
  if (!delivery || delivery.status === 'SUCCEEDED' || !delivery.endpoint.enabled) return;
  const { endpoint } = delivery;

  const started = Date.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const url = new URL(endpoint.url);
    // Resolved and checked now, and the connection goes to exactly this address.
    const [address] = await resolveWebhookHost(url.hostname, options.allowPrivateAddresses);
    const body = JSON.stringify(delivery.payload);
    const timestamp = new Date();
    const signature = new Webhook(endpoint.secret).sign(delivery.eventId, timestamp, body);
    const headers = {
      'content-type': 'application/json',
      'webhook-id': delivery.eventId,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signature,
    };
    ({ statusCode } = await postWebhook(url, address, headers, body, options.timeoutMs ?? defaultTimeoutMs));
    if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
  } catch (caught) {
    error = (caught instanceof Error ? caught.message : String(caught)).slice(0, maxErrorLength);
  }
  const durationMs = Date.now() - started;
  const succeeded = error === null;
  const final = !succeeded && job.attempt >= job.maxAttempts;
  const now = new Date();

  await prisma.$transaction(async (tx) => {
    await tx.webhookAttempt.create({ data: { deliveryId, succeeded, statusCode, error, durationMs, attemptedAt: new Date(started) } });
    await tx.webhookDelivery.update({
      where: { id: deliveryId },
      data: {
        attemptCount: { increment: 1 },
        lastStatusCode: statusCode,
        lastError: error,
        ...(succeeded ? { status: 'SUCCEEDED', deliveredAt: now, nextAttemptAt: null } : final ? { status: 'FAILED', nextAttemptAt: null } : {}),
      },
    });
    if (succeeded) {
      await tx.webhookEndpoint.updateMany({ where: { id: endpoint.id, consecutiveFailures: { not: 0 } }, data: { consecutiveFailures: 0 } });
    } else if (final) {
      const counted = await tx.webhookEndpoint.update({ where: { id: endpoint.id }, data: { consecutiveFailures: { increment: 1 } } });
      if (counted.enabled && counted.consecutiveFailures >= options.disableAfterFailures) {
        await tx.webhookEndpoint.update({
          where: { id: endpoint.id },
          data: {
            enabled: false,
            disabledAt: now,
            disabledReason: `${counted.consecutiveFailures} deliveries in a row failed every attempt (last: ${error})`.slice(0, maxErrorLength),
          },
        });
      }
    }
  });
  if (!succeeded) throw new Error(`webhook delivery ${deliveryId} attempt ${job.attempt} failed: ${error}`);
}
