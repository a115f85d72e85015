import { JSONScalar } from '@waitlessq/subgraph-kit';
import type { PwaContext } from '../context';
import { erasePushSubscriptionsOfVisits, pushPrivacyScope, pushSubscriptionsOfVisits } from './push-subscriptions';

export const privacyResolvers = {
  JSON: JSONScalar,
  Query: {
    visitPushSubscriptions: (_: unknown, args: { visitIds: string[] }, ctx: PwaContext) =>
      pushSubscriptionsOfVisits(ctx.runtime.db.prisma, pushPrivacyScope(ctx.identity), args.visitIds),
  },
  Mutation: {
    eraseVisitPushSubscriptions: (_: unknown, args: { visitIds: string[] }, ctx: PwaContext) =>
      erasePushSubscriptionsOfVisits(ctx.runtime.db.prisma, pushPrivacyScope(ctx.identity), args.visitIds),
  },
};
