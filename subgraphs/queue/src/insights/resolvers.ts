import type { QueueContext } from '../context';
import { insightsCsv } from './insights-csv';
import { businessInsights, type InsightsArgs } from './insights-service';

export const insightsResolvers = {
  Business: {
    insights: (business: { id: string }, args: InsightsArgs, context: QueueContext) => businessInsights(context, business.id, args),
    insightsCsv: async (business: { id: string }, args: InsightsArgs, context: QueueContext) => insightsCsv(await businessInsights(context, business.id, args)),
  },
};
