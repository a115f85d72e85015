import type { PwaContext } from '../context';
import { registerPushSubscription, type PushSubscriptionInput } from './push-service';

export const pushResolvers = {
  Mutation: {
    registerPushSubscription: (_: unknown, args: { visitId: string; visitToken?: string | null; subscription: PushSubscriptionInput }, ctx: PwaContext) =>
      registerPushSubscription(ctx, args.visitId, args.visitToken, args.subscription),
  },
};
