import { requireStaff } from '@waitlessq/auth';
import { defaultConfigView, toConfigView } from '../config/config-view';
import type { PwaContext } from '../context';
import { joinLinkOf, resolveJoinTarget } from './join-link';
import { renderPoster, type PosterFormat } from './poster';

type BusinessRef = { id: string };

export const joinResolvers = {
  Business: {
    joinLink: async (business: BusinessRef, args: { queueId?: string | null }, ctx: PwaContext) =>
      joinLinkOf(ctx.runtime.config.publicUrl, await resolveJoinTarget(ctx.runtime, business.id, args.queueId, ctx.requestId)),
    // Staff only: rendering a PNG costs CPU, so strangers cannot make us draw posters.
    joinPoster: async (business: BusinessRef, args: { queueId?: string | null; format?: PosterFormat | null }, ctx: PwaContext) => {
      const staff = requireStaff(ctx.identity);
      const owned = await ctx.businesses.requireOwn(business.id, staff.organizationId, ctx.requestId);
      const target = await resolveJoinTarget(ctx.runtime, owned.id, args.queueId, ctx.requestId);
      const row = await ctx.loaders.configByBusinessId.load(owned.id);
      const config = row ? toConfigView(row) : defaultConfigView(owned.name);
      const joinLink = joinLinkOf(ctx.runtime.config.publicUrl, target);
      return { joinLink, ...(await renderPoster(config, joinLink, target.queue?.name ?? null, args.format ?? 'SVG')) };
    },
  },
};
