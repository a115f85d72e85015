import type { Resolvers } from '../generated/resolvers-types';
import { registerCustomer, signInCustomer } from './customer-auth';
import { createCustomer, customerReference, findCustomer, listCustomers, meCustomer } from './customer-service';

export const customerResolvers = {
  Query: {
    customer: (_, args, ctx) => findCustomer(ctx, args.id),
    customers: (_, args, ctx) => listCustomers(ctx, args),
    meCustomer: (_, __, ctx) => meCustomer(ctx),
  },
  Mutation: {
    createCustomer: (_, args, ctx) => createCustomer(ctx, args.input),
    registerCustomer: (_, args, ctx) => registerCustomer(ctx, args.input),
    signInCustomer: (_, args, ctx) => signInCustomer(ctx, args.organizationId, args.email, args.password),
  },
  Customer: {
    __resolveReference: (reference, ctx) => customerReference(ctx, reference.id),
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation' | 'Customer'>;
