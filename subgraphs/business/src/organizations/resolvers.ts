import type { Organization } from '@waitlessq/database';
import { organizationScope } from '@waitlessq/subgraph-kit';
import { canReadTenantRow } from '../access';
import type { BusinessContext } from '../context';
import { provisionOrganization, type ProvisionOrganizationInput } from './organization-service';
import { readOrganizationSettings } from './settings';

export const organizationResolvers = {
  Query: {
    organization: (_: unknown, __: unknown, ctx: BusinessContext) => {
      const organizationId = organizationScope(ctx.identity);
      return organizationId ? ctx.loaders.organizationById.load(organizationId) : null;
    },
  },
  Mutation: {
    provisionOrganization: (_: unknown, args: { input: ProvisionOrganizationInput }, ctx: BusinessContext) =>
      provisionOrganization(ctx.runtime.db.prisma, ctx.identity, args.input),
  },
  Organization: {
    __resolveReference: async (reference: { id: string }, ctx: BusinessContext) => {
      const organization = await ctx.loaders.organizationById.load(reference.id);
      return organization && canReadTenantRow(ctx.identity, organization.id) ? organization : null;
    },
    settings: (organization: Organization) => readOrganizationSettings(organization.settings),
    businesses: (organization: Organization, _: unknown, ctx: BusinessContext) => ctx.loaders.businessesByOrganizationId.load(organization.id),
  },
};
