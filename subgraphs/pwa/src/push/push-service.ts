import type { Identity } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';
import { createPeerClient } from '@waitlessq/subgraph-kit';
import type { PushSubscription } from '@waitlessq/database';
import type { PwaContext } from '../context';
import { badInput, isUuid, parse, z } from '@waitlessq/validation';

export interface PushSubscriptionInput {
  endpoint: string;
  expirationTime?: number | null;
  keys: { p256dh: string; auth: string };
}

const endedStatuses = new Set(['DONE', 'NO_SHOW', 'CANCELLED']);
const visitQuery = `query PwaPushVisit($id: ID!, $visitToken: String) { visit(id: $id, visitToken: $visitToken) { id status queue { business { id } } } }`;

/**
 * Checks the subscription, then who asks: the queue subgraph (which owns visits) is asked for
 * the visit as an anonymous caller holding the token, or, without a token, as the caller
 * itself, so it applies the very checks the app's own reads get. A wrong token, another
 * tenant's visit and an unknown one are the same NOT_FOUND.
 */
export async function registerPushSubscription(
  ctx: PwaContext,
  visitId: string,
  visitToken: string | null | undefined,
  input: PushSubscriptionInput,
): Promise<PushSubscription> {
  if (!isUuid(visitId)) throw badInput('visitId', 'is not a visit id');
  const subscription = validSubscription(input);
  const notFound = new AppError('NOT_FOUND', 'No visit with this id and token.');
  if (visitToken !== null && visitToken !== undefined && (visitToken === '' || visitToken.length > 200)) throw notFound;
  const asker: Identity = visitToken ? { kind: 'anonymous' } : ctx.identity;

  const { visit } = await createPeerClient(ctx.runtime)
    .request<{ visit: { id: string; status: string; queue: { business: { id: string } } | null } | null }>(
      'queue',
      visitQuery,
      { id: visitId, visitToken: visitToken ?? null },
      ctx.requestId,
      asker,
    )
    .catch((error: unknown) => {
      if (error instanceof AppError && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN' || error.code === 'UNAUTHENTICATED')) return { visit: null };
      throw error;
    });
  if (!visit?.queue) throw notFound;
  if (endedStatuses.has(visit.status)) {
    throw new AppError('INVALID_TRANSITION', `The visit has ended (${visit.status}); there is nothing left to notify about.`, { field: 'visitId' });
  }
  const business = await ctx.businesses.byId(visit.queue.business.id, ctx.requestId);
  if (!business) throw notFound;

  const data = { endpoint: subscription.endpoint, p256dh: subscription.p256dh, auth: subscription.auth, expiresAt: subscription.expiresAt };
  return ctx.runtime.db.prisma.pushSubscription.upsert({
    where: { visitId_endpoint: { visitId, endpoint: subscription.endpoint } },
    create: { ...data, visitId, businessId: business.id, organizationId: business.organization.id },
    update: data,
  });
}

const base64Url = /^[A-Za-z0-9_-]+={0,2}$/;
const base64UrlOf = (min: number, max: number, message: string) => z.string().regex(base64Url, message).min(min, message).max(max, message);
const httpsEndpoint = 'must be an https URL of at most 2048 characters';

export const pushSubscriptionSchema = z.object({
  endpoint: z
    .string()
    .max(2048, httpsEndpoint)
    .refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:', httpsEndpoint)
    .transform((value) => new URL(value).toString()),
  // A P-256 point (65 bytes) and a 16-byte secret, base64url: what every browser sends.
  keys: z.object({
    p256dh: base64UrlOf(86, 90, 'must be the base64url of an uncompressed P-256 public key'),
    auth: base64UrlOf(16, 24, 'must be the base64url of a 16-byte secret'),
  }),
  expirationTime: z.number().nonnegative('must be milliseconds since the epoch').nullish(),
});

function validSubscription(input: PushSubscriptionInput) {
  const { endpoint, keys, expirationTime } = parse(pushSubscriptionSchema, input, 'subscription');
  return { endpoint, p256dh: keys.p256dh, auth: keys.auth, expiresAt: expirationTime ? new Date(expirationTime) : null };
}
