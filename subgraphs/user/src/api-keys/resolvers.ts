import type { UserContext } from '../context';
import { createApiKey, listApiKeys, revokeApiKey, type CreateApiKeyInput } from './api-key-service';
import { resolvePartnerIdentity } from './partner-identity';

export const apiKeyResolvers = {
  Query: {
    apiKeys: (_: unknown, __: unknown, ctx: UserContext) => listApiKeys(ctx),
    apiKeyIdentity: (_: unknown, args: { keyHash: string }, ctx: UserContext) => resolvePartnerIdentity(ctx, args.keyHash),
  },
  Mutation: {
    createApiKey: (_: unknown, args: { input: CreateApiKeyInput }, ctx: UserContext) => createApiKey(ctx, args.input),
    revokeApiKey: (_: unknown, args: { id: string }, ctx: UserContext) => revokeApiKey(ctx, args.id),
  },
};
