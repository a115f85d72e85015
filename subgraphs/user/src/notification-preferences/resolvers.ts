import type { Customer } from '@waitlessq/database';
import type { UserContext } from '../context';
import { customerPreferences, unsubscribe, updateNotificationPreferences, type UpdateNotificationPreferencesInput } from './preferences-service';

export const notificationPreferenceResolvers = {
  Mutation: {
    updateNotificationPreferences: (_: unknown, args: { input: UpdateNotificationPreferencesInput }, ctx: UserContext) =>
      updateNotificationPreferences(ctx, args.input),
    unsubscribe: (_: unknown, args: { token: string }, ctx: UserContext) => unsubscribe(ctx, args.token),
  },
  Customer: {
    notificationPreferences: (customer: Customer, _: unknown, ctx: UserContext) => customerPreferences(ctx, customer),
  },
};
