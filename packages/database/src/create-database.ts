import { PrismaPg } from '@prisma/adapter-pg';
import type { DatabaseConfig } from '@waitlessq/config';
import type { Logger } from '@waitlessq/observability';
import { PrismaClient } from './generated/prisma/client';
import { openEmbeddedPostgres } from './embedded';

/**
 * The one owner of database clients. Features receive `db.prisma`; nobody else constructs a
 * PrismaClient. Everything it opens, `close()` closes.
 */
export interface Database {
  kind: DatabaseConfig['kind'];
  prisma: PrismaClient;
  /** Resolves when the database answers a trivial query (readiness checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function createDatabase(config: DatabaseConfig, logger: Logger): Promise<Database> {
  if (config.kind === 'embedded') {
    const embedded = await openEmbeddedPostgres(config.embeddedDataDir, logger);
    const prisma = new PrismaClient({ adapter: embedded.adapter });
    return {
      kind: 'embedded',
      prisma,
      ping: async () => void (await prisma.$queryRaw`SELECT 1`),
      close: async () => {
        await prisma.$disconnect();
        await embedded.release();
      },
    };
  }
  if (!config.url) throw new Error('database.url is required for kind postgres');
  const adapter = new PrismaPg({
    connectionString: config.url,
    max: config.poolSize,
    connectionTimeoutMillis: config.connectTimeoutMs,
    // Set per connection by PostgreSQL itself, so a runaway statement cannot hold a pool slot.
    statement_timeout: config.statementTimeoutMs,
    application_name: 'waitlessq',
  });
  const prisma = new PrismaClient({ adapter });
  return {
    kind: 'postgres',
    prisma,
    ping: async () => void (await prisma.$queryRaw`SELECT 1`),
    close: () => prisma.$disconnect(),
  };
}
