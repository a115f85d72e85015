import { requireRole } from '@waitlessq/auth';
import { isUniqueViolation, type Service } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import { assertSameRequest, idempotencyFingerprint } from '@waitlessq/subgraph-kit';
import { isUuid } from '@waitlessq/validation';
import { canReadPublicRow } from '../access';
import { requireOwnBusiness } from '../businesses/business-service';
import type { BusinessContext } from '../context';
import { parseCreateServiceInput, parseUpdateServiceInput, type CreateServiceInput, type UpdateServiceInput } from './service-input';

export async function createService(ctx: BusinessContext, input: CreateServiceInput): Promise<Service> {
  const { identity, caches } = ctx;
  const prisma = ctx.runtime.db.prisma;
  const { organizationId } = requireRole(identity, 'MANAGER');
  const { columns, idempotencyKey } = parseCreateServiceInput(input);
  const fingerprint = idempotencyKey ? idempotencyFingerprint(identity, input) : null;
  // The first service of the key, for the caller who sent it with this very input (else IDEMPOTENCY_KEY_REUSED).
  const findRetried = async () => {
    if (!idempotencyKey || !fingerprint) return null;
    const service = await prisma.service.findFirst({ where: { organizationId, idempotencyKey } });
    if (service) assertSameRequest(service, fingerprint);
    return service;
  };

  const retried = await findRetried();
  if (retried) return retried;
  const business = await requireOwnBusiness(prisma, organizationId, input.businessId);
  try {
    const created = await prisma.service.create({
      data: { ...columns, organizationId, businessId: business.id, idempotencyKey, idempotencyFingerprint: fingerprint },
    });
    await caches.serviceChanged(created);
    return created;
  } catch (error) {
    const winner = isUniqueViolation(error) ? await findRetried() : null;
    if (winner) return winner;
    throw error;
  }
}

export async function updateService(ctx: BusinessContext, input: UpdateServiceInput): Promise<Service> {
  const { identity, caches } = ctx;
  const prisma = ctx.runtime.db.prisma;
  const { organizationId } = requireRole(identity, 'MANAGER');
  const columns = parseUpdateServiceInput(input);
  const existing = isUuid(input.id) ? await prisma.service.findFirst({ where: { id: input.id, organizationId } }) : null;
  if (!existing) throw new AppError('NOT_FOUND', 'No such service.');
  const updated = await prisma.service.update({ where: { id: existing.id }, data: columns });
  await caches.serviceChanged(updated);
  return updated;
}

/** A service by id, under the same rule as business profiles (public, or own tenant). */
export async function findService(ctx: BusinessContext, id: string): Promise<Service | null> {
  const service = await ctx.loaders.serviceById.load(id);
  return service && canReadPublicRow(ctx.identity, service.organizationId) ? service : null;
}

/**
 * The services a business offers. Inactive ones are hidden from the public profile; staff of
 * the business (and our own subgraphs) may ask for them.
 */
export async function servicesOfBusiness(ctx: BusinessContext, businessId: string, includeInactive: boolean): Promise<Service[]> {
  const mayIncludeInactive = includeInactive && (ctx.identity.kind === 'staff' || ctx.identity.kind === 'service');
  return mayIncludeInactive ? ctx.loaders.servicesByBusinessId.load(businessId) : ctx.loaders.activeServicesByBusinessId.load(businessId);
}
