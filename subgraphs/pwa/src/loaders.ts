import DataLoader from 'dataloader';
import { Prisma, type PrismaClient, type PwaBuild, type PwaConfig } from '@waitlessq/database';
import { isUuid } from '@waitlessq/validation';

export interface BuildsKey {
  businessId: string;
  first: number;
}

/**
 * Per-request loaders: a fixed number of statements per batch, whatever the number of
 * businesses or builds. Window functions pick the newest builds per business in SQL, so no
 * business's whole history is loaded.
 */
export function createLoaders(prisma: PrismaClient) {
  return {
    configByBusinessId: new DataLoader<string, PwaConfig | null>(async (businessIds) => {
      const rows = await prisma.pwaConfig.findMany({ where: { businessId: { in: businessIds.filter(isUuid) } } });
      const byBusiness = new Map(rows.map((row) => [row.businessId, row]));
      return businessIds.map((id) => byBusiness.get(id) ?? null);
    }),
    latestBuildByBusinessId: new DataLoader<string, PwaBuild | null>(async (businessIds) => {
      const valid = businessIds.filter(isUuid);
      const ranked = valid.length
        ? await prisma.$queryRaw<{ id: string }[]>`
            SELECT DISTINCT ON ("businessId") id FROM "PwaBuild"
            WHERE "businessId" IN (${uuidList(valid)}) AND status = 'PUBLISHED'
            ORDER BY "businessId", version DESC`
        : [];
      const rows = await buildsByIds(prisma, ranked);
      const byBusiness = new Map(rows.map((row) => [row.businessId, row]));
      return businessIds.map((id) => byBusiness.get(id) ?? null);
    }),
    buildsByBusiness: new DataLoader<BuildsKey, PwaBuild[], string>(
      async (keys) => {
        const valid = [...new Set(keys.map((key) => key.businessId).filter(isUuid))];
        const limit = Math.max(0, ...keys.map((key) => key.first));
        const ranked = valid.length
          ? await prisma.$queryRaw<{ id: string }[]>`
              SELECT id FROM (
                SELECT id, ROW_NUMBER() OVER (PARTITION BY "businessId" ORDER BY version DESC) AS rank
                FROM "PwaBuild" WHERE "businessId" IN (${uuidList(valid)})
              ) ranked WHERE rank <= ${limit}`
          : [];
        const rows = await buildsByIds(prisma, ranked);
        return keys.map((key) => rows.filter((row) => row.businessId === key.businessId).slice(0, key.first));
      },
      { cacheKeyFn: (key) => `${key.businessId}:${key.first}` },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

function uuidList(ids: string[]) {
  return Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`));
}

async function buildsByIds(prisma: PrismaClient, ranked: { id: string }[]): Promise<PwaBuild[]> {
  if (ranked.length === 0) return [];
  return prisma.pwaBuild.findMany({ where: { id: { in: ranked.map((row) => row.id) } }, orderBy: [{ businessId: 'asc' }, { version: 'desc' }] });
}
