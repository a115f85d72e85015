import type { Business } from '@waitlessq/database';
import type { BusinessContext } from '../context';
import type { SetBookingPolicyInput } from './booking-policy';
import { bookingPolicyOf, setBookingPolicy } from './booking-policy-service';

export const bookingPolicyResolvers = {
  Mutation: {
    setBookingPolicy: (_: unknown, args: { input: SetBookingPolicyInput }, ctx: BusinessContext) =>
      setBookingPolicy(ctx, args.input),
  },
  Business: {
    bookingPolicy: (business: Business, _: unknown, ctx: BusinessContext) => bookingPolicyOf(ctx, business.id),
  },
};
