import { requireAuthenticated, requireRole } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';
import type { Customer } from '@waitlessq/database';
import { recordAudit } from '../audit/record-audit';
import { changeEntry } from '../audit/change-entry';
import type { UserContext } from '../context';
import { preferencesOf } from '../notification-preferences/preferences-service';
import { pushAddressOf } from '../notification-preferences/opt-outs';
import { isUuid } from '@waitlessq/validation';
import { erasePushSubscriptions, eraseQueueData, pushSubscriptionsOf, queueDataOf, type PeerCall } from './peer-data';

/**
 * A person's rights over their data (docs/DESIGN.md "Insights and privacy"): the export of
 * everything every subgraph holds about a customer, as one JSON document, and its erasure.
 * This subgraph owns the customer and fans out to the queue subgraph (visits, their history
 * and notifications, standby entries) and the pwa subgraph (push subscriptions of those
 * visits), each writing only its own tables.
 *
 * Staff need MANAGER or higher: an export hands over a person's whole history at once and an
 * erasure cannot be undone, so they are the organization's decisions, not a front-desk action
 * (STAFF call and serve visits; they see a visit, not a dossier). A customer exports and erases
 * only themself (exportMyData, eraseMyAccount).
 */

/** What an erasure did; `erased` is false when the customer had been erased already (all counts 0). */
export interface CustomerErasure {
  customerId: string;
  erased: boolean;
  visits: number;
  notifications: number;
  standbyEntries: number;
  pushSubscriptions: number;
  sessions: number;
}

const notFound = () => new AppError('NOT_FOUND', 'No customer with this id.');

function requireCustomerCaller(ctx: UserContext) {
  const caller = requireAuthenticated(ctx.identity);
  if (caller.kind !== 'customer') throw new AppError('FORBIDDEN', 'Only a signed-in customer can do this for their own account.');
  return caller;
}

const peerCall = (ctx: UserContext): PeerCall => ({ peers: ctx.services.peers, identity: ctx.identity, requestId: ctx.requestId });

async function customerOf(ctx: UserContext, organizationId: string, customerId: string): Promise<Customer | null> {
  if (!isUuid(customerId)) return null;
  return ctx.runtime.db.prisma.customer.findFirst({ where: { id: customerId, organizationId } });
}

export async function exportCustomerData(ctx: UserContext, customerId: string): Promise<Record<string, unknown>> {
  const { organizationId } = requireRole(ctx.identity, 'MANAGER');
  return exportOf(ctx, organizationId, customerId);
}

export async function exportMyData(ctx: UserContext): Promise<Record<string, unknown>> {
  const caller = requireCustomerCaller(ctx);
  return exportOf(ctx, caller.organizationId, caller.subjectId);
}

async function exportOf(ctx: UserContext, organizationId: string, customerId: string): Promise<Record<string, unknown>> {
  const customer = await customerOf(ctx, organizationId, customerId);
  if (!customer) throw notFound();
  const prisma = ctx.runtime.db.prisma;
  const queue = await queueDataOf(peerCall(ctx), customer.id);
  const visitIds = queue.visits.map((visit) => visit.id);
  const [pushSubscriptions, notificationPreferences, sessions] = await Promise.all([
    pushSubscriptionsOf(peerCall(ctx), visitIds),
    preferencesOf(prisma, customer),
    prisma.refreshSession.findMany({
      where: { subjectKind: 'CUSTOMER', subjectId: customer.id, organizationId },
      orderBy: { createdAt: 'asc' },
      select: { createdAt: true, expiresAt: true, revokedAt: true, userAgent: true },
    }),
  ]);
  const notifications = queue.visits.flatMap((visit) =>
    ((visit.notifications as Record<string, unknown>[] | undefined) ?? []).map((notification) => ({ visitId: visit.id, ...notification })),
  );
  const visits = queue.visits.map(({ notifications: _notifications, ...visit }) => visit);
  await recordAudit(
    prisma,
    changeEntry(ctx, { action: 'customer.exported', targetType: 'Customer', targetId: customer.id, detail: { visits: visits.length } }, organizationId),
  );
  ctx.logger.info({ customerId: customer.id, visits: visits.length }, 'customer data exported');
  return {
    exportedAt: new Date().toISOString(),
    customer: {
      id: customer.id,
      organizationId: customer.organizationId,
      name: customer.name,
      email: customer.email,
      phone: customer.phone,
      hasAccount: customer.passwordHash !== null,
      createdAt: customer.createdAt.toISOString(),
      updatedAt: customer.updatedAt.toISOString(),
    },
    notificationPreferences,
    sessions,
    visits,
    notifications,
    standbyEntries: queue.standbyEntries,
    pushSubscriptions,
  };
}

export async function eraseCustomer(ctx: UserContext, customerId: string): Promise<CustomerErasure> {
  const { organizationId } = requireRole(ctx.identity, 'MANAGER');
  return eraseOf(ctx, organizationId, customerId);
}

/** The signed-in customer erases their account; their refresh sessions go with it, so no token signs them in again. */
export async function eraseMyAccount(ctx: UserContext): Promise<CustomerErasure> {
  const caller = requireCustomerCaller(ctx);
  return eraseOf(ctx, caller.organizationId, caller.subjectId);
}

/**
 * The other subgraphs first, the customer row last: a failure half-way leaves the customer
 * in place, and erasing again finishes the job (every step is idempotent). The push
 * subscriptions go before the visits are anonymized, since the visits then no longer name
 * the customer. Once the customer is gone, an erasure of the same id answers `erased: false`
 * (the audit log says it was erased here); an id never seen in the organization is NOT_FOUND.
 */
async function eraseOf(ctx: UserContext, organizationId: string, customerId: string): Promise<CustomerErasure> {
  const prisma = ctx.runtime.db.prisma;
  const customer = await customerOf(ctx, organizationId, customerId);
  if (!customer) {
    const erasedBefore =
      isUuid(customerId) &&
      (await prisma.auditEntry.findFirst({
        where: { organizationId, action: 'customer.erased', targetType: 'Customer', targetId: customerId },
        select: { id: true },
      }));
    if (!erasedBefore) throw notFound();
    return { customerId, erased: false, visits: 0, notifications: 0, standbyEntries: 0, pushSubscriptions: 0, sessions: 0 };
  }

  const queue = await queueDataOf(peerCall(ctx), customer.id);
  const pushSubscriptions = await erasePushSubscriptions(
    peerCall(ctx),
    queue.visits.map((visit) => visit.id),
  );
  const counts = await eraseQueueData(peerCall(ctx), customer.id);
  return prisma.$transaction(async (tx) => {
    const sessions = await tx.refreshSession.deleteMany({ where: { subjectKind: 'CUSTOMER', subjectId: customer.id } });
    // Email and SMS opt-outs stay: they record that the address refused messages, and erasing
    // them would let the organization write to it again, the opposite of the person's wish.
    // The push opt-out names the erased id and protects no one: it goes.
    await tx.notificationOptOut.deleteMany({ where: { organizationId, channel: 'PUSH', address: pushAddressOf(customer.id) } });
    const deleted = await tx.customer.deleteMany({ where: { id: customer.id, organizationId } });
    const erasure: CustomerErasure = {
      customerId: customer.id,
      erased: deleted.count > 0,
      visits: counts.visits,
      notifications: counts.notifications,
      standbyEntries: counts.standbyEntries,
      pushSubscriptions,
      sessions: sessions.count,
    };
    if (deleted.count > 0) {
      const { customerId: _id, erased: _erased, ...detail } = erasure;
      await recordAudit(
        tx,
        changeEntry(ctx, { action: 'customer.erased', targetType: 'Customer', targetId: customer.id, detail: { ...detail } }, organizationId),
      );
    }
    ctx.logger.info({ ...erasure }, 'customer erased');
    return erasure;
  });
}
