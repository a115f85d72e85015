import type { Resolvers } from '../generated/resolvers-types';
import { registerPushSubscription } from './push-service';

export const pushResolvers = {
  Mutation: {
    registerPushSubscription: (_, args, ctx) => registerPushSubscription(ctx, args.visitId, args.visitToken, args.subscription),
  },
} satisfies Pick<Resolvers, 'Mutation'>;
