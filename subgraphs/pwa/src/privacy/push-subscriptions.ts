import { hasRole, requireAuthenticated, type Identity } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';
import { isUuid } from '@waitlessq/validation';
import type { PwaContext } from '../context';

/**
 * The pwa subgraph's part of a customer's data: the push subscriptions of their visits. It
 * knows visits by id only, so the user subgraph passes the ids the queue subgraph gave it for
 * that customer, with the caller's identity: MANAGER or higher of the organization, or a
 * customer (whose visits those are); rows of another organization are never reached.
 */
export function pushPrivacyScope(identity: Identity): string {
  const caller = requireAuthenticated(identity);
  if (caller.kind === 'staff' && hasRole(caller.role, 'MANAGER')) return caller.organizationId;
  if (caller.kind === 'customer') return caller.organizationId;
  throw new AppError('FORBIDDEN', "Only a manager of the organization, or the customer themself, may export or erase a customer's data.");
}

/** The endpoint (the browser's push service address) and when; the keys are secrets of the device, not the person's data. */
export async function pushSubscriptionsOfVisits(ctx: PwaContext, visitIds: string[]) {
  const organizationId = pushPrivacyScope(ctx.identity);
  const ids = visitIds.filter(isUuid);
  if (!ids.length) return [];
  return ctx.runtime.db.prisma.pushSubscription.findMany({
    where: { organizationId, visitId: { in: ids } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true, visitId: true, endpoint: true, expiresAt: true, createdAt: true },
  });
}

/** Deletes them; a second run finds none. */
export async function erasePushSubscriptionsOfVisits(ctx: PwaContext, visitIds: string[]): Promise<{ pushSubscriptions: number }> {
  const organizationId = pushPrivacyScope(ctx.identity);
  const ids = visitIds.filter(isUuid);
  if (!ids.length) return { pushSubscriptions: 0 };
  const { count } = await ctx.runtime.db.prisma.pushSubscription.deleteMany({ where: { organizationId, visitId: { in: ids } } });
  return { pushSubscriptions: count };
}
