import type { SubgraphDefinition } from '@waitlessq/subgraph-kit';
import { buildResolvers } from './builds/resolvers';
import { configResolvers } from './config/resolvers';
import type { PwaContext } from './context';
import { DateTimeScalar } from '@waitlessq/subgraph-kit';

export const resolvers = {
  DateTime: DateTimeScalar,
  ...configResolvers,
  PwaBuild: buildResolvers.PwaBuild,
  Mutation: { ...configResolvers.Mutation, ...buildResolvers.Mutation },
} as SubgraphDefinition<PwaContext>['resolvers'];
