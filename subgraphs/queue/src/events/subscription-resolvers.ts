import { AppError } from '@waitlessq/errors';
import type { Visit } from '@waitlessq/database';
import type { QueueEvent } from './queue-event';
import type { VisitUpdateReason } from './visit-relevance';

/** What a subscription field is resolved from: one event, and why it concerns a visit subscriber. */
export interface SubscriptionSource {
  event: QueueEvent;
  reasons: VisitUpdateReason[];
}

/** This subgraph speaks HTTP only; the gateway streams the events and projects them here. */
const servedByTheGateway = () => {
  throw new AppError('BAD_USER_INPUT', 'Subscribe through the gateway over WebSocket (graphql-ws on /graphql).');
};

const eventFields = ({ event }: SubscriptionSource) => ({ sequence: event.sequence, change: event.change.kind, at: event.at });

/**
 * The root fields of the payloads, from the event alone. Who may subscribe was decided when
 * the subscription started (the gateway asked this subgraph with the subscriber's identity);
 * every field below the root applies its usual rules to that identity.
 */
export const subscriptionResolvers = {
  queueUpdated: {
    subscribe: servedByTheGateway,
    resolve: (source: SubscriptionSource) => ({
      ...eventFields(source),
      queue: source.event.queue,
      visits: source.event.change.visitIds.map((id) => source.event.visits.get(id)).filter((visit): visit is Visit => visit !== undefined),
    }),
  },
  visitUpdated: {
    subscribe: servedByTheGateway,
    resolve: (source: SubscriptionSource, { visitId }: { visitId: string }) => {
      const visit = source.event.visits.get(visitId);
      if (!visit) throw new AppError('NOT_FOUND', 'No visit with this id in this event.');
      return { ...eventFields(source), reasons: source.reasons, visit };
    },
  },
};
