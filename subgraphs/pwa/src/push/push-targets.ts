import type { PrismaClient } from '@waitlessq/database';
import { appLocation } from '../builds/app-location';

export interface PushTarget {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** The browsers that asked to be told about a visit (registerPushSubscription), for the workers. */
export async function pushTargetsOfVisit(prisma: PrismaClient, visitId: string, now = new Date()): Promise<PushTarget[]> {
  const rows = await prisma.pushSubscription.findMany({
    where: { visitId, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((row) => ({ id: row.id, endpoint: row.endpoint, keys: { p256dh: row.p256dh, auth: row.auth } }));
}

/** A subscription the push service answered 404 or 410 for is dead: it is removed. */
export async function removePushTarget(prisma: PrismaClient, id: string): Promise<void> {
  await prisma.pushSubscription.deleteMany({ where: { id } });
}

/** The ticket screen of a visit in its business's app (the address notifications link to). */
export function ticketLinkOf(publicUrl: string, businessId: string, visitId: string): string {
  return `${appLocation(publicUrl, businessId).latestUrl('index.html')}#/visit/${visitId}`;
}
