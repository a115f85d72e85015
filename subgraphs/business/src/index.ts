import type { ServiceRuntime, SubgraphDefinition } from '@waitlessq/subgraph-kit';
import { createBusinessContext, type BusinessContext } from './context';
import { createBusinessCaches } from './public-cache';
import { resolvers } from './resolvers';
import { typeDefs } from './schema';

export { typeDefs };
export type { BusinessContext };

/** Organizations, businesses, services, opening hours, availability and booking policies. */
export function createBusinessSubgraph(runtime: ServiceRuntime): SubgraphDefinition<BusinessContext> {
  return { typeDefs, resolvers, extendContext: createBusinessContext(createBusinessCaches(runtime)) };
}
export { notificationProfileOf } from './businesses/notification-profile';
export type { NotificationProfile } from './businesses/notification-profile';
export { retentionPolicies } from './organizations/settings-service';
export type { RetentionPolicy } from './organizations/settings-service';
