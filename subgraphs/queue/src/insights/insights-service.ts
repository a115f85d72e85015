import { requireRole } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';
import type { QueueContext } from '../context';
import { isUuid } from '@waitlessq/validation';
import { requireInputId } from '../ids';
import { badInput } from '@waitlessq/validation';
import { isValidTimeZone } from '../visits/tickets';
import { readFigures, readHistograms, type InsightsGranularity, type InsightsScope } from './insights-query';
import { assembleInsights, type Insights } from './insights-report';

export interface InsightsArgs {
  from: Date;
  to: Date;
  granularity?: InsightsGranularity | null;
  serviceId?: string | null;
  queueId?: string | null;
  staffId?: string | null;
}

const day = 86_400_000;
/** The longest period per granularity: bounds the series (about 750 hours, 400 days, 160 weeks). */
export const maxPeriodDays: Record<InsightsGranularity, number> = { HOUR: 31, DAY: 400, WEEK: 1100 };

const optionalId = (value: string | null | undefined, field: string) => (value === null || value === undefined ? null : requireInputId(value, field));

/**
 * Insights of a business over [from, to), in its time zone: MANAGER or higher of its
 * organization (another organization's business is NOT_FOUND). Two statements whatever the
 * history's length: both read only the rollups (rollup.ts), never the visits, so figures are as
 * of the last rollup pass (the workers' 'insights-rollup' job, every 30 s). A visit counts in the business-local
 * hour it entered the line; an hour is in the period when it starts in [from, to).
 */
export async function businessInsights(context: QueueContext, businessId: string, args: InsightsArgs): Promise<Insights> {
  const staff = requireRole(context.identity, 'MANAGER');
  const granularity = args.granularity ?? 'DAY';
  if (!(args.to > args.from)) throw badInput('to', 'must be after from.');
  if (args.to.getTime() - args.from.getTime() > maxPeriodDays[granularity] * day) {
    throw badInput('to', `must be at most ${maxPeriodDays[granularity]} days after from for ${granularity} granularity.`);
  }
  const filters = {
    queueId: optionalId(args.queueId, 'queueId'),
    serviceId: optionalId(args.serviceId, 'serviceId'),
    staffId: optionalId(args.staffId, 'staffId'),
  };
  const business = isUuid(businessId) ? await context.businessPeer.findBusiness(businessId, context.requestId) : null;
  if (!business || business.organizationId !== staff.organizationId) throw new AppError('NOT_FOUND', 'No business with this id.');
  const timezone = isValidTimeZone(business.timezone) ? business.timezone : 'UTC';
  const scope: InsightsScope = { businessId, from: args.from, to: args.to, granularity, timezone, ...filters };
  const prisma = context.runtime.db.prisma;
  const [rows, histograms] = await Promise.all([readFigures(prisma, scope), readHistograms(prisma, scope)]);
  return assembleInsights(scope, rows, histograms);
}
