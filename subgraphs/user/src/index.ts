import type { ServiceRuntime, SubgraphDefinition } from '@waitlessq/subgraph-kit';
import { authResolvers } from './auth/resolvers';
import { createContextFactory, createUserServices, type UserContext } from './context';
import { customerResolvers } from './customers/resolvers';
import { dateTimeScalar } from './scalars';
import { typeDefs } from './schema';
import { staffResolvers } from './staff/resolvers';

export { typeDefs };
export type { UserContext };

/** Staff accounts, customers, invitations and sessions (DESIGN.md: the user subgraph). */
export function createUserSubgraph(runtime: ServiceRuntime): SubgraphDefinition<UserContext> {
  return {
    typeDefs,
    resolvers: {
      DateTime: dateTimeScalar,
      Query: { ...staffResolvers.Query, ...customerResolvers.Query },
      Mutation: { ...staffResolvers.Mutation, ...authResolvers.Mutation, ...customerResolvers.Mutation },
      User: staffResolvers.User,
      Business: staffResolvers.Business,
      Customer: customerResolvers.Customer,
    },
    extendContext: createContextFactory(createUserServices(runtime)),
  };
}
