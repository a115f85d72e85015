import type { Resolvers } from '../generated/resolvers-types';
import { availabilityOf, bookingScheduleOf, exceptionsOf } from './availability-queries';
import { addAvailabilityException, removeAvailabilityException, setAvailability } from './availability-service';
import { toExceptionOutput, toWindowOutput } from './availability-view';

export const availabilityResolvers = {
  Mutation: {
    setAvailability: async (_, args, ctx) => (await setAvailability(ctx, args.input)).map(toWindowOutput),
    addAvailabilityException: async (_, args, ctx) => toExceptionOutput(await addAvailabilityException(ctx, args.input)),
    removeAvailabilityException: async (_, args, ctx) => toExceptionOutput(await removeAvailabilityException(ctx, args.id)),
  },
  Business: {
    availability: async (business, args, ctx) => (await availabilityOf(ctx, business, args.serviceId)).map(toWindowOutput),
    availabilityExceptions: async (business, args, ctx) => (await exceptionsOf(ctx, business, args)).map(toExceptionOutput),
    bookingSchedule: (business, _, ctx) => bookingScheduleOf(ctx, business),
  },
} satisfies Pick<Resolvers, 'Mutation' | 'Business'>;
