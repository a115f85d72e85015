import { auditedMutations } from './audit';
import { buildResolvers } from './builds/resolvers';
import { configResolvers } from './config/resolvers';
import type { Resolvers } from './generated/resolvers-types';
import { joinResolvers } from './join/resolvers';
import { pushResolvers } from './push/resolvers';
import { privacyResolvers } from './privacy/resolvers';
import { DateTimeScalar } from '@waitlessq/subgraph-kit';

export const resolvers = {
  DateTime: DateTimeScalar,
  ...configResolvers,
  Business: { ...configResolvers.Business, ...joinResolvers.Business },
  JSON: privacyResolvers.JSON,
  Query: privacyResolvers.Query,
  PwaBuild: buildResolvers.PwaBuild,
  // Publishing and configuration reach the audit log (user subgraph) as jobs, once committed.
  Mutation: auditedMutations({ ...configResolvers.Mutation, ...buildResolvers.Mutation, ...pushResolvers.Mutation, ...privacyResolvers.Mutation }),
} satisfies Resolvers;
