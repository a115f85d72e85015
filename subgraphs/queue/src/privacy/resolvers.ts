import { privacyScope, validCustomerId } from './access';
import { customerQueueData } from './customer-data';
import { eraseCustomerVisits } from './erase-customer-visits';
import type { Resolvers } from '../generated/resolvers-types';

export const privacyResolvers = {
  Query: {
    customerDataExport: async (_, args, ctx) => {
      const organizationId = privacyScope(ctx.identity, args.customerId);
      const customerId = validCustomerId(args.customerId);
      return customerId ? customerQueueData(ctx.runtime.db.prisma, organizationId, customerId) : { visits: [], standbyEntries: [] };
    },
  },
  Mutation: {
    eraseCustomerData: async (_, args, ctx) => {
      const organizationId = privacyScope(ctx.identity, args.customerId);
      const customerId = validCustomerId(args.customerId);
      if (!customerId) return { visits: 0, notifications: 0, historyEvents: 0, standbyEntries: 0 };
      const counts = await eraseCustomerVisits(ctx.runtime.db.prisma, organizationId, customerId);
      ctx.logger.info({ customerId, ...counts }, 'customer erased from the queue subgraph');
      return counts;
    },
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation'>;
