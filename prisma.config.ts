// Prisma 7 CLI configuration. Run the CLI through the offline wrapper
// (`npm run prisma -- <command>`, see packages/prisma-offline/README.md):
// it supplies the schema engine, which cannot be downloaded on our machines.
import { defineConfig, env } from 'prisma/config';

export default defineConfig({
  // Multi-file schema: every *.prisma file under this folder.
  schema: 'prisma/schema',
  migrations: {
    path: 'prisma/migrations',
    seed: 'tsx prisma/seed.ts',
  },
  datasource: {
    // Required by migrate/db commands; the wrapper sets a placeholder for
    // `generate`/`validate`/`format`, which never connect.
    url: env('DATABASE_URL'),
    // Optional. When unset, a temporary prisma_migrate_shadow_db_* database is
    // created and dropped on the same server (needs CREATEDB).
    shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL,
  },
});
