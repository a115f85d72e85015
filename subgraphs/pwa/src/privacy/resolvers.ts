import { JSONScalar } from '@waitlessq/subgraph-kit';
import type { Resolvers } from '../generated/resolvers-types';
import { erasePushSubscriptionsOfVisits, pushPrivacyScope, pushSubscriptionsOfVisits } from './push-subscriptions';

export const privacyResolvers = {
  JSON: JSONScalar,
  Query: {
    visitPushSubscriptions: (_, args, ctx) =>
      pushSubscriptionsOfVisits(ctx.runtime.db.prisma, pushPrivacyScope(ctx.identity), args.visitIds),
  },
  Mutation: {
    eraseVisitPushSubscriptions: (_, args, ctx) =>
      erasePushSubscriptionsOfVisits(ctx.runtime.db.prisma, pushPrivacyScope(ctx.identity), args.visitIds),
  },
} satisfies Pick<Resolvers, 'JSON' | 'Query' | 'Mutation'>;
