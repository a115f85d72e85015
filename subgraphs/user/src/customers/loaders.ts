import type DataLoader from 'dataloader';
import type { Identity } from '@waitlessq/auth';
import type { Customer, Prisma, PrismaClient } from '@waitlessq/database';
import { createByIdLoader } from '@waitlessq/subgraph-kit';
import { isUuid } from '@waitlessq/validation';

export interface CustomerLoaders {
  /** Customers the caller may see (see `visibleCustomers`); null for any other id. */
  customerById: DataLoader<string, Customer | null>;
}

/**
 * Staff and partners of an organization see its customers; a customer sees only itself;
 * everyone else sees none. Null means "nobody".
 */
export function visibleCustomers(identity: Identity): Prisma.CustomerWhereInput | null {
  switch (identity.kind) {
    case 'staff':
    case 'partner':
      return { organizationId: identity.organizationId };
    case 'customer':
      return { organizationId: identity.organizationId, id: identity.subjectId };
    default:
      return null;
  }
}

export function createCustomerLoaders(prisma: PrismaClient, identity: Identity): CustomerLoaders {
  const scope = visibleCustomers(identity);
  return {
    customerById: createByIdLoader(async (ids) => {
      const valid = ids.filter(isUuid);
      if (!scope || valid.length === 0) return [];
      return prisma.customer.findMany({ where: { AND: [scope, { id: { in: valid } }] } });
    }),
  };
}
