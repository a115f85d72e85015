import type { ServiceRuntime, SubgraphDefinition } from '@waitlessq/subgraph-kit';
import { createBusinessDirectory } from './business-directory';
import { createPwaContextFactory, type PwaContext } from './context';
import { resolvers } from './resolvers';
import { typeDefs } from './schema';

export { typeDefs };
export type { PwaContext };
export { mountPwaRoutes } from './builds/app-routes';

/** Branded apps: their configuration (Business.pwa) and published builds. */
export function createPwaSubgraph(runtime: ServiceRuntime): SubgraphDefinition<PwaContext> {
  return { typeDefs, resolvers, extendContext: createPwaContextFactory(createBusinessDirectory(runtime)) };
}
export { pushTargetsOfVisit, removePushTarget, ticketLinkOf } from './push/push-targets';
export type { PushTarget } from './push/push-targets';
export { deletePushSubscriptionsBefore } from './retention';
