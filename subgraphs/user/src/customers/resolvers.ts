import type { UserContext } from '../context';
import { registerCustomer, signInCustomer, type RegisterCustomerInput } from './customer-auth';
import {
  createCustomer,
  customerReference,
  findCustomer,
  listCustomers,
  meCustomer,
  type CreateCustomerInput,
  type ListCustomersArgs,
} from './customer-service';

export const customerResolvers = {
  Query: {
    customer: (_: unknown, args: { id: string }, ctx: UserContext) => findCustomer(ctx, args.id),
    customers: (_: unknown, args: ListCustomersArgs, ctx: UserContext) => listCustomers(ctx, args),
    meCustomer: (_: unknown, __: unknown, ctx: UserContext) => meCustomer(ctx),
  },
  Mutation: {
    createCustomer: (_: unknown, args: { input: CreateCustomerInput }, ctx: UserContext) => createCustomer(ctx, args.input),
    registerCustomer: (_: unknown, args: { input: RegisterCustomerInput }, ctx: UserContext) => registerCustomer(ctx, args.input),
    signInCustomer: (_: unknown, args: { organizationId: string; email: string; password: string }, ctx: UserContext) =>
      signInCustomer(ctx, args.organizationId, args.email, args.password),
  },
  Customer: {
    __resolveReference: (reference: { id: string }, ctx: UserContext) => customerReference(ctx, reference.id),
  },
};
