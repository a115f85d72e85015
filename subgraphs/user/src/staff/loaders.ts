import DataLoader from 'dataloader';
import type { Identity } from '@waitlessq/auth';
import type { PrismaClient, User } from '@waitlessq/database';
import { createByIdLoader } from '@waitlessq/subgraph-kit';
import { isUuid } from '@waitlessq/validation';

export interface StaffLoaders {
  /** Staff accounts of the caller's organization, visible to its staff only; null otherwise. */
  userById: DataLoader<string, User | null>;
  /** All staff accounts of an organization, by name. */
  staffByOrganization: DataLoader<string, User[]>;
}

export function createStaffLoaders(prisma: PrismaClient, identity: Identity): StaffLoaders {
  // Customers and partners share the organization but not its staff directory (emails, roles).
  const organizationId = identity.kind === 'staff' ? identity.organizationId : null;
  return {
    userById: createByIdLoader(async (ids) => {
      const valid = ids.filter(isUuid);
      if (!organizationId || valid.length === 0) return [];
      return prisma.user.findMany({ where: { id: { in: valid }, organizationId } });
    }),
    staffByOrganization: new DataLoader(async (organizationIds) => {
      const rows = await prisma.user.findMany({
        where: { organizationId: { in: organizationIds.filter(isUuid) } },
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
      });
      return organizationIds.map((id) => rows.filter((row) => row.organizationId === id));
    }),
  };
}
