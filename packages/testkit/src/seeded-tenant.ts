import { randomUUID } from 'node:crypto';
import { staffRoles, type Identity, type StaffRole } from '@waitlessq/auth';
import type { PrismaClient } from '@waitlessq/database';
import { staffIdentity } from './identities';
import type { Tenant } from './tenant';

/**
 * A tenant written straight into the tables, for a suite that runs one subgraph without the
 * gateway: the organization and business of a `Tenant`, the services it asked for, and
 * identities signed as the gateway would sign them for its people.
 */
export interface SeededTenant extends Pick<Tenant, 'organizationId' | 'businessId'> {
  serviceIds: string[];
  staff(role?: StaffRole): Identity;
  customer(id?: string): Identity;
  partner(): Identity;
}

export interface SeedTenantOptions {
  timezone?: string;
  /** One service per entry, of that many minutes. */
  serviceMinutes?: number[];
}

export async function seedTenant(prisma: PrismaClient, { timezone = 'Europe/Berlin', serviceMinutes = [] }: SeedTenantOptions = {}): Promise<SeededTenant> {
  const suffix = randomUUID().slice(0, 8);
  const organization = await prisma.organization.create({ data: { name: `Org ${suffix}`, slug: `org-${suffix}` } });
  const organizationId = organization.id;
  const shop = await prisma.business.create({ data: { organizationId, name: `Shop ${suffix}`, slug: `shop-${suffix}`, timezone } });
  const serviceIds: string[] = [];
  for (const [index, durationMinutes] of serviceMinutes.entries()) {
    const service = await prisma.service.create({ data: { organizationId, businessId: shop.id, name: `Service ${index}`, durationMinutes } });
    serviceIds.push(service.id);
  }
  const staffIds = Object.fromEntries(staffRoles.map((role) => [role, randomUUID()])) as Record<StaffRole, string>;
  return {
    organizationId,
    businessId: shop.id,
    serviceIds,
    // One staff member per role, as in a real shop: a retry by the same person is the same caller (idempotency keys).
    staff: (role = 'MANAGER') => staffIdentity(organizationId, role, staffIds[role]),
    customer: (id = randomUUID()) => ({ kind: 'customer', subjectId: id, organizationId }),
    partner: () => ({ kind: 'partner', subjectId: randomUUID(), organizationId }),
  };
}
