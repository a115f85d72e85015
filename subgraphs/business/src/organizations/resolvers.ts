import type { Organization } from '@waitlessq/database';
import { organizationScope } from '@waitlessq/subgraph-kit';
import { AppError } from '@waitlessq/errors';
import { canReadPublicRow, canReadTenantRow } from '../access';
import type { BusinessContext } from '../context';
import type { Resolvers } from '../generated/resolvers-types';
import { provisionOrganization } from './organization-service';
import { readOrganizationSettings } from './settings';
import { updateOrganizationSettings } from './settings-service';

export const organizationResolvers = {
  Query: {
    organization: (_, __, ctx) => {
      const organizationId = organizationScope(ctx.identity);
      return organizationId ? ctx.loaders.organizationById.load(organizationId) : null;
    },
  },
  Mutation: {
    provisionOrganization: (_, args, ctx) => provisionOrganization(ctx, args.input),
    updateOrganizationSettings: (_, args, ctx) => updateOrganizationSettings(ctx, args.input),
  },
  Organization: {
    // Like a business profile, an organization's name and slug are public to anonymous callers
    // (a PWA shows them; sign-in answers `user { organization { name } }` before the caller
    // has a token). Its plan, settings and business list are for its members only.
    __resolveReference: async (reference, ctx) => {
      const organization = await ctx.loaders.organizationById.load(reference.id);
      return organization && canReadPublicRow(ctx.identity, organization.id) ? organization : null;
    },
    plan: (organization, _, ctx) => membersOnly(ctx, organization).plan,
    createdAt: (organization, _, ctx) => membersOnly(ctx, organization).createdAt,
    settings: (organization, _, ctx) => readOrganizationSettings(membersOnly(ctx, organization).settings),
    businesses: (organization, _, ctx) => ctx.loaders.businessesByOrganizationId.load(membersOnly(ctx, organization).id),
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation' | 'Organization'>;

function membersOnly(ctx: BusinessContext, organization: Organization): Organization {
  if (canReadTenantRow(ctx.identity, organization.id)) return organization;
  throw new AppError('UNAUTHENTICATED', 'Only members of this organization can read this field.');
}
