import { insightsCsv } from './insights-csv';
import { businessInsights } from './insights-service';
import type { Resolvers } from '../generated/resolvers-types';

export const insightsResolvers = {
  Business: {
    insights: (business, args, context) => businessInsights(context, business.id, args),
    insightsCsv: async (business, args, context) => insightsCsv(await businessInsights(context, business.id, args)),
  },
} satisfies Pick<Resolvers, 'Business'>;
