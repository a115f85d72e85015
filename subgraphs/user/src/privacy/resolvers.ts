import type { Resolvers } from '../generated/resolvers-types';
import { eraseCustomer, eraseMyAccount, exportCustomerData, exportMyData } from './customer-privacy';
import { JSONObjectScalar } from './json-object-scalar';

export const privacyResolvers = {
  JSONObject: JSONObjectScalar,
  Query: {
    exportCustomerData: (_, args, ctx) => exportCustomerData(ctx, args.customerId),
    exportMyData: (_, __, ctx) => exportMyData(ctx),
  },
  Mutation: {
    eraseCustomer: (_, args, ctx) => eraseCustomer(ctx, args.customerId),
    eraseMyAccount: (_, __, ctx) => eraseMyAccount(ctx),
  },
} satisfies Pick<Resolvers, 'JSONObject' | 'Query' | 'Mutation'>;
