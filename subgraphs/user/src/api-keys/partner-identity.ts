import { AppError } from '@waitlessq/errors';
import type { UserContext } from '../context';

/** What the gateway turns into a `partner` identity. */
export interface PartnerIdentity {
  apiKeyId: string;
  organizationId: string;
}

const keyHashPattern = /^[0-9a-f]{64}$/;
/** `lastUsedAt` is written at most this often per key, however many gateways ask. */
export const lastUsedResolutionMs = 60_000;

/**
 * `apiKeyIdentity`, for the gateway only: the partner behind a key hash, or null when the key
 * is unknown or revoked. One statement on the primary (raw queries never go to a replica, so a
 * key revoked a moment ago is never read as live) that also stamps `lastUsedAt` when the last
 * stamp is more than a minute old. The gateway asks on a cache miss only, so this is not a
 * write per request.
 */
export async function resolvePartnerIdentity(ctx: UserContext, keyHash: string): Promise<PartnerIdentity | null> {
  if (ctx.identity.kind !== 'service') throw new AppError('FORBIDDEN', 'Only the gateway may resolve API keys.');
  if (!keyHashPattern.test(keyHash)) return null;
  const now = new Date();
  const staleBefore = new Date(now.getTime() - lastUsedResolutionMs);
  const rows = await ctx.runtime.db.prisma.$queryRaw<{ id: string; organizationId: string }[]>`
    WITH found AS (
      SELECT "id", "organizationId", "lastUsedAt" FROM "ApiKey"
      WHERE "keyHash" = ${keyHash} AND "revokedAt" IS NULL
    ), touched AS (
      UPDATE "ApiKey" SET "lastUsedAt" = ${now}::timestamp(3)
      WHERE "id" IN (SELECT "id" FROM found WHERE "lastUsedAt" IS NULL OR "lastUsedAt" < ${staleBefore}::timestamp(3))
      RETURNING "id"
    )
    SELECT "id"::text AS "id", "organizationId"::text AS "organizationId" FROM found`;
  const row = rows[0];
  return row ? { apiKeyId: row.id, organizationId: row.organizationId } : null;
}
