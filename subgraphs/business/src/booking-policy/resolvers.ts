import type { Resolvers } from '../generated/resolvers-types';
import { bookingPolicyOf, setBookingPolicy } from './booking-policy-service';

export const bookingPolicyResolvers = {
  Mutation: {
    setBookingPolicy: (_, args, ctx) => setBookingPolicy(ctx, args.input),
  },
  Business: {
    bookingPolicy: (business, _, ctx) => bookingPolicyOf(ctx, business.id),
  },
} satisfies Pick<Resolvers, 'Mutation' | 'Business'>;
