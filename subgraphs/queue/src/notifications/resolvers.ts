import type { Resolvers } from '../generated/resolvers-types';

export const notificationResolvers = {
  // Whoever can read the visit (its token holder, its customer, staff) sees what it was sent.
  Visit: {
    notifications: (visit, _args, context) => context.loaders.notificationsByVisit.load(visit.id),
  },
} satisfies Pick<Resolvers, 'Visit'>;
