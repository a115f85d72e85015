import { exportCustomerQueueData } from './customer-data';
import { eraseCustomerData } from './erase-customer-visits';
import type { Resolvers } from '../generated/resolvers-types';

export const privacyResolvers = {
  Query: {
    customerDataExport: (_, args, ctx) => exportCustomerQueueData(ctx, args.customerId),
  },
  Mutation: {
    eraseCustomerData: (_, args, ctx) => eraseCustomerData(ctx, args.customerId),
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation'>;
