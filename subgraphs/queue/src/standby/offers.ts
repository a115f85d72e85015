import type { PrismaClient, StandbyOffer } from '@waitlessq/database';
import type { Logger } from '@waitlessq/observability';
import type { BusinessPeer } from '../peers';
import { parseBookingSchedule } from '../appointments/booking-schedule';
import { findSlot, readBusinessBookings } from '../appointments/slots';
import { localDay } from '../visits/tickets';

/** What offering needs: the database and the business subgraph (for the policy and the rules). */
export interface OfferDeps {
  prisma: PrismaClient;
  businessPeer: BusinessPeer;
  logger: Logger;
  requestId?: string;
}

/** A slot that just became free: a cancelled or moved booking, or an offer nobody took. */
export interface FreedSlot {
  businessId: string;
  serviceId: string;
  startsAt: Date;
}

/**
 * Offers a freed slot to the standby list of its service, first come first offered, one entry
 * at a time: the first WAITING entry whose days include the slot's day and who was not offered
 * this very time before gets an OPEN offer for the policy's standbyOfferMinutes. The entry is
 * taken with SKIP LOCKED, so two replicas offering at once never pick the same one. An offer
 * does not hold the slot: whoever books first gets it (acceptStandbyOffer then answers
 * SLOT_UNAVAILABLE and the offer is TAKEN) — the list is a head start, not a reservation.
 * Nothing is offered for a slot that is not free any more or no longer bookable.
 */
export async function offerFreedSlot(deps: OfferDeps, freed: FreedSlot, now = new Date()): Promise<StandbyOffer | null> {
  const { prisma } = deps;
  const waiting = await prisma.standbyEntry.count({ where: { businessId: freed.businessId, serviceId: freed.serviceId, status: 'WAITING' } });
  if (waiting === 0) return null;
  const found = await deps.businessPeer.findBusinessSchedule(freed.businessId, deps.requestId);
  if (!found) return null;
  const schedule = parseBookingSchedule(found.schedule);
  const bookings = await readBusinessBookings(prisma, schedule, freed.startsAt, freed.startsAt);
  const slot = findSlot({ schedule, serviceId: freed.serviceId, startsAt: freed.startsAt, now, bookings });
  if (!slot) return null;
  const day = localDay(slot.startsAt, schedule.timezone);
  const expiresAt = new Date(now.getTime() + schedule.policy.standbyOfferMinutes * 60_000);
  return prisma.$transaction(async (tx) => {
    const [entry] = await tx.$queryRaw<{ id: string; organizationId: string }[]>`
      SELECT e."id", e."organizationId" FROM "StandbyEntry" e
      WHERE e."businessId" = ${freed.businessId}::uuid AND e."serviceId" = ${freed.serviceId}::uuid
        AND e."status" = 'WAITING'::"StandbyStatus"
        AND e."fromDay" <= ${day}::date AND e."untilDay" >= ${day}::date
        AND NOT EXISTS (SELECT 1 FROM "StandbyOffer" o WHERE o."entryId" = e."id" AND o."startsAt" = ${slot.startsAt}::timestamp(3))
      ORDER BY e."createdAt", e."id"
      LIMIT 1
      FOR UPDATE SKIP LOCKED`;
    if (!entry) return null;
    await tx.standbyEntry.update({ where: { id: entry.id }, data: { status: 'OFFERED' } });
    return tx.standbyOffer.create({
      data: { organizationId: entry.organizationId, entryId: entry.id, serviceId: freed.serviceId, startsAt: slot.startsAt, expiresAt },
    });
  });
}

/** Never lets a failed offer turn a committed cancellation into an error: logged, and the next freed slot tries again. */
export async function offerFreedSlotSafely(deps: OfferDeps, freed: FreedSlot): Promise<void> {
  try {
    await offerFreedSlot(deps, freed);
  } catch (error) {
    deps.logger.error({ err: error, businessId: freed.businessId, startsAt: freed.startsAt }, 'could not offer a freed slot to the standby list');
  }
}

/**
 * Offers past their time expire and their entries go back on the list (they keep their place:
 * missing one offer is no reason to lose the next); each expired slot is offered to the next
 * entry. Entries whose days have all passed expire. Safe on several replicas at once: each row
 * changes by compare-and-set, so an offer expires once and is passed on once.
 */
export async function expireStandbyOffers(deps: OfferDeps, now = new Date()): Promise<number> {
  const expired = await deps.prisma.$queryRaw<{ entryId: string; serviceId: string; startsAt: Date; businessId: string }[]>`
    WITH due AS (
      UPDATE "StandbyOffer" SET "status" = 'EXPIRED'::"StandbyOfferStatus"
      WHERE "status" = 'OPEN'::"StandbyOfferStatus" AND "expiresAt" <= ${now}::timestamp(3)
      RETURNING "entryId", "serviceId", "startsAt"
    ), back AS (
      UPDATE "StandbyEntry" e SET "status" = 'WAITING'::"StandbyStatus", "updatedAt" = ${now}::timestamp(3)
      FROM due WHERE e."id" = due."entryId" AND e."status" = 'OFFERED'::"StandbyStatus"
      RETURNING e."id", e."businessId"
    )
    SELECT due."entryId", due."serviceId", due."startsAt", e."businessId"
    FROM due JOIN "StandbyEntry" e ON e."id" = due."entryId"`;
  for (const offer of expired) {
    await offerFreedSlotSafely(deps, { businessId: offer.businessId, serviceId: offer.serviceId, startsAt: offer.startsAt });
  }
  await deps.prisma.$executeRaw`
    UPDATE "StandbyEntry" SET "status" = 'EXPIRED'::"StandbyStatus", "updatedAt" = ${now}::timestamp(3)
    WHERE "status" = 'WAITING'::"StandbyStatus" AND "untilDay" < (${now}::timestamp(3) - interval '1 day')::date`;
  return expired.length;
}
