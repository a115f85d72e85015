import type { ServiceRuntime, SubgraphDefinition } from '@waitlessq/subgraph-kit';
import { createContextFactory, type QueueContext } from './context';
import { createBusinessPeer, type BusinessPeer } from './peers';
import { queueResolvers } from './queues/resolvers';
import { DateTime } from './scalars';
import { typeDefs } from './schema';
import { visitResolvers } from './visits/resolvers';

export { typeDefs } from './schema';
export type { QueueContext } from './context';

export interface QueueSubgraphOptions {
  /** The business subgraph as seen from here; defaults to peer calls over HTTP. */
  businessPeer?: BusinessPeer;
}

export function createQueueSubgraph(runtime: ServiceRuntime, options: QueueSubgraphOptions = {}): SubgraphDefinition<QueueContext> {
  return {
    typeDefs,
    resolvers: {
      DateTime,
      Query: { ...queueResolvers.Query, ...visitResolvers.Query },
      Mutation: { ...queueResolvers.Mutation, ...visitResolvers.Mutation },
      Queue: queueResolvers.Queue,
      Business: queueResolvers.Business,
      Visit: visitResolvers.Visit,
      Customer: visitResolvers.Customer,
    } as SubgraphDefinition<QueueContext>['resolvers'],
    extendContext: createContextFactory(options.businessPeer ?? createBusinessPeer(runtime)),
  };
}
