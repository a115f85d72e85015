import { PrismaPg } from '@prisma/adapter-pg';
import type { DatabaseConfig } from '@waitlessq/config';
import type { Logger } from '@waitlessq/observability';
import { PrismaClient } from './generated/prisma/client';
import { openEmbeddedPostgres } from './embedded';
import { countStatements, measureQueries, type QueryTarget } from './query-metrics';
import { createReadRouter } from './read-router';
import { createReplicaHealth, type ReplicaState } from './replica-health';
import { createWriteTracker, type WriteMarkStore } from './write-tracker';

/**
 * The one owner of database clients. Features receive `db.prisma`; nobody else constructs a
 * PrismaClient. Everything it opens, `close()` closes.
 */
export interface Database {
  kind: DatabaseConfig['kind'];
  /**
   * Reads from a healthy replica when replicas are configured and the caller is in a request
   * scope that may (see request-scope.ts); everything else on the primary.
   */
  prisma: PrismaClient;
  /** Always the primary. */
  primary: PrismaClient;
  /** A healthy replica for an explicit replica read (raw queries), else the primary. */
  replica(): PrismaClient;
  /** Health of each replica, as the checker last saw it (empty without replicas). */
  replicaStates(): ReplicaState[];
  /** Resolves when the database answers a trivial query (readiness checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Where actors' recent writes are remembered (Redis, shared by every process); in memory otherwise. */
  writeMarks?: WriteMarkStore;
}

export async function createDatabase(config: DatabaseConfig, logger: Logger, options: DatabaseOptions = {}): Promise<Database> {
  if (config.kind === 'embedded') {
    const embedded = await openEmbeddedPostgres(config.embeddedDataDir, logger);
    const base = new PrismaClient({ adapter: countStatements(embedded.adapter, 'primary') });
    const prisma = measureQueries(base, { target: 'primary', slowQueryMs: config.slowQueryMs, logger });
    return {
      kind: 'embedded',
      prisma,
      primary: prisma,
      replica: () => prisma,
      replicaStates: () => [],
      ping: async () => void (await prisma.$queryRaw`SELECT 1`),
      close: async () => {
        await base.$disconnect();
        await embedded.release();
      },
    };
  }
  if (!config.url) throw new Error('database.url is required for kind postgres');
  const client = (url: string, target: QueryTarget, applicationName: string, onPoolError?: (error: Error) => void) =>
    new PrismaClient({
      adapter: countStatements(
        new PrismaPg(
          {
            connectionString: url,
            max: config.poolSize,
            connectionTimeoutMillis: config.connectTimeoutMs,
            // Set per connection by PostgreSQL itself, so a runaway statement cannot hold a pool slot.
            statement_timeout: config.statementTimeoutMs,
            // Names the connections in pg_stat_activity, so each server shows who reads from it.
            application_name: applicationName,
          },
          { onPoolError },
        ),
        target,
      ),
    });
  // Every client handed out is measured exactly once: the routed one measures outside the
  // router (which notes where each read went), so the router itself works on unmeasured clients.
  const measure = (prisma: PrismaClient, target: QueryTarget) => measureQueries(prisma, { target, slowQueryMs: config.slowQueryMs, logger });
  const primaryBase = client(config.url, 'primary', 'waitlessq-primary');
  const primary = measure(primaryBase, 'primary');
  const ping = async () => void (await primary.$queryRaw`SELECT 1`);
  if (config.replicaUrls.length === 0) {
    return {
      kind: 'postgres',
      prisma: primary,
      primary,
      replica: () => primary,
      replicaStates: () => [],
      ping,
      close: () => primaryBase.$disconnect(),
    };
  }

  const names = replicaNames(config.replicaUrls);
  const health = createReplicaHealth({
    primaryUrl: config.url,
    replicas: config.replicaUrls.map((url, i) => ({ name: names[i], url })),
    intervalMs: config.replicaCheckIntervalMs,
    maxLagBytes: config.replicaMaxLagBytes,
    logger,
  });
  const replicas = config.replicaUrls.map((url, i) => client(url, 'replica', `waitlessq-replica-${i}`, (error) => health.markDown(i, error)));
  const measuredReplicas = replicas.map((replica) => measure(replica, 'replica'));
  const router = createReadRouter({
    primary: primaryBase,
    routedBase: primary,
    replicas,
    usableReplicas: health.usable,
    markReplicaDown: health.markDown,
    tracker: createWriteTracker(config.readYourWritesMs, options.writeMarks),
    logger,
  });
  // Reads may use the replicas from the first request on (until this answers, they use the primary).
  await health.check();
  return {
    kind: 'postgres',
    prisma: router.prisma,
    primary,
    replica: () => {
      const index = router.pickReplica();
      return index === undefined ? primary : measuredReplicas[index];
    },
    replicaStates: health.states,
    ping,
    close: async () => {
      await health.stop();
      await Promise.all([primaryBase.$disconnect(), ...replicas.map((replica) => replica.$disconnect())]);
    },
  };
}

/** `host:port` of each replica (never its credentials), for logs and metric labels. */
function replicaNames(urls: string[]): string[] {
  const names = urls.map((url) => {
    const { hostname, port } = new URL(url);
    return `${hostname}:${port || '5432'}`;
  });
  return names.map((name, i) => (names.indexOf(name) === i ? name : `${name}#${i}`));
}
