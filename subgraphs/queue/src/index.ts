import type { ServiceRuntime, SubgraphDefinition } from '@waitlessq/subgraph-kit';
import { appointmentResolvers, cancellingAppointments } from './appointments/resolvers';
import { auditResolvers } from './audit/resolvers';
import { createContextFactory, type QueueContext } from './context';
import {
  createEventStore,
  createQueueEventExecutor,
  createQueueEventPublisher,
  createStaleRelayTask,
  createSubscriptionPayloadResolvers,
  publishingChanges,
  queueEventLog,
  subscriptionResolvers,
} from './events';
import type { Resolvers } from './generated/resolvers-types';
import { insightsResolvers } from './insights/resolvers';
import { notificationResolvers } from './notifications/resolvers';
import { privacyResolvers } from './privacy/resolvers';
import { createBusinessPeer, createCustomerPeer, type BusinessPeer, type CustomerPeer } from './peers';
import { createQueueSummaries } from './queues/queue-summary';
import { queueResolvers } from './queues/resolvers';
import { DateTimeScalar, JSONScalar } from '@waitlessq/subgraph-kit';
import { slotResolvers } from './appointments/slots-resolver';
import { typeDefs } from './schema';
import { standbyResolvers } from './standby/resolvers';
import { visitResolvers } from './visits/resolvers';

export { typeDefs } from './schema';
export * from './events';
export * from './notifications';
export * from './retention';
export { sweepAppointments } from './appointments/sweeper';
export { rollUpPass } from './insights/rollup';
export { createBusinessPeer } from './peers';
// Ticket numbering and the business-local day, also used by the gateway's demo seed.
export { formatTicket, localDay, dayAsDate } from './visits/tickets';
export type { QueueContext } from './context';

export interface QueueSubgraphOptions {
  /** The business subgraph as seen from here; defaults to peer calls over HTTP. */
  businessPeer?: BusinessPeer;
  /** The user subgraph's view of customer accounts; defaults to peer calls over HTTP. */
  customerPeer?: CustomerPeer;
}

export function createQueueSubgraph(runtime: ServiceRuntime, options: QueueSubgraphOptions = {}): SubgraphDefinition<QueueContext> {
  // The gateway's subscribers are resolved here through _entities, from the event log
  // (events/subscription-payloads.ts); what this replica appends itself is not read back.
  const events = queueEventLog(runtime);
  const store = createEventStore(events);
  const publisher = createQueueEventPublisher(runtime, { log: events, onAppended: (queueId, entry) => store.remember(queueId, entry) });
  const businessPeer = options.businessPeer ?? createBusinessPeer(runtime);
  const payloads = createSubscriptionPayloadResolvers(
    createQueueEventExecutor({ exposeInternals: runtime.config.env === 'development', logger: runtime.logger }),
    store,
  );
  const mutations = {
    ...queueResolvers.Mutation,
    ...visitResolvers.Mutation,
    ...appointmentResolvers.Mutation,
    ...standbyResolvers.Mutation,
    cancelVisit: cancellingAppointments(visitResolvers.Mutation.cancelVisit),
  };
  return {
    typeDefs,
    resolvers: {
      DateTime: DateTimeScalar,
      JSON: JSONScalar,
      Query: {
        ...queueResolvers.Query,
        ...visitResolvers.Query,
        ...appointmentResolvers.Query,
        ...standbyResolvers.Query,
        ...auditResolvers.Query,
        ...privacyResolvers.Query,
        ...payloads.Query,
      },
      // Every change is published to subscribers once it has committed (events/publishing.ts).
      Mutation: { ...publishingChanges(publisher, mutations), ...privacyResolvers.Mutation },
      Subscription: subscriptionResolvers,
      Queue: queueResolvers.Queue,
      Business: { ...queueResolvers.Business, ...slotResolvers.Business, ...insightsResolvers.Business },
      Visit: { ...visitResolvers.Visit, ...appointmentResolvers.Visit, ...notificationResolvers.Visit },
      Customer: visitResolvers.Customer,
      StandbyEntry: standbyResolvers.StandbyEntry,
      SubscriptionEvent: payloads.SubscriptionEvent,
    } satisfies Resolvers,
    extendContext: createContextFactory({ businessPeer, customerPeer: options.customerPeer ?? createCustomerPeer(runtime) }, createQueueSummaries(runtime)),
    // Outbox rows a crashed process left (events/publisher.ts). The appointment sweep and the
    // insights rollup are repeated jobs of the workers (workers/src/handlers.ts).
    background: createStaleRelayTask(runtime, publisher),
  };
}
