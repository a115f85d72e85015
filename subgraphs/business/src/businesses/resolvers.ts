import type { Resolvers } from '../generated/resolvers-types';
import { businessAddress, businessOrganization, findBusiness, findBusinessReference, listBusinesses } from './business-queries';
import { createBusiness, updateBusiness } from './business-service';

export const businessResolvers = {
  Query: {
    business: (_, args, ctx) => findBusiness(ctx, args),
    businesses: (_, __, ctx) => listBusinesses(ctx),
  },
  Mutation: {
    createBusiness: (_, args, ctx) => createBusiness(ctx, args.input),
    updateBusiness: (_, args, ctx) => updateBusiness(ctx, args.input),
  },
  Business: {
    __resolveReference: (reference, ctx) => findBusinessReference(ctx, reference.id),
    address: (business) => businessAddress(business),
    organization: (business, _, ctx) => businessOrganization(ctx, business),
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation' | 'Business'>;
