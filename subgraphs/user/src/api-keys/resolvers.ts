import type { Resolvers } from '../generated/resolvers-types';
import { createApiKey, listApiKeys, revokeApiKey } from './api-key-service';
import { resolvePartnerIdentity } from './partner-identity';

export const apiKeyResolvers = {
  Query: {
    apiKeys: (_, __, ctx) => listApiKeys(ctx),
    apiKeyIdentity: (_, args, ctx) => resolvePartnerIdentity(ctx, args.keyHash),
  },
  Mutation: {
    createApiKey: (_, args, ctx) => createApiKey(ctx, args.input),
    revokeApiKey: (_, args, ctx) => revokeApiKey(ctx, args.id),
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation'>;
