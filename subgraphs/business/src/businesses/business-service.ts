import { requireRole } from '@waitlessq/auth';
import { isUniqueViolation, type Business, type Plan, type Prisma, type PrismaClient } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import { assertSameRequest, idempotencyFingerprint } from '@waitlessq/subgraph-kit';
import { isUuid } from '@waitlessq/validation';
import { pickFreeSlug, slugify, withRandomSuffix } from '../slug';
import { parseCreateBusinessInput, parseUpdateBusinessInput, type CreateBusinessInput, type UpdateBusinessInput } from './business-input';
import { businessLimitMessage, businessLimits } from './plan-limits';
import type { BusinessContext } from '../context';

const SLUG_ATTEMPTS = 5;

/**
 * Creates a business in the caller's organization. The organization row is locked for the
 * transaction, so concurrent creates cannot pass the plan limit together. A retry with the
 * same idempotency key (same caller, same input) returns the first business, even when the limit has been reached since.
 */
export async function createBusiness(ctx: BusinessContext, input: CreateBusinessInput): Promise<Business> {
  const { identity } = ctx;
  const prisma = ctx.runtime.db.prisma;
  const { organizationId } = requireRole(identity, 'MANAGER');
  const { columns, slug: explicitSlug, idempotencyKey } = parseCreateBusinessInput(input);
  const fingerprint = idempotencyKey ? idempotencyFingerprint(identity, input) : null;
  // The first business of the key, for the caller who sent it with this very input (else IDEMPOTENCY_KEY_REUSED).
  const findRetried = async () => {
    if (!idempotencyKey || !fingerprint) return null;
    const business = await prisma.business.findFirst({ where: { organizationId, idempotencyKey } });
    if (business) assertSameRequest(business, fingerprint);
    return business;
  };

  const retried = await findRetried();
  if (retried) return retried;
  const base = explicitSlug ?? slugify(columns.name, 'business');
  for (let attempt = 0; attempt < SLUG_ATTEMPTS; attempt += 1) {
    try {
      return await prisma.$transaction(async (tx) => {
        const plan = await lockOrganization(tx, organizationId);
        await enforceBusinessLimit(tx, organizationId, plan);
        const slug = explicitSlug ?? (attempt === 0 ? pickFreeSlug(base, await takenSlugs(tx, base)) : withRandomSuffix(base));
        return tx.business.create({ data: { ...columns, slug, organizationId, idempotencyKey, idempotencyFingerprint: fingerprint } });
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const winner = await findRetried();
      if (winner) return winner;
      if (explicitSlug) throw slugTaken(explicitSlug);
    }
  }
  throw new AppError('CONFLICT', 'No free slug was found for this name; send a slug.', { field: 'slug' });
}

export async function updateBusiness(ctx: BusinessContext, input: UpdateBusinessInput): Promise<Business> {
  const { identity, caches } = ctx;
  const prisma = ctx.runtime.db.prisma;
  const { organizationId } = requireRole(identity, 'MANAGER');
  const { columns, slug } = parseUpdateBusinessInput(input);
  const before = await requireOwnBusiness(prisma, organizationId, input.id);
  let updated: Business;
  try {
    updated = await prisma.business.update({ where: { id: input.id }, data: { ...columns, ...(slug ? { slug } : {}) } });
  } catch (error) {
    if (isUniqueViolation(error) && slug) throw slugTaken(slug);
    throw error;
  }
  await caches.businessChanged(before, updated);
  return updated;
}

/** The caller's business, for writes; another tenant's (or none) is NOT_FOUND. */
export async function requireOwnBusiness(prisma: PrismaClient | Prisma.TransactionClient, organizationId: string, businessId: string): Promise<Business> {
  const business = isUuid(businessId) ? await prisma.business.findFirst({ where: { id: businessId, organizationId } }) : null;
  if (!business) throw new AppError('NOT_FOUND', 'No such business.');
  return business;
}

/**
 * Holds the business row until the transaction ends: writers that replace a whole set of the
 * business's rows (delete, then insert) run one after the other. Without it two replacements
 * at once each delete only the rows they can see and both sets survive.
 */
export async function lockBusiness(tx: Prisma.TransactionClient, businessId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Business" WHERE id = ${businessId}::uuid FOR UPDATE`;
}

async function lockOrganization(tx: Prisma.TransactionClient, organizationId: string): Promise<Plan> {
  const rows = await tx.$queryRaw<{ plan: Plan }[]>`SELECT plan::text AS plan FROM "Organization" WHERE id = ${organizationId}::uuid FOR UPDATE`;
  if (rows.length === 0) throw new AppError('NOT_FOUND', 'Your organization no longer exists.');
  return rows[0].plan;
}

async function enforceBusinessLimit(tx: Prisma.TransactionClient, organizationId: string, plan: Plan): Promise<void> {
  const limit = businessLimits[plan];
  if (limit === null) return;
  const count = await tx.business.count({ where: { organizationId } });
  if (count >= limit) throw new AppError('FORBIDDEN', businessLimitMessage(plan) ?? 'Plan limit reached.', { plan, limit });
}

async function takenSlugs(tx: Prisma.TransactionClient, base: string): Promise<Set<string>> {
  const rows = await tx.business.findMany({ where: { slug: { startsWith: base } }, select: { slug: true }, take: 500 });
  return new Set(rows.map((row) => row.slug));
}

function slugTaken(slug: string): AppError {
  return new AppError('CONFLICT', `The slug "${slug}" is taken.`, { field: 'slug' });
}
