import { JSONScalar } from '@waitlessq/subgraph-kit';
import type { Resolvers } from '../generated/resolvers-types';
import { erasePushSubscriptionsOfVisits, pushSubscriptionsOfVisits } from './push-subscriptions';

export const privacyResolvers = {
  JSON: JSONScalar,
  Query: {
    visitPushSubscriptions: (_, args, ctx) => pushSubscriptionsOfVisits(ctx, args.visitIds),
  },
  Mutation: {
    eraseVisitPushSubscriptions: (_, args, ctx) => erasePushSubscriptionsOfVisits(ctx, args.visitIds),
  },
} satisfies Pick<Resolvers, 'JSON' | 'Query' | 'Mutation'>;
