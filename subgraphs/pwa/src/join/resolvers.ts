import { requireStaff } from '@waitlessq/auth';
import { defaultConfigView, toConfigView } from '../config/config-view';
import type { Resolvers } from '../generated/resolvers-types';
import { joinLinkOf, resolveJoinTarget } from './join-link';
import { renderPoster } from './poster';

export const joinResolvers = {
  Business: {
    joinLink: async (business, args, ctx) =>
      joinLinkOf(ctx.runtime.config.publicUrl, await resolveJoinTarget(ctx.runtime, business.id, args.queueId, ctx.requestId)),
    // Staff only: rendering a PNG costs CPU, so strangers cannot make us draw posters.
    joinPoster: async (business, args, ctx) => {
      const staff = requireStaff(ctx.identity);
      const owned = await ctx.businesses.requireOwn(business.id, staff.organizationId, ctx.requestId);
      const target = await resolveJoinTarget(ctx.runtime, owned.id, args.queueId, ctx.requestId);
      const row = await ctx.loaders.configByBusinessId.load(owned.id);
      const config = row ? toConfigView(row) : defaultConfigView(owned.name);
      const joinLink = joinLinkOf(ctx.runtime.config.publicUrl, target);
      return { joinLink, ...(await renderPoster(config, joinLink, target.queue?.name ?? null, args.format ?? 'SVG')) };
    },
  },
} satisfies Pick<Resolvers, 'Business'>;
