import type { PwaBuild } from '@waitlessq/database';
import type { PwaContext } from '../context';
import { readAppFiles } from './app-file';
import { publishPwa } from './publish-service';

export const buildResolvers = {
  Mutation: {
    publishPwa: (_: unknown, args: { businessId: string }, ctx: PwaContext) => publishPwa(ctx, ctx.identity, args.businessId),
  },
  PwaBuild: {
    files: (build: PwaBuild) => readAppFiles(build.files),
  },
};
