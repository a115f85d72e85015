import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { StandbyEntry, StandbyOffer } from '@waitlessq/database';
import { isUniqueViolation } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import { assertSameRequest, idempotencyFingerprint } from '@waitlessq/subgraph-kit';
import { hasRole } from '@waitlessq/auth';
import { actorOf, memberOf } from '../access';
import { loadScheduledBusiness, placeAppointment, queueForAppointment, type BookingResult } from '../appointments/booking';
import { isSlotUnavailable } from '../appointments/capacity';
import { assertCustomerVisible, personOf, resolveBooker, type PersonInput } from '../appointments/people';
import type { QueueContext } from '../context';
import { requireInputId, requireObjectId } from '../ids';
import { badInput, idempotencyKey as idempotencyKeyRule, parse } from '@waitlessq/validation';
import { localDay, dayAsDate } from '../visits/tickets';
import { visitTokenFor } from '../visits/visit-token';
import { standbyTokenFor, standbyTokenHash } from './standby-token';

export interface JoinStandbyInput extends PersonInput {
  businessId: string;
  serviceId: string;
  /** Business-local days (YYYY-MM-DD), both included. */
  fromDay: string;
  untilDay: string;
  idempotencyKey?: string | null;
}

export interface JoinStandbyResult {
  entry: StandbyEntry;
  token: string;
}

/** The longest window of days one entry may wait for. */
export const maxStandbyDays = 60;
const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
const notFound = () => new AppError('NOT_FOUND', 'No standby entry with this id.');

function requireDay(value: string, field: string): string {
  const valid = dayPattern.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
  if (!valid) throw badInput(field, 'must be a date as YYYY-MM-DD.');
  return value;
}

const daysBetween = (from: string, until: string) => (Date.parse(`${until}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

/**
 * `joinStandby`: wait for a slot of a service on some days. The entry's holder gets a token
 * (like a visit token) to watch it and accept an offer; anyone may join, as for a booking.
 */
export async function joinStandby(context: QueueContext, input: JoinStandbyInput): Promise<JoinStandbyResult> {
  const businessId = requireInputId(input.businessId, 'businessId');
  const serviceId = requireInputId(input.serviceId, 'serviceId');
  const fromDay = requireDay(input.fromDay, 'fromDay');
  const untilDay = requireDay(input.untilDay, 'untilDay');
  if (daysBetween(fromDay, untilDay) < 0) throw badInput('untilDay', 'must not be before fromDay.');
  if (daysBetween(fromDay, untilDay) >= maxStandbyDays) throw badInput('untilDay', `must be within ${maxStandbyDays} days of fromDay.`);
  const business = await loadScheduledBusiness(context, businessId);
  const booker = resolveBooker(context.identity, business.organizationId, input);
  const person = personOf(input, booker);
  await assertCustomerVisible(context, booker);
  const service = business.schedule.services.find((s) => s.id === serviceId);
  if (!service || !service.active || (!service.bookableOnline && !booker.staff)) throw badInput('serviceId', 'is not a bookable service of this business.');
  if (untilDay < localDay(new Date(), business.schedule.timezone)) throw badInput('untilDay', 'has passed.');
  const queue = await queueForAppointment(context, businessId, serviceId);
  const idempotencyKey = parse(idempotencyKeyRule(), input.idempotencyKey, 'idempotencyKey');
  const prisma = context.runtime.db.prisma;
  const secret = context.runtime.config.auth.visitTokenSecret;

  const fingerprint = idempotencyKey ? idempotencyFingerprint(context.identity, input) : null;

  const replay = async (): Promise<JoinStandbyResult | null> => {
    if (!idempotencyKey || !fingerprint) return null;
    const entry = await prisma.standbyEntry.findUnique({ where: { businessId_idempotencyKey: { businessId, idempotencyKey } } });
    if (!entry) return null;
    assertSameRequest(entry, fingerprint);
    return { entry, token: standbyTokenFor(secret, entry.id) };
  };
  const earlier = await replay();
  if (earlier) return earlier;
  const id = randomUUID();
  const token = standbyTokenFor(secret, id);
  try {
    const entry = await prisma.standbyEntry.create({
      data: {
        id,
        organizationId: business.organizationId,
        businessId,
        serviceId,
        queueId: queue.id,
        customerId: booker.customerId,
        customerName: person.customerName,
        customerPhone: person.customerPhone,
        customerEmail: person.customerEmail,
        fromDay: dayAsDate(fromDay),
        untilDay: dayAsDate(untilDay),
        tokenHash: standbyTokenHash(token),
        idempotencyKey,
        idempotencyFingerprint: fingerprint,
      },
    });
    return { entry, token };
  } catch (error) {
    const winner = isUniqueViolation(error) ? await replay() : null;
    if (winner) return winner;
    throw error;
  }
}

function tokenMatches(storedHash: string, token: string | null | undefined): boolean {
  if (!token) return false;
  const given = Buffer.from(standbyTokenHash(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** The holder of the token, the customer it belongs to, or staff and partners of its organization. */
function canSee(context: QueueContext, entry: StandbyEntry, token: string | null | undefined): boolean {
  if (tokenMatches(entry.tokenHash, token)) return true;
  const { identity } = context;
  if (identity.kind === 'customer') return memberOf(identity, entry.organizationId) && entry.customerId === identity.subjectId;
  return (identity.kind === 'staff' || identity.kind === 'partner') && memberOf(identity, entry.organizationId);
}

/** Acting on an entry (accepting, leaving): as seeing it, but partners only read. */
function canAct(context: QueueContext, entry: StandbyEntry, token: string | null | undefined): boolean {
  if (context.identity.kind === 'partner') return false;
  if (context.identity.kind === 'staff' && !hasRole(context.identity.role, 'STAFF')) return false;
  return canSee(context, entry, token);
}

export async function readStandbyEntry(context: QueueContext, id: string, token: string | null | undefined): Promise<StandbyEntry> {
  const entry = await context.runtime.db.prisma.standbyEntry.findUnique({ where: { id: requireObjectId(id, 'standby entry') } });
  if (!entry || !canSee(context, entry, token)) throw notFound();
  return entry;
}

export function offersOf(context: QueueContext, entry: StandbyEntry): Promise<StandbyOffer[]> {
  return context.runtime.db.prisma.standbyOffer.findMany({ where: { entryId: entry.id }, orderBy: { createdAt: 'desc' }, take: 20 });
}

/** `leaveStandby`: off the list; an open offer lapses with it. Leaving twice is harmless. */
export async function leaveStandby(context: QueueContext, id: string, token: string | null | undefined): Promise<StandbyEntry> {
  const entry = await readStandbyEntry(context, id, token);
  if (!canAct(context, entry, token)) throw new AppError('FORBIDDEN', "This needs the STAFF role or higher, or the entry's token.");
  if (entry.status === 'BOOKED')
    throw new AppError('INVALID_TRANSITION', 'The entry already booked its slot; cancel the appointment instead.', { from: 'BOOKED' });
  if (entry.status === 'CANCELLED' || entry.status === 'EXPIRED') return entry;
  return context.runtime.db.prisma.$transaction(async (tx) => {
    await tx.standbyOffer.updateMany({ where: { entryId: id, status: 'OPEN' }, data: { status: 'EXPIRED' } });
    return tx.standbyEntry.update({ where: { id }, data: { status: 'CANCELLED' } });
  });
}

/**
 * `acceptStandbyOffer`: books the offered slot for the entry's person; the holder of the
 * entry's token, its customer, or staff (STAFF+) taking the answer on the phone. The booking is an
 * ordinary one (the database's capacity check decides against a simultaneous direct booking of
 * the same slot), and the offer and entry change in its transaction. A retry returns the first
 * booking (the offer's id is the idempotency key).
 */
export async function acceptStandbyOffer(context: QueueContext, offerId: string, token: string | null | undefined): Promise<BookingResult> {
  const prisma = context.runtime.db.prisma;
  const offer = await prisma.standbyOffer.findUnique({ where: { id: requireObjectId(offerId, 'standby offer') }, include: { entry: true } });
  if (!offer || !canAct(context, offer.entry, token)) throw new AppError('NOT_FOUND', 'No standby offer with this id.');
  const { entry } = offer;
  const secret = context.runtime.config.auth.visitTokenSecret;
  if (offer.status === 'ACCEPTED' && entry.visitId) {
    const visit = await prisma.visit.findUniqueOrThrow({ where: { id: entry.visitId } });
    return { visit, visitToken: visitTokenFor(secret, visit.id) };
  }
  const now = new Date();
  if (offer.status !== 'OPEN' || offer.expiresAt.getTime() <= now.getTime()) {
    throw new AppError('SLOT_UNAVAILABLE', offer.status === 'TAKEN' ? 'Someone else booked this slot first.' : 'This offer has expired.');
  }
  const business = await loadScheduledBusiness(context, entry.businessId);
  const queue = await context.loaders.queueById.load(entry.queueId);
  if (!queue) throw new AppError('NOT_FOUND', 'No standby offer with this id.');
  try {
    return await placeAppointment(context, {
      business,
      queue,
      serviceId: offer.serviceId,
      startsAt: offer.startsAt,
      booker: { staff: false, customerId: entry.customerId, source: 'PWA', actor: actorOf(context.identity, tokenMatches(entry.tokenHash, token)) },
      person: { customerName: entry.customerName, customerPhone: entry.customerPhone, customerEmail: entry.customerEmail, customerNotes: null, partySize: 1 },
      idempotencyKey: `standby:${offer.id}`,
      alongside: async (tx, visit) => {
        const { count } = await tx.standbyOffer.updateMany({ where: { id: offer.id, status: 'OPEN' }, data: { status: 'ACCEPTED' } });
        if (count === 0) throw new AppError('SLOT_UNAVAILABLE', 'This offer is no longer open.');
        await tx.standbyEntry.update({ where: { id: entry.id }, data: { status: 'BOOKED', visitId: visit.id } });
      },
    });
  } catch (error) {
    const accepted = await prisma.standbyEntry.findUnique({ where: { id: entry.id } });
    if (accepted?.status === 'BOOKED' && accepted.visitId) {
      const visit = await prisma.visit.findUniqueOrThrow({ where: { id: accepted.visitId } });
      return { visit, visitToken: visitTokenFor(secret, visit.id) };
    }
    if (isSlotUnavailable(error) || (error instanceof AppError && error.code === 'SLOT_UNAVAILABLE')) {
      // Someone booked it first: this offer is spent, and the entry waits for the next slot.
      await prisma.$transaction([
        prisma.standbyOffer.updateMany({ where: { id: offer.id, status: 'OPEN' }, data: { status: 'TAKEN' } }),
        prisma.standbyEntry.updateMany({ where: { id: entry.id, status: 'OFFERED' }, data: { status: 'WAITING' } }),
      ]);
    }
    throw error;
  }
}
