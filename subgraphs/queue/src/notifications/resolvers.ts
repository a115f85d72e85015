import type { Visit } from '@waitlessq/database';
import type { QueueContext } from '../context';

export const notificationResolvers = {
  // Whoever can read the visit (its token holder, its customer, staff) sees what it was sent.
  Visit: {
    notifications: (visit: Visit, _args: unknown, context: QueueContext) => context.loaders.notificationsByVisit.load(visit.id),
  },
};
