import DataLoader from 'dataloader';
import type { Notification, PrismaClient } from '@waitlessq/database';

/** Visit.notifications of every visit of a response in one query. */
export function createNotificationLoader(prisma: PrismaClient): DataLoader<string, Notification[]> {
  return new DataLoader(async (visitIds: readonly string[]) => {
    const rows = await prisma.notification.findMany({ where: { visitId: { in: [...visitIds] } }, orderBy: [{ createdAt: 'asc' }, { channel: 'asc' }] });
    return visitIds.map((id) => rows.filter((row) => row.visitId === id));
  });
}
