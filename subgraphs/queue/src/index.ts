import type { ServiceRuntime, SubgraphDefinition } from '@waitlessq/subgraph-kit';
import { createContextFactory, type QueueContext } from './context';
import { createQueueEventPublisher, publishingChanges, subscriptionResolvers } from './events';
import { createBusinessPeer, createCustomerPeer, type BusinessPeer, type CustomerPeer } from './peers';
import { createQueueSummaries } from './queues/queue-summary';
import { queueResolvers } from './queues/resolvers';
import { DateTimeScalar } from '@waitlessq/subgraph-kit';
import { JSONScalar, slotResolvers } from './appointments/slots-resolver';
import { typeDefs } from './schema';
import { visitResolvers } from './visits/resolvers';

export { typeDefs } from './schema';
export * from './events';
export type { QueueContext } from './context';

export interface QueueSubgraphOptions {
  /** The business subgraph as seen from here; defaults to peer calls over HTTP. */
  businessPeer?: BusinessPeer;
  /** The user subgraph's view of customer accounts; defaults to peer calls over HTTP. */
  customerPeer?: CustomerPeer;
}

export function createQueueSubgraph(runtime: ServiceRuntime, options: QueueSubgraphOptions = {}): SubgraphDefinition<QueueContext> {
  return {
    typeDefs,
    resolvers: {
      DateTime: DateTimeScalar,
      JSON: JSONScalar,
      Query: { ...queueResolvers.Query, ...visitResolvers.Query },
      // Every change is published to subscribers once it has committed (events/publishing.ts).
      Mutation: publishingChanges(createQueueEventPublisher(runtime), { ...queueResolvers.Mutation, ...visitResolvers.Mutation }),
      Subscription: subscriptionResolvers,
      Queue: queueResolvers.Queue,
      Business: { ...queueResolvers.Business, ...slotResolvers.Business },
      Visit: visitResolvers.Visit,
      Customer: visitResolvers.Customer,
    } as SubgraphDefinition<QueueContext>['resolvers'],
    extendContext: createContextFactory(
      { businessPeer: options.businessPeer ?? createBusinessPeer(runtime), customerPeer: options.customerPeer ?? createCustomerPeer(runtime) },
      createQueueSummaries(runtime),
    ),
  };
}
