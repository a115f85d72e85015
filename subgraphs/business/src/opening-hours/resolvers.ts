import type { Business } from '@waitlessq/database';
import type { BusinessContext } from '../context';
import { toIntervalOutput, type OpeningHoursIntervalInput } from './opening-hours';
import { setOpeningHours } from './opening-hours-service';

export const openingHoursResolvers = {
  Mutation: {
    setOpeningHours: (_: unknown, args: { businessId: string; intervals: OpeningHoursIntervalInput[] }, ctx: BusinessContext) =>
      setOpeningHours(ctx, args.businessId, args.intervals),
  },
  Business: {
    openingHours: async (business: Business, _: unknown, ctx: BusinessContext) =>
      (await ctx.loaders.openingHoursByBusinessId.load(business.id)).map(toIntervalOutput),
  },
};
