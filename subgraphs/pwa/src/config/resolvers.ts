import { requireStaff } from '@waitlessq/auth';
import { parse, wholeNumber } from '@waitlessq/validation';
import type { Resolvers } from '../generated/resolvers-types';
import { findConfig, updatePwaConfig } from './config-service';

const MAX_BUILDS = 100;

export const configResolvers = {
  Mutation: {
    updatePwaConfig: (_, args, ctx) => updatePwaConfig(ctx, args.input),
  },
  Business: {
    __resolveReference: (reference) => ({ id: reference.id }),
    pwa: (business, _, ctx) => findConfig(ctx, business.id),
  },
  PwaConfig: {
    latestBuild: (config, _, ctx) => ctx.loaders.latestBuildByBusinessId.load(config.businessId),
    builds: (config, args, ctx) => {
      if (ctx.identity.kind !== 'service') requireStaff(ctx.identity);
      const first = parse(wholeNumber(1, MAX_BUILDS), args.first ?? 10, 'first');
      return ctx.loaders.buildsByBusiness.load({ businessId: config.businessId, first });
    },
  },
  PwaLayoutStyle: { CARDS: 'cards', LIST: 'list', COMPACT: 'compact' },
} satisfies Pick<Resolvers, 'Mutation' | 'Business' | 'PwaConfig' | 'PwaLayoutStyle'>;
