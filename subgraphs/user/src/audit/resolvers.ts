import { GraphQLScalarType } from 'graphql';
import { JSONScalar } from '@waitlessq/subgraph-kit';
import type { Resolvers } from '../generated/resolvers-types';
import { auditLog } from './audit-log';

/**
 * subgraph-kit's JSON scalar under its own name: the other subgraphs declare JSON
 * @inaccessible (internal data), which would hide any public field of that type.
 */
export const AuditDetailScalar = new GraphQLScalarType({
  ...JSONScalar.toConfig(),
  name: 'AuditDetail',
  description: 'Facts of an audited change, as a JSON object.',
});

export const auditResolvers = {
  AuditDetail: AuditDetailScalar,
  Query: {
    auditLog: (_, args, ctx) => auditLog(ctx, args),
  },
} satisfies Pick<Resolvers, 'AuditDetail' | 'Query'>;
