import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** prisma/migrations at the repository root (the same depth from src/ and dist/). */
export const migrationsDir = path.resolve(__dirname, '../../../prisma/migrations');

type Exec = (sql: string) => Promise<void>;
type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * Applies prisma/migrations to a database that `prisma migrate deploy` cannot reach (the
 * embedded PGlite lives inside this process). Keeps Prisma's own `_prisma_migrations` table,
 * so the record reads the same as after `migrate deploy`. Returns the names it applied.
 */
export async function applyMigrations(exec: Exec, query: Query, dir = migrationsDir): Promise<string[]> {
  await exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`);
  const done = new Set(
    (await query(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)).map(
      (row) => row.migration_name as string,
    ),
  );
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort();
  const applied: string[] = [];
  for (const name of names) {
    if (done.has(name)) continue;
    const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
    const checksum = createHash('sha256').update(sql).digest('hex');
    await exec(`BEGIN;\n${sql}\nCOMMIT;`);
    await query(`INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`, [
      randomUUID(),
      checksum,
      name,
    ]);
    applied.push(name);
  }
  return applied;
}
