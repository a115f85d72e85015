import { requireRole } from '@waitlessq/auth';
import type { Business } from '@waitlessq/database';
import type { BusinessContext } from '../context';
import { lockBusiness, requireOwnBusiness } from '../businesses/business-service';
import { validateOpeningHours, type OpeningHoursIntervalInput } from './opening-hours';

/**
 * Replaces the business's whole week in one transaction: readers see the old week or the new
 * one, and concurrent replacements run one after the other (lockBusiness), so one week wins whole.
 */
export async function setOpeningHours(ctx: BusinessContext, businessId: string, intervals: readonly OpeningHoursIntervalInput[]): Promise<Business> {
  const { identity } = ctx;
  const prisma = ctx.runtime.db.prisma;
  const { organizationId } = requireRole(identity, 'MANAGER');
  const week = validateOpeningHours(intervals);
  const business = await requireOwnBusiness(prisma, organizationId, businessId);
  await prisma.$transaction(async (tx) => {
    await lockBusiness(tx, business.id);
    await tx.openingHours.deleteMany({ where: { businessId: business.id } });
    if (week.length > 0) await tx.openingHours.createMany({ data: week.map((interval) => ({ ...interval, businessId: business.id })) });
  });
  return business;
}
