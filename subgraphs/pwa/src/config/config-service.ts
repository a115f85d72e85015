import { requireRole } from '@waitlessq/auth';
import type { PwaConfig } from '@waitlessq/database';
import { canReadConfig } from '../access';
import type { PwaContext } from '../context';
import { applyConfigInput, type UpdatePwaConfigInput } from './config-input';
import { defaultConfigView, toConfigView, type PwaConfigView } from './config-view';

/** A stored configuration as the API shows it: the row with its JSON columns read. */
export type PwaConfigRecord = PwaConfig & PwaConfigView;

export function toConfigRecord(row: PwaConfig): PwaConfigRecord {
  return { ...row, ...toConfigView(row) };
}

/**
 * Creates the configuration on the first call (starting from the business's name) and
 * updates it after. The business must be the caller's: the business subgraph is asked,
 * since it owns businesses.
 */
export async function updatePwaConfig(ctx: PwaContext, input: UpdatePwaConfigInput): Promise<PwaConfigRecord> {
  const { organizationId } = requireRole(ctx.identity, 'MANAGER');
  const business = await ctx.businesses.requireOwn(input.businessId, organizationId, ctx.requestId);
  const prisma = ctx.runtime.db.prisma;
  const existing = await prisma.pwaConfig.findUnique({ where: { businessId: business.id } });
  const next = applyConfigInput(existing ? toConfigView(existing) : defaultConfigView(business.name), input);
  const row = await prisma.pwaConfig.upsert({
    where: { businessId: business.id },
    create: { ...next, businessId: business.id, organizationId },
    update: next,
  });
  return toConfigRecord(row);
}

export async function findConfig(ctx: PwaContext, businessId: string): Promise<PwaConfigRecord | null> {
  const row = await ctx.loaders.configByBusinessId.load(businessId);
  return row && canReadConfig(ctx.identity, row.organizationId) ? toConfigRecord(row) : null;
}
