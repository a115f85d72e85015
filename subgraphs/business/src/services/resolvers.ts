import type { Resolvers } from '../generated/resolvers-types';
import { loadReferenced } from '../loaders';
import { createService, findService, servicesOfBusiness, updateService } from './service-catalog';

export const serviceResolvers = {
  Query: {
    service: (_, args, ctx) => findService(ctx, args.id),
  },
  Mutation: {
    createService: (_, args, ctx) => createService(ctx, args.input),
    updateService: (_, args, ctx) => updateService(ctx, args.input),
  },
  Service: {
    __resolveReference: (reference, ctx) => findService(ctx, reference.id),
    business: (service, _, ctx) => loadReferenced(ctx.loaders.businessById, service.businessId, 'Business'),
  },
  Business: {
    services: (business, args, ctx) => servicesOfBusiness(ctx, business.id, args.includeInactive === true),
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation' | 'Service' | 'Business'>;
