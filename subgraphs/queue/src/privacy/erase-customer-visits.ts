import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '@waitlessq/database';
import type { QueueContext } from '../context';
import { privacyScope, validCustomerId } from './access';

/** What an erasure changed (zero everywhere when there was nothing left to erase). */
export interface CustomerErasureCounts {
  visits: number;
  notifications: number;
  historyEvents: number;
  standbyEntries: number;
}

/** The name an anonymized visit or standby entry keeps: the column is required, the person is gone. */
export const erasedName = '';

/**
 * Erases one customer from the queue subgraph's tables, in one transaction: their visits lose
 * every personal field (name, phone, email, notes, language, the customer link, the visit
 * token and the idempotency fingerprint, which hashes what they sent) and keep their status
 * and timings, so insights stay the same; the notifications sent about those visits are
 * deleted; history events keep the transition but no longer name the customer as the actor;
 * standby entries are anonymized the same way (a waiting one is cancelled: nobody could be
 * told of an offer). Idempotent: an erased customer has no rows left, so a second run changes
 * nothing and answers zeros. Only rows of the caller's organization are read or written; a
 * manager of it, or the customer themself, may do this.
 */
export async function eraseCustomerData(ctx: QueueContext, customerId: string): Promise<CustomerErasureCounts> {
  const organizationId = privacyScope(ctx.identity, customerId);
  const id = validCustomerId(customerId);
  if (!id) return { visits: 0, notifications: 0, historyEvents: 0, standbyEntries: 0 };
  const counts = await eraseCustomerVisits(ctx.runtime.db.prisma, organizationId, id);
  ctx.logger.info({ customerId: id, ...counts }, 'customer erased from the queue subgraph');
  return counts;
}

async function eraseCustomerVisits(prisma: PrismaClient, organizationId: string, customerId: string): Promise<CustomerErasureCounts> {
  return prisma.$transaction(async (tx) => {
    const visits = await tx.visit.findMany({ where: { organizationId, customerId }, select: { id: true } });
    const visitIds = visits.map((visit) => visit.id);
    const notifications = visitIds.length ? await tx.notification.deleteMany({ where: { organizationId, visitId: { in: visitIds } } }) : { count: 0 };
    const historyEvents = visitIds.length
      ? await tx.visitEvent.updateMany({ where: { organizationId, visitId: { in: visitIds }, actorId: customerId }, data: { actorId: null } })
      : { count: 0 };
    const erasedVisits = await tx.visit.updateMany({
      where: { organizationId, id: { in: visitIds } },
      data: {
        customerId: null,
        customerName: erasedName,
        customerPhone: null,
        customerEmail: null,
        customerNotes: null,
        internalNotes: null,
        locale: null,
        visitTokenHash: null,
        idempotencyFingerprint: null,
      },
    });

    const entries = await tx.standbyEntry.findMany({ where: { organizationId, customerId }, select: { id: true, status: true } });
    const open = entries.filter((entry) => entry.status === 'WAITING' || entry.status === 'OFFERED').map((entry) => entry.id);
    if (open.length) {
      await tx.standbyOffer.updateMany({ where: { organizationId, entryId: { in: open }, status: 'OPEN' }, data: { status: 'EXPIRED' } });
      await tx.standbyEntry.updateMany({ where: { organizationId, id: { in: open } }, data: { status: 'CANCELLED' } });
    }
    // tokenHash is required and unique: each entry gets the hash of a token nobody holds.
    for (const entry of entries) {
      await tx.standbyEntry.update({
        where: { id: entry.id },
        data: {
          customerId: null,
          customerName: erasedName,
          customerPhone: null,
          customerEmail: null,
          idempotencyFingerprint: null,
          tokenHash: createHash('sha256').update(randomBytes(32)).digest('hex'),
        },
      });
    }
    return { visits: erasedVisits.count, notifications: notifications.count, historyEvents: historyEvents.count, standbyEntries: entries.length };
  });
}
