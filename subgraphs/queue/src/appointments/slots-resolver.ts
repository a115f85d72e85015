import type { Db } from '../visits/line';
import { parseBookingSchedule, type BookingSchedule } from './booking-schedule';
import { availableSlots, bookableService, checkRange, readBusinessBookings, type Slot } from './slots';
import type { Resolvers } from '../generated/resolvers-types';

/*
 * How slots are resolved across subgraphs: a slot depends on the rules (availability,
 * exceptions, policy, services: the business subgraph's tables) and on the bookings (visits:
 * this subgraph's table). They are computed here, where the bookings are. The queue subgraph
 * declares `Business.bookingSchedule: JSON @external` and
 * `availableSlots(...) @requires(fields: "bookingSchedule")`, so the gateway first fetches the
 * business's `bookingSchedule` (@inaccessible there: clients never see it) from the business
 * subgraph, then calls this subgraph's `_entities` with the schedule inside the Business
 * representation. This side parses it, reads the bookings around the range in one statement
 * and runs the pure pipeline of slots.ts. No peer call, and the statement count does not grow
 * with days or bookings.
 */

/** The Business representation as it reaches this subgraph for availableSlots. */
export interface ScheduledBusinessReference {
  id: string;
  bookingSchedule?: unknown;
}

export interface AvailableSlotsArgs {
  serviceId: string;
  from: Date;
  to: Date;
}

/** Slots of a service in [from, to) against the bookings read in one statement; input errors cost no statement. */
export async function readAvailableSlots(db: Db, schedule: BookingSchedule, args: AvailableSlotsArgs, now: Date): Promise<Slot[]> {
  bookableService(schedule, args.serviceId);
  checkRange(args.from, args.to);
  const bookings = await readBusinessBookings(db, schedule, args.from, args.to);
  return availableSlots({ schedule, serviceId: args.serviceId, from: args.from, to: args.to, now, bookings });
}

function scheduleOf(business: ScheduledBusinessReference): BookingSchedule {
  const schedule = parseBookingSchedule(business.bookingSchedule);
  if (schedule.businessId !== business.id) {
    throw new Error(`The booking schedule of business ${schedule.businessId} arrived for business ${business.id}.`);
  }
  return schedule;
}

export const slotResolvers = {
  Business: {
    // Public: the schedule and free times are what a business publishes; no visitor data is read.
    availableSlots: (business, args, context) => readAvailableSlots(context.runtime.db.prisma, scheduleOf(business), args, new Date()),
  },
} satisfies Pick<Resolvers, 'Business'>;
