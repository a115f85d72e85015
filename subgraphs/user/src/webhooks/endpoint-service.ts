import { randomUUID } from 'node:crypto';
import { requireRole } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';
import type { Prisma, WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '@waitlessq/database';
import { changeEntry } from '../audit/change-entry';
import { recordAudit } from '../audit/record-audit';
import type { UserContext } from '../context';
import { isUuid } from '@waitlessq/validation';
import { webhookDeliveryJobId, type WebhookPayload } from './domain';
import { isWebhookEventType, webhookEventTypes } from './event-types';
import { newWebhookSecret } from './secret';
import { BlockedAddressError, resolveWebhookHost } from './ssrf-guard';

export interface CreateWebhookEndpointInput {
  url: string;
  eventTypes: string[];
  description?: string | null;
}

/** The secret is in this answer only (and in rotateWebhookSecret's). */
export interface CreateWebhookEndpointPayload {
  endpoint: WebhookEndpoint;
  secret: string;
}

export type DeliveryWithAttempts = WebhookDelivery & { attempts: WebhookAttempt[] };

export interface WebhookDeliveryConnection {
  edges: { cursor: string; node: DeliveryWithAttempts }[];
  nodes: DeliveryWithAttempts[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const maxUrlLength = 2048;
const maxDescriptionLength = 500;
const maxPageSize = 100;
const attemptsInOrder = { attempts: { orderBy: [{ attemptedAt: 'asc' }, { id: 'asc' }] } } satisfies Prisma.WebhookDeliveryInclude;

const badInput = (field: string, message: string) => new AppError('BAD_USER_INPUT', message, { field });
const endpointNotFound = () => new AppError('NOT_FOUND', 'No webhook endpoint with this id.');
const deliveryNotFound = () => new AppError('NOT_FOUND', 'No webhook delivery with this id.');

/** OWNER and ADMIN (partner keys carry no role, so they cannot: an endpoint receives every event). */
const requireAdmin = (ctx: UserContext) => requireRole(ctx.identity, 'ADMIN');

export async function createWebhookEndpoint(ctx: UserContext, input: CreateWebhookEndpointInput): Promise<CreateWebhookEndpointPayload> {
  const admin = requireAdmin(ctx);
  const eventTypes = validEventTypes(input.eventTypes);
  const description = validDescription(input.description);
  const url = await validWebhookUrl(input.url, ctx.runtime.config.notifications.webhooks.allowPrivateAddresses);
  const secret = newWebhookSecret();
  const endpoint = await ctx.runtime.db.prisma.$transaction(async (tx) => {
    const created = await tx.webhookEndpoint.create({
      data: { organizationId: admin.organizationId, url, description, eventTypes, secret, createdById: admin.subjectId },
    });
    await recordAudit(tx, changeEntry(ctx, { action: 'webhook.created', targetType: 'WebhookEndpoint', targetId: created.id, detail: { url, eventTypes } }));
    return created;
  });
  ctx.logger.info({ webhookEndpointId: endpoint.id, eventTypes }, 'webhook endpoint created');
  return { endpoint, secret };
}

/** Oldest first. */
export async function listWebhookEndpoints(ctx: UserContext): Promise<WebhookEndpoint[]> {
  const { organizationId } = requireAdmin(ctx);
  return ctx.runtime.db.prisma.webhookEndpoint.findMany({ where: { organizationId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

/** A new secret at once: deliveries from now on are signed with it only. */
export async function rotateWebhookSecret(ctx: UserContext, id: string): Promise<CreateWebhookEndpointPayload> {
  const { organizationId } = requireAdmin(ctx);
  if (!isUuid(id)) throw endpointNotFound();
  const secret = newWebhookSecret();
  const prisma = ctx.runtime.db.prisma;
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.webhookEndpoint.updateMany({ where: { id, organizationId }, data: { secret } });
    if (count !== 1) throw endpointNotFound();
    await recordAudit(tx, changeEntry(ctx, { action: 'webhook.secret_rotated', targetType: 'WebhookEndpoint', targetId: id }));
  });
  ctx.logger.info({ webhookEndpointId: id }, 'webhook secret rotated');
  return { endpoint: await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id } }), secret };
}

/** Deletes the endpoint and its delivery log; jobs still queued for it find nothing and stop. */
export async function deleteWebhookEndpoint(ctx: UserContext, id: string): Promise<string> {
  const { organizationId } = requireAdmin(ctx);
  if (!isUuid(id)) throw endpointNotFound();
  await ctx.runtime.db.prisma.$transaction(async (tx) => {
    const { count } = await tx.webhookEndpoint.deleteMany({ where: { id, organizationId } });
    if (count !== 1) throw endpointNotFound();
    await recordAudit(tx, changeEntry(ctx, { action: 'webhook.deleted', targetType: 'WebhookEndpoint', targetId: id }));
  });
  ctx.logger.info({ webhookEndpointId: id }, 'webhook endpoint deleted');
  return id;
}

/** Re-enables an endpoint (disabled after repeated failure) with a clean failure count. */
export async function enableWebhookEndpoint(ctx: UserContext, id: string): Promise<WebhookEndpoint> {
  const { organizationId } = requireAdmin(ctx);
  if (!isUuid(id)) throw endpointNotFound();
  const prisma = ctx.runtime.db.prisma;
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.webhookEndpoint.updateMany({
      where: { id, organizationId },
      data: { enabled: true, disabledAt: null, disabledReason: null, consecutiveFailures: 0 },
    });
    if (count !== 1) throw endpointNotFound();
    await recordAudit(tx, changeEntry(ctx, { action: 'webhook.enabled', targetType: 'WebhookEndpoint', targetId: id }));
  });
  return prisma.webhookEndpoint.findUniqueOrThrow({ where: { id } });
}

/** Newest first; `after` is the endCursor of the page before. first: 1 to 100. */
export async function listWebhookDeliveries(
  ctx: UserContext,
  endpointId: string,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<WebhookDeliveryConnection> {
  const { organizationId } = requireAdmin(ctx);
  const size = first ?? 20;
  if (!Number.isInteger(size) || size < 1 || size > maxPageSize) throw badInput('first', `first must be 1 to ${maxPageSize}.`);
  if (!isUuid(endpointId)) throw endpointNotFound();
  const prisma = ctx.runtime.db.prisma;
  const endpoint = await prisma.webhookEndpoint.findFirst({ where: { id: endpointId, organizationId }, select: { id: true } });
  if (!endpoint) throw endpointNotFound();
  const cursor = after ? readCursor(after) : null;
  const rows = await prisma.webhookDelivery.findMany({
    where: {
      endpointId,
      organizationId,
      ...(cursor && { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] }),
    },
    include: attemptsInOrder,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: size + 1,
  });
  const nodes = rows.slice(0, size);
  const edges = nodes.map((node) => ({ cursor: cursorOf(node), node }));
  return { edges, nodes, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
}

/**
 * Sends a delivery again (the same webhook-id, so a receiver that has it can tell), as a fresh
 * job with a fresh set of attempts, whatever its status.
 */
export async function redeliverWebhook(ctx: UserContext, deliveryId: string): Promise<DeliveryWithAttempts> {
  const { organizationId } = requireAdmin(ctx);
  if (!isUuid(deliveryId)) throw deliveryNotFound();
  const prisma = ctx.runtime.db.prisma;
  const { count } = await prisma.webhookDelivery.updateMany({ where: { id: deliveryId, organizationId }, data: { status: 'PENDING', nextAttemptAt: null } });
  if (count !== 1) throw deliveryNotFound();
  // The first job of this delivery may be kept as finished under its id: a redelivery has its own.
  await ctx.runtime.jobs.queue.add('webhook-delivery', { deliveryId }, { jobId: `${webhookDeliveryJobId(deliveryId)}:redeliver:${Date.now()}` });
  ctx.logger.info({ webhookDeliveryId: deliveryId }, 'webhook redelivery queued');
  return prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId }, include: attemptsInOrder });
}

/** The type of the example event sendTestWebhook sends, whatever the endpoint subscribes to. */
export const testEventType = 'webhook.test';

/**
 * Sends an example event to an endpoint now (a "send test event" button): a delivery of its own,
 * in the log like any other, to check the receiver and its verification of the signature.
 */
export async function sendTestWebhook(ctx: UserContext, endpointId: string): Promise<DeliveryWithAttempts> {
  const { organizationId, subjectId } = requireAdmin(ctx);
  if (!isUuid(endpointId)) throw endpointNotFound();
  const prisma = ctx.runtime.db.prisma;
  const endpoint = await prisma.webhookEndpoint.findFirst({ where: { id: endpointId, organizationId }, select: { id: true, enabled: true } });
  if (!endpoint) throw endpointNotFound();
  if (!endpoint.enabled) throw new AppError('CONFLICT', 'This endpoint is disabled; enable it first.');
  const payload: WebhookPayload = {
    type: testEventType,
    timestamp: new Date().toISOString(),
    data: { endpointId, sentBy: subjectId, message: 'A test event from WaitLessQ.' },
  };
  const delivery = await prisma.webhookDelivery.create({
    data: { organizationId, endpointId, eventId: `evt_test_${randomUUID()}`, eventType: testEventType, payload: payload as unknown as Prisma.InputJsonValue },
    include: attemptsInOrder,
  });
  await ctx.runtime.jobs.queue.add('webhook-delivery', { deliveryId: delivery.id }, { jobId: webhookDeliveryJobId(delivery.id) });
  return delivery;
}

function validEventTypes(values: string[]): string[] {
  const unique = [...new Set(values.map((value) => value.trim()))];
  if (unique.length === 0) throw badInput('eventTypes', 'eventTypes must name at least one event type.');
  const unknown = unique.filter((value) => !isWebhookEventType(value));
  if (unknown.length) throw badInput('eventTypes', `Unknown event types: ${unknown.join(', ')}. Known: ${webhookEventTypes.join(', ')}.`);
  return unique;
}

function validDescription(value: string | null | undefined): string | null {
  const description = value?.trim() ?? '';
  if (description.length > maxDescriptionLength) throw badInput('description', `description must be at most ${maxDescriptionLength} characters.`);
  return description || null;
}

/** http(s) only, https unless private addresses are allowed (tests), and never to our own networks. */
export async function validWebhookUrl(value: string, allowPrivateAddresses: boolean): Promise<string> {
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badInput('url', 'url must be an absolute https URL.');
  }
  if (text.length > maxUrlLength) throw badInput('url', `url must be at most ${maxUrlLength} characters.`);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowPrivateAddresses)) throw badInput('url', 'url must be an https URL.');
  if (url.username || url.password) throw badInput('url', 'url must not carry credentials; authenticate deliveries by their signature.');
  try {
    await resolveWebhookHost(url.hostname, allowPrivateAddresses);
  } catch (error) {
    if (error instanceof BlockedAddressError) throw badInput('url', `url is refused: ${error.message}.`);
    throw badInput('url', `url's host ${url.hostname} could not be resolved.`);
  }
  return url.toString();
}

function cursorOf(delivery: WebhookDelivery): string {
  return Buffer.from(`${delivery.createdAt.toISOString()}|${delivery.id}`).toString('base64url');
}

function readCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  if (!id || !isUuid(id) || Number.isNaN(createdAt.getTime())) throw badInput('after', 'after is not a cursor of this list.');
  return { createdAt, id };
}
