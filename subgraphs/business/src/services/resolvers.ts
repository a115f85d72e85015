import type { Business, Service } from '@waitlessq/database';
import type { BusinessContext } from '../context';
import { createService, findService, servicesOfBusiness, updateService } from './service-catalog';
import type { CreateServiceInput, UpdateServiceInput } from './service-input';

export const serviceResolvers = {
  Query: {
    service: (_: unknown, args: { id: string }, ctx: BusinessContext) => findService(ctx, args.id),
  },
  Mutation: {
    createService: (_: unknown, args: { input: CreateServiceInput }, ctx: BusinessContext) =>
      createService(ctx, args.input),
    updateService: (_: unknown, args: { input: UpdateServiceInput }, ctx: BusinessContext) =>
      updateService(ctx, args.input),
  },
  Service: {
    __resolveReference: (reference: { id: string }, ctx: BusinessContext) => findService(ctx, reference.id),
    business: (service: Service, _: unknown, ctx: BusinessContext) => ctx.loaders.businessById.load(service.businessId),
  },
  Business: {
    services: (business: Business, args: { includeInactive?: boolean | null }, ctx: BusinessContext) =>
      servicesOfBusiness(ctx, business.id, args.includeInactive === true),
  },
};
