import type { PrismaClient } from '@waitlessq/database';
import { readOrganizationSettings } from '../organizations/settings';

/** What a notification says of the business that sends it. */
export interface NotificationProfile {
  id: string;
  name: string;
  timezone: string;
  /** The organization's language: what notifications are written in when the visitor's is not offered. */
  language: string;
}

/** For the workers: the business as its notifications name it; null when it is gone. */
export async function notificationProfileOf(prisma: PrismaClient, businessId: string): Promise<NotificationProfile | null> {
  const business = await prisma.business.findUnique({
    where: { id: businessId },
    select: { id: true, name: true, timezone: true, organization: { select: { settings: true } } },
  });
  if (!business) return null;
  return { id: business.id, name: business.name, timezone: business.timezone, language: readOrganizationSettings(business.organization.settings).language };
}
