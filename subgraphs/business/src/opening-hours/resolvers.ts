import type { Resolvers } from '../generated/resolvers-types';
import { toIntervalOutput } from './opening-hours';
import { setOpeningHours } from './opening-hours-service';

export const openingHoursResolvers = {
  Mutation: {
    setOpeningHours: (_, args, ctx) => setOpeningHours(ctx, args.businessId, args.intervals),
  },
  Business: {
    openingHours: async (business, _, ctx) => (await ctx.loaders.openingHoursByBusinessId.load(business.id)).map(toIntervalOutput),
  },
} satisfies Pick<Resolvers, 'Mutation' | 'Business'>;
