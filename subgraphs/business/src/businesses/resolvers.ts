import type { Business } from '@waitlessq/database';
import type { BusinessContext } from '../context';
import type { CreateBusinessInput, UpdateBusinessInput } from './business-input';
import { businessAddress, businessOrganization, findBusiness, findBusinessReference, listBusinesses } from './business-queries';
import { createBusiness, updateBusiness } from './business-service';

export const businessResolvers = {
  Query: {
    business: (_: unknown, args: { id?: string | null; slug?: string | null }, ctx: BusinessContext) => findBusiness(ctx, args),
    businesses: (_: unknown, __: unknown, ctx: BusinessContext) => listBusinesses(ctx),
  },
  Mutation: {
    createBusiness: (_: unknown, args: { input: CreateBusinessInput }, ctx: BusinessContext) =>
      createBusiness(ctx, args.input),
    updateBusiness: (_: unknown, args: { input: UpdateBusinessInput }, ctx: BusinessContext) =>
      updateBusiness(ctx, args.input),
  },
  Business: {
    __resolveReference: (reference: { id: string }, ctx: BusinessContext) => findBusinessReference(ctx, reference.id),
    address: (business: Business) => businessAddress(business),
    organization: (business: Business, _: unknown, ctx: BusinessContext) => businessOrganization(ctx, business),
  },
};
