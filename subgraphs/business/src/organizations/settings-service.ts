import { requireRole } from '@waitlessq/auth';
import type { Organization, PrismaClient } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import { readOrganizationSettings, validateSettingsInput, type OrganizationSettingsInput } from './settings';
import type { BusinessContext } from '../context';

/**
 * updateOrganizationSettings: OWNER or ADMIN of the caller's organization. Every setting is
 * checked before anything is written; the sent ones are merged into the JSON column in one
 * statement (jsonb ||), so other keys (provisioningKey) stay and two admins changing different
 * settings at once both keep their change.
 */
export async function updateOrganizationSettings(ctx: BusinessContext, input: OrganizationSettingsInput): Promise<Organization> {
  const { identity } = ctx;
  const prisma = ctx.runtime.db.prisma;
  const { organizationId } = requireRole(identity, 'ADMIN');
  const patch = validateSettingsInput(input ?? {});
  if (Object.keys(patch).length > 0) {
    await prisma.$executeRaw`
      UPDATE "Organization"
      SET "settings" = (CASE WHEN jsonb_typeof("settings") = 'object' THEN "settings" ELSE '{}'::jsonb END) || ${JSON.stringify(patch)}::jsonb,
          "updatedAt" = ${new Date()}::timestamp(3)
      WHERE "id" = ${organizationId}::uuid`;
  }
  const organization = await prisma.organization.findUnique({ where: { id: organizationId } });
  if (!organization) throw new AppError('NOT_FOUND', 'Your organization no longer exists.');
  return organization;
}

export interface RetentionPolicy {
  organizationId: string;
  dataRetentionDays: number;
}

/** Every organization's retention window (its setting, or the default), or those of the ids given: for the retention job. */
export async function retentionPolicies(prisma: PrismaClient, organizationIds?: string[]): Promise<RetentionPolicy[]> {
  const where = organizationIds ? { id: { in: organizationIds } } : {};
  const rows = await prisma.organization.findMany({ where, select: { id: true, settings: true }, orderBy: { id: 'asc' } });
  return rows.map((row) => ({ organizationId: row.id, dataRetentionDays: readOrganizationSettings(row.settings).dataRetentionDays }));
}
