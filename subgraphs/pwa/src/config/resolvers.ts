import { requireStaff } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';
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
      const first = args.first ?? 10;
      if (!Number.isInteger(first) || first < 1 || first > MAX_BUILDS) {
        throw new AppError('BAD_USER_INPUT', `first must be a whole number from 1 to ${MAX_BUILDS}.`, { field: 'first' });
      }
      return ctx.loaders.buildsByBusiness.load({ businessId: config.businessId, first });
    },
  },
  PwaLayoutStyle: { CARDS: 'cards', LIST: 'list', COMPACT: 'compact' },
};
