import { requireStaff } from '@waitlessq/auth';
import { parse, wholeNumber } from '@waitlessq/validation';
import type { PwaContext } from '../context';
import type { UpdatePwaConfigInput } from './config-input';
import { findConfig, updatePwaConfig, type PwaConfigRecord } from './config-service';

const MAX_BUILDS = 100;

export const configResolvers = {
  Mutation: {
    updatePwaConfig: (_: unknown, args: { input: UpdatePwaConfigInput }, ctx: PwaContext) => updatePwaConfig(ctx, ctx.identity, args.input),
  },
  Business: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    pwa: (business: { id: string }, _: unknown, ctx: PwaContext) => findConfig(ctx, business.id),
  },
  PwaConfig: {
    latestBuild: (config: PwaConfigRecord, _: unknown, ctx: PwaContext) => ctx.loaders.latestBuildByBusinessId.load(config.businessId),
    builds: (config: PwaConfigRecord, args: { first?: number | null }, ctx: PwaContext) => {
      if (ctx.identity.kind !== 'service') requireStaff(ctx.identity);
      const first = parse(wholeNumber(1, MAX_BUILDS), args.first ?? 10, 'first');
      return ctx.loaders.buildsByBusiness.load({ businessId: config.businessId, first });
    },
  },
  PwaLayoutStyle: { CARDS: 'cards', LIST: 'list', COMPACT: 'compact' },
};
