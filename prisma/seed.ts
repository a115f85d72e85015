import { createPasswordHasher } from '@waitlessq/auth';
import { loadConfig } from '@waitlessq/config';
import { createDatabase } from '@waitlessq/database';
import { createLogger } from '@waitlessq/observability';
// The seed's logic ships with the all-in-one start (apps/all-in-one), which seeds a fresh clone.
import { demoCredentials, seedDemo } from '../apps/all-in-one/src/demo-seed';

export { seedDemo, demoCredentials };
export type { DemoData, SeedDemoOptions } from '../apps/all-in-one/src/demo-seed';

/** `npm run seed`: writes the demo organization to DATABASE_URL (or the embedded database). */
async function main(): Promise<void> {
  const config = loadConfig('user');
  const logger = createLogger('seed', config.logLevel);
  const db = await createDatabase(config.database, logger);
  try {
    const created = await seedDemo(db.prisma, { passwordHasher: createPasswordHasher({ memoryKib: config.auth.passwordHashMemoryKib }) });
    process.stdout.write(
      created
        ? `Seeded the demo organization. Sign in as ${demoCredentials.ownerEmail} / ${demoCredentials.password}\n`
        : 'The demo organization exists already; nothing written.\n',
    );
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`seed failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
