import type { Resolvers } from '../generated/resolvers-types';
import { readAppFiles } from './app-file';
import { publishPwa } from './publish-service';

export const buildResolvers = {
  Mutation: {
    publishPwa: (_, args, ctx) => publishPwa(ctx, args.businessId),
  },
  PwaBuild: {
    files: (build) => readAppFiles(build.files),
  },
} satisfies Pick<Resolvers, 'Mutation' | 'PwaBuild'>;
