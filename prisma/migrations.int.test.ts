import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { adminDatabaseUrl } from '@waitlessq/testkit';

const root = path.resolve(__dirname, '..');

/** The schema files and the migrations must describe the same database. */
describe('prisma/migrations', () => {
  it('are in sync with prisma/schema (run `npm run migrate:dev -- --name <change>` when this fails)', () => {
    const result = spawnSync(
      process.execPath,
      ['packages/prisma-offline/bin/prisma.js', 'migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema', 'prisma/schema', '--exit-code'],
      // The engine replays the migrations into a temporary shadow database on this server.
      { cwd: root, env: { ...process.env, DATABASE_URL: adminDatabaseUrl }, encoding: 'utf8', timeout: 60_000 },
    );
    expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({ status: 0, output: expect.stringContaining('No difference detected') });
  });
});
