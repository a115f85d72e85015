import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

/** A server where tests may create and drop databases (this machine's PostgreSQL). */
export const adminDatabaseUrl = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

const migrationsDir = path.resolve(__dirname, '../../../prisma/migrations');
const TEMPLATE = 'wlq_test_template';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one test suite, copied from a template database that is
 * migrated once per change of prisma/migrations (CREATE DATABASE ... TEMPLATE takes
 * milliseconds; migrating takes seconds).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = new Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  const name = `wlq_test_${randomBytes(6).toString('hex')}`;
  try {
    // Suites run in parallel workers: one of them (re)builds the template, the others wait.
    await admin.query('SELECT pg_advisory_lock(727001)');
    try {
      await ensureTemplate(admin);
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE}"`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock(727001)');
    }
  } finally {
    await admin.end();
  }
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const client = new Client({ connectionString: adminDatabaseUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

function migrationsFingerprint(): { fingerprint: string; sql: string[] } {
  const names = readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const sql = names.map((name) => readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8'));
  return { fingerprint: createHash('sha256').update(sql.join('\n--\n')).digest('hex'), sql };
}

async function ensureTemplate(admin: Client): Promise<void> {
  const { fingerprint, sql } = migrationsFingerprint();
  const existing = await admin.query(`SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`, [TEMPLATE]);
  if (existing.rows[0]?.comment === fingerprint) return;
  if (existing.rowCount) await admin.query(`DROP DATABASE "${TEMPLATE}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${TEMPLATE}"`);
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${TEMPLATE}`;
  const template = new Client({ connectionString: url.toString() });
  await template.connect();
  try {
    for (const migration of sql) await template.query(migration);
  } finally {
    await template.end();
  }
  await admin.query(`COMMENT ON DATABASE "${TEMPLATE}" IS '${fingerprint}'`);
}
