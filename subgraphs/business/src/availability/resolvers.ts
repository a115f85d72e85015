import type { Business } from '@waitlessq/database';
import type { BusinessContext } from '../context';
import type { SetAvailabilityInput } from './availability-input';
import { availabilityOf, bookingScheduleOf, exceptionsOf } from './availability-queries';
import { addAvailabilityException, removeAvailabilityException, setAvailability } from './availability-service';
import { toExceptionOutput, toWindowOutput } from './availability-view';
import type { AddAvailabilityExceptionInput } from './exception-input';

export const availabilityResolvers = {
  Mutation: {
    setAvailability: async (_: unknown, args: { input: SetAvailabilityInput }, ctx: BusinessContext) =>
      (await setAvailability(ctx, args.input)).map(toWindowOutput),
    addAvailabilityException: async (_: unknown, args: { input: AddAvailabilityExceptionInput }, ctx: BusinessContext) =>
      toExceptionOutput(await addAvailabilityException(ctx, args.input)),
    removeAvailabilityException: async (_: unknown, args: { id: string }, ctx: BusinessContext) =>
      toExceptionOutput(await removeAvailabilityException(ctx, args.id)),
  },
  Business: {
    availability: async (business: Business, args: { serviceId?: string | null }, ctx: BusinessContext) =>
      (await availabilityOf(ctx, business, args.serviceId)).map(toWindowOutput),
    availabilityExceptions: async (business: Business, args: { from?: string | null; to?: string | null }, ctx: BusinessContext) =>
      (await exceptionsOf(ctx, business, args)).map(toExceptionOutput),
    bookingSchedule: (business: Business, _: unknown, ctx: BusinessContext) => bookingScheduleOf(ctx, business),
  },
};
