import type { Resolvers } from '../generated/resolvers-types';
import { customerPreferences, unsubscribe, updateNotificationPreferences } from './preferences-service';

export const notificationPreferenceResolvers = {
  Mutation: {
    updateNotificationPreferences: (_, args, ctx) => updateNotificationPreferences(ctx, args.input),
    unsubscribe: (_, args, ctx) => unsubscribe(ctx, args.token),
  },
  Customer: {
    notificationPreferences: (customer, _, ctx) => customerPreferences(ctx, customer),
  },
} satisfies Pick<Resolvers, 'Mutation' | 'Customer'>;
