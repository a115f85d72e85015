// End-to-end check of the offline schema engine: the real Prisma CLI, run
// through bin/prisma.js, against a scratch PostgreSQL database. Needs the
// PostgreSQL server the other integration tests use (TEST_DATABASE_ADMIN_URL,
// default postgres@127.0.0.1:5432, allowed to CREATE DATABASE).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const repoRoot = path.resolve(__dirname, '../../..');
const wrapper = path.resolve(__dirname, '../bin/prisma.js');
const fixtures = path.resolve(__dirname, '../test-fixtures');
const fixtureConfig = path.join(fixtures, 'prisma.config.ts');
const fixtureSchema = path.join(fixtures, 'schema');
const fixtureMigrations = path.join(fixtures, 'migrations');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `prisma <args> --config <fixture config>` through the offline wrapper. */
function prisma(args: string[], databaseUrl: string): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [wrapper, ...args, '--config', fixtureConfig],
      { cwd: repoRoot, env: { ...process.env, DATABASE_URL: databaseUrl, NO_COLOR: '1' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe('prisma-offline schema engine (wasm) against PostgreSQL', () => {
  const dbName = `prisma_offline_it_${randomBytes(5).toString('hex')}`;
  const dbUrl = (() => {
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;
    return url.toString();
  })();
  let tmpDir: string;

  beforeAll(async () => {
    await withAdmin((c) => c.query(`CREATE DATABASE "${dbName}"`));
    tmpDir = mkdtempSync(path.join(os.tmpdir(), 'prisma-offline-it-'));
  });

  afterAll(async () => {
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`));
    if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  });

  it('applies the fixture migration with `migrate deploy`', async () => {
    const result = await prisma(['migrate', 'deploy'], dbUrl);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('20260101000000_init');

    const client = new Client({ connectionString: dbUrl });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(['Clinic', 'Patient', '_prisma_migrations']);
      const applied = await client.query(`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`);
      expect(applied.rows).toEqual([{ migration_name: '20260101000000_init' }]);
    } finally {
      await client.end();
    }
  }, 30_000);

  it('`migrate diff --exit-code` exits 0 when the migrations match the schema', async () => {
    // Replays the migrations into a temporary shadow database, then introspects it
    // (the introspection reads PostgreSQL's "char" catalog columns).
    const result = await prisma(['migrate', 'diff', '--from-migrations', fixtureMigrations, '--to-schema', fixtureSchema, '--exit-code'], dbUrl);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('No difference detected');
  }, 30_000);

  it('`migrate diff --exit-code` exits 2 when the schema has changed', async () => {
    const changed = path.join(tmpDir, 'schema.prisma');
    const original = readFileSync(path.join(fixtureSchema, 'schema.prisma'), 'utf8');
    writeFileSync(changed, original.replace('  name      String\n', '  name      String\n  phone     String?\n'));

    const result = await prisma(['migrate', 'diff', '--from-migrations', fixtureMigrations, '--to-schema', changed, '--exit-code'], dbUrl);
    expect(result).toMatchObject({ code: 2 });
    expect(result.stdout).toMatch(/Added column `phone`/);
  }, 30_000);
});
