import { requireRole } from '@waitlessq/auth';
import { isUniqueViolation, type AvailabilityException, type AvailabilityRule, type PrismaClient } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import { isUuid } from '@waitlessq/validation';
import { lockBusiness, requireOwnBusiness } from '../businesses/business-service';
import { badInput } from '@waitlessq/validation';
import { parseAvailabilityWeek, type SetAvailabilityInput } from './availability-input';
import { fromDateColumn, todayIn, toDateColumn } from './calendar-dates';
import { parseExceptionInput, sameExceptionContent, type AddAvailabilityExceptionInput, type ExceptionContent } from './exception-input';
import type { BusinessContext } from '../context';

/**
 * Replaces the weekly windows of one scope: the business-wide ones (no serviceId) or one
 * service's, leaving the other scopes alone. Readers see the old windows or the new ones,
 * never a mix; concurrent replacements of the same business run one after the other
 * (lockBusiness).
 */
export async function setAvailability(ctx: BusinessContext, input: SetAvailabilityInput): Promise<AvailabilityRule[]> {
  const { identity } = ctx;
  const prisma = ctx.runtime.db.prisma;
  const { organizationId } = requireRole(identity, 'MANAGER');
  const week = parseAvailabilityWeek(input);
  const business = await requireOwnBusiness(prisma, organizationId, input.businessId);
  const serviceId = input.serviceId ?? null;
  if (serviceId !== null) await requireServiceOfBusiness(prisma, business.id, serviceId);
  const windows = await prisma.$transaction(async (tx) => {
    await lockBusiness(tx, business.id);
    await tx.availabilityRule.deleteMany({ where: { businessId: business.id, serviceId } });
    if (week.intervals.length === 0) return [];
    return tx.availabilityRule.createManyAndReturn({
      data: week.intervals.map((interval) => ({
        ...interval,
        businessId: business.id,
        serviceId,
        validFrom: week.validFrom ? toDateColumn(week.validFrom) : null,
        validUntil: week.validUntil ? toDateColumn(week.validUntil) : null,
      })),
    });
  });
  return windows.sort((a, b) => a.weekday - b.weekday || a.startsAt - b.startsAt);
}

/**
 * One exception per business and date. Sending the same exception again (a retry) answers the
 * stored row and writes nothing; a different one for a taken date is CONFLICT: the manager
 * removes the old one first, so no one replaces a holiday by accident.
 */
export async function addAvailabilityException(ctx: BusinessContext, input: AddAvailabilityExceptionInput): Promise<AvailabilityException> {
  const { identity } = ctx;
  const prisma = ctx.runtime.db.prisma;
  const { organizationId } = requireRole(identity, 'MANAGER');
  const business = await requireOwnBusiness(prisma, organizationId, input.businessId);
  const content = parseExceptionInput(input, todayIn(business.timezone));
  const addOrFind = () =>
    prisma.$transaction(async (tx) => {
      const existing = await tx.availabilityException.findUnique({ where: { businessId_date: { businessId: business.id, date: toDateColumn(content.date) } } });
      if (existing) return sameOrConflict(existing, content);
      return tx.availabilityException.create({ data: { ...content, date: toDateColumn(content.date), businessId: business.id } });
    });
  try {
    return await addOrFind();
  } catch (error) {
    // Two requests for a free date at once: the loser's transaction now sees the winner's row.
    if (isUniqueViolation(error)) return addOrFind();
    throw error;
  }
}

/** Answers the id removed; an unknown id or another organization's exception is NOT_FOUND. */
/** Answers the exception removed, so a client can show (or undo) what went. */
export async function removeAvailabilityException(ctx: BusinessContext, id: string): Promise<AvailabilityException> {
  const { identity } = ctx;
  const prisma = ctx.runtime.db.prisma;
  const { organizationId } = requireRole(identity, 'MANAGER');
  const existing = isUuid(id) ? await prisma.availabilityException.findFirst({ where: { id, business: { organizationId } } }) : null;
  const removed = existing ? await prisma.availabilityException.deleteMany({ where: { id } }) : { count: 0 };
  if (!existing || removed.count === 0) throw new AppError('NOT_FOUND', 'No such availability exception.');
  return existing;
}

async function requireServiceOfBusiness(prisma: PrismaClient, businessId: string, serviceId: string): Promise<void> {
  const service = isUuid(serviceId) ? await prisma.service.findFirst({ where: { id: serviceId, businessId }, select: { id: true } }) : null;
  if (!service) throw badInput('serviceId', 'must be a service of this business');
}

function sameOrConflict(existing: AvailabilityException, wanted: ExceptionContent): AvailabilityException {
  const stored: ExceptionContent = { ...existing, date: fromDateColumn(existing.date) };
  if (sameExceptionContent(stored, wanted)) return existing;
  throw new AppError('CONFLICT', `${wanted.date} already has an exception (${existing.kind}); remove it before adding another.`, {
    field: 'date',
    exceptionId: existing.id,
  });
}
