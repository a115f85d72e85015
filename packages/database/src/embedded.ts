import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { Logger } from '@waitlessq/observability';
import { applyMigrations } from './embedded-migrations';

interface OpenEmbedded {
  pglite: PGlite;
  adapter: PrismaPGlite;
  users: number;
}

/**
 * PGlite is a single connection in this process: the subgraphs of an all-in-one start share
 * one instance per data folder, opened and migrated once, closed when the last one releases it.
 */
const open = new Map<string, Promise<OpenEmbedded>>();

export async function openEmbeddedPostgres(dataDir: string, logger: Logger) {
  const dir = path.resolve(dataDir);
  let entry = open.get(dir);
  if (!entry) {
    entry = (async () => {
      mkdirSync(dir, { recursive: true });
      const pglite = new PGlite(dir);
      await pglite.waitReady;
      const applied = await applyMigrations(
        (sql) => pglite.exec(sql).then(() => undefined),
        (sql, params) => pglite.query(sql, params).then((r) => r.rows as Record<string, unknown>[]),
      );
      if (applied.length > 0) logger.info({ dataDir: dir, applied }, 'applied migrations to the embedded database');
      return { pglite, adapter: new PrismaPGlite(pglite), users: 0 };
    })();
    open.set(dir, entry);
  }
  const resolved = await entry;
  resolved.users += 1;
  return {
    adapter: resolved.adapter,
    release: async () => {
      resolved.users -= 1;
      if (resolved.users === 0) {
        open.delete(dir);
        await resolved.pglite.close();
      }
    },
  };
}
