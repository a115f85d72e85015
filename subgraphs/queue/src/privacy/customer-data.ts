import type { PrismaClient } from '@waitlessq/database';
import type { QueueContext } from '../context';
import { privacyScope, validCustomerId } from './access';

/**
 * Everything the queue subgraph holds about one customer of an organization, for the export
 * of their data (the user subgraph merges it with the other subgraphs' parts): their visits
 * with each visit's history and the notifications sent about it, and their standby entries.
 * Hashes, idempotency fingerprints and capacity bookkeeping are ours, not theirs: left out.
 */
export interface CustomerQueueData {
  visits: ExportedVisit[];
  standbyEntries: ExportedStandbyEntry[];
}

export interface ExportedVisit {
  id: string;
  businessId: string;
  queueId: string;
  serviceId: string | null;
  kind: string;
  source: string;
  status: string;
  ticket: string | null;
  customerName: string;
  customerPhone: string | null;
  customerEmail: string | null;
  partySize: number;
  customerNotes: string | null;
  /** Staff's notes about the visit: personal data about the customer too. */
  internalNotes: string | null;
  locale: string | null;
  scheduledAt: Date | null;
  scheduledEndAt: Date | null;
  joinedAt: Date | null;
  bookedAt: Date | null;
  checkedInAt: Date | null;
  calledAt: Date | null;
  servedAt: Date | null;
  doneAt: Date | null;
  cancelledAt: Date | null;
  noShowAt: Date | null;
  createdAt: Date;
  history: { fromStatus: string | null; toStatus: string; action: string | null; actorKind: string; at: Date }[];
  notifications: { id: string; kind: string; channel: string; status: string; sentAt: Date | null; createdAt: Date }[];
}

export interface ExportedStandbyEntry {
  id: string;
  businessId: string;
  serviceId: string;
  customerName: string;
  customerPhone: string | null;
  customerEmail: string | null;
  fromDay: Date;
  untilDay: Date;
  status: string;
  visitId: string | null;
  createdAt: Date;
}

/** The queue subgraph's share of a customer's data export (a manager of their organization, or the customer themself). */
export async function exportCustomerQueueData(ctx: QueueContext, customerId: string): Promise<CustomerQueueData> {
  const organizationId = privacyScope(ctx.identity, customerId);
  const id = validCustomerId(customerId);
  return id ? customerQueueData(ctx.runtime.db.prisma, organizationId, id) : { visits: [], standbyEntries: [] };
}

async function customerQueueData(prisma: PrismaClient, organizationId: string, customerId: string): Promise<CustomerQueueData> {
  const [visits, standbyEntries] = await Promise.all([
    prisma.visit.findMany({
      where: { organizationId, customerId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: {
        id: true,
        businessId: true,
        queueId: true,
        serviceId: true,
        kind: true,
        source: true,
        status: true,
        ticket: true,
        customerName: true,
        customerPhone: true,
        customerEmail: true,
        partySize: true,
        customerNotes: true,
        internalNotes: true,
        locale: true,
        scheduledAt: true,
        scheduledEndAt: true,
        joinedAt: true,
        bookedAt: true,
        checkedInAt: true,
        calledAt: true,
        servedAt: true,
        doneAt: true,
        cancelledAt: true,
        noShowAt: true,
        createdAt: true,
        history: { orderBy: { at: 'asc' }, select: { fromStatus: true, toStatus: true, action: true, actorKind: true, at: true } },
      },
    }),
    prisma.standbyEntry.findMany({
      where: { organizationId, customerId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: {
        id: true,
        businessId: true,
        serviceId: true,
        customerName: true,
        customerPhone: true,
        customerEmail: true,
        fromDay: true,
        untilDay: true,
        status: true,
        visitId: true,
        createdAt: true,
      },
    }),
  ]);
  const notifications = visits.length
    ? await prisma.notification.findMany({
        where: { organizationId, visitId: { in: visits.map((visit) => visit.id) } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        select: { id: true, visitId: true, kind: true, channel: true, status: true, sentAt: true, createdAt: true },
      })
    : [];
  return {
    visits: visits.map((visit) => ({
      ...visit,
      notifications: notifications.filter((n) => n.visitId === visit.id).map(({ visitId: _visitId, ...rest }) => rest),
    })),
    standbyEntries,
  };
}
