import { auditVisitEvents } from './visit-audit';
import type { Resolvers } from '../generated/resolvers-types';

export const auditResolvers = {
  Query: {
    auditVisitEvents: (_, args, context) => auditVisitEvents(context, args),
  },
} satisfies Pick<Resolvers, 'Query'>;
