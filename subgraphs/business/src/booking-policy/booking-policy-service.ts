import { requireRole } from '@waitlessq/auth';
import type { Business } from '@waitlessq/database';
import { requireOwnBusiness } from '../businesses/business-service';
import type { BusinessContext } from '../context';
import { defaultBookingPolicy, parseBookingPolicyInput, type BookingPolicyValues, type SetBookingPolicyInput } from './booking-policy';

export async function setBookingPolicy(ctx: BusinessContext, input: SetBookingPolicyInput): Promise<Business> {
  const { identity } = ctx;
  const prisma = ctx.runtime.db.prisma;
  const { organizationId } = requireRole(identity, 'MANAGER');
  const values = parseBookingPolicyInput(input);
  const business = await requireOwnBusiness(prisma, organizationId, input.businessId);
  await prisma.bookingPolicy.upsert({
    where: { businessId: business.id },
    create: { ...values, businessId: business.id },
    update: values,
  });
  return business;
}

export async function bookingPolicyOf(ctx: BusinessContext, businessId: string): Promise<BookingPolicyValues> {
  const stored = await ctx.loaders.bookingPolicyByBusinessId.load(businessId);
  if (!stored) return defaultBookingPolicy;
  const { businessId: _businessId, ...values } = stored;
  return values;
}
