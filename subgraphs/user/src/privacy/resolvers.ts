import type { UserContext } from '../context';
import { eraseCustomer, eraseMyAccount, exportCustomerData, exportMyData } from './customer-privacy';
import { JSONObjectScalar } from './json-object-scalar';

export const privacyResolvers = {
  JSONObject: JSONObjectScalar,
  Query: {
    exportCustomerData: (_: unknown, args: { customerId: string }, ctx: UserContext) => exportCustomerData(ctx, args.customerId),
    exportMyData: (_: unknown, __: unknown, ctx: UserContext) => exportMyData(ctx),
  },
  Mutation: {
    eraseCustomer: (_: unknown, args: { customerId: string }, ctx: UserContext) => eraseCustomer(ctx, args.customerId),
    eraseMyAccount: (_: unknown, __: unknown, ctx: UserContext) => eraseMyAccount(ctx),
  },
};
