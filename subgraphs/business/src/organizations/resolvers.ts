import type { Organization } from '@waitlessq/database';
import { organizationScope } from '@waitlessq/subgraph-kit';
import { AppError } from '@waitlessq/errors';
import { canReadPublicRow, canReadTenantRow } from '../access';
import type { BusinessContext } from '../context';
import { provisionOrganization, type ProvisionOrganizationInput } from './organization-service';
import { readOrganizationSettings, type OrganizationSettingsInput } from './settings';
import { updateOrganizationSettings } from './settings-service';

export const organizationResolvers = {
  Query: {
    organization: (_: unknown, __: unknown, ctx: BusinessContext) => {
      const organizationId = organizationScope(ctx.identity);
      return organizationId ? ctx.loaders.organizationById.load(organizationId) : null;
    },
  },
  Mutation: {
    provisionOrganization: (_: unknown, args: { input: ProvisionOrganizationInput }, ctx: BusinessContext) =>
      provisionOrganization(ctx, args.input),
    updateOrganizationSettings: (_: unknown, args: { input: OrganizationSettingsInput }, ctx: BusinessContext) =>
      updateOrganizationSettings(ctx, args.input),
  },
  Organization: {
    // Like a business profile, an organization's name and slug are public to anonymous callers
    // (a PWA shows them; sign-in answers `user { organization { name } }` before the caller
    // has a token). Its plan, settings and business list are for its members only.
    __resolveReference: async (reference: { id: string }, ctx: BusinessContext) => {
      const organization = await ctx.loaders.organizationById.load(reference.id);
      return organization && canReadPublicRow(ctx.identity, organization.id) ? organization : null;
    },
    plan: (organization: Organization, _: unknown, ctx: BusinessContext) => membersOnly(ctx, organization).plan,
    createdAt: (organization: Organization, _: unknown, ctx: BusinessContext) => membersOnly(ctx, organization).createdAt,
    settings: (organization: Organization, _: unknown, ctx: BusinessContext) => readOrganizationSettings(membersOnly(ctx, organization).settings),
    businesses: (organization: Organization, _: unknown, ctx: BusinessContext) =>
      ctx.loaders.businessesByOrganizationId.load(membersOnly(ctx, organization).id),
  },
};

function membersOnly(ctx: BusinessContext, organization: Organization): Organization {
  if (canReadTenantRow(ctx.identity, organization.id)) return organization;
  throw new AppError('UNAUTHENTICATED', 'Only members of this organization can read this field.');
}
