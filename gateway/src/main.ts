import './tracing';
import { loadConfig, type Config } from '@waitlessq/config';
import { createDatabase } from '@waitlessq/database';
import { createLogger, type Logger } from '@waitlessq/observability';
import { createRedis } from '@waitlessq/redis';
import { runUntilSignalled } from '@waitlessq/subgraph-kit';
import { mountAppsProxy } from './apps-proxy';
import { mountNotificationsProxy } from './notifications-proxy';
import { createGateway } from './create-gateway';
import type { ReadinessCheck } from './readiness';

/**
 * The gateway alone, in front of subgraphs running as their own processes at the configured
 * URLs. It opens the database only to report it in /ready; Redis also holds its caches.
 */
async function main(): Promise<void> {
  const config = loadConfig('gateway');
  const logger = createLogger('gateway', config.logLevel);
  const dependencies = await openDependencies(config, logger);
  const gateway = await createGateway({ config, logger, readinessChecks: dependencies.checks, redis: dependencies.redis });
  mountAppsProxy(gateway.app, { pwaSubgraphUrl: config.subgraphUrls.pwa, logger });
  if (config.workersUrl) mountNotificationsProxy(gateway.app, { workersUrl: config.workersUrl, logger });
  const url = await gateway.listen();
  logger.info({ url, subgraphUrls: config.subgraphUrls }, 'listening');
  runUntilSignalled(logger, async () => {
    await gateway.stop();
    await dependencies.close();
  });
}

async function openDependencies(config: Config, logger: Logger) {
  const checks: Record<string, ReadinessCheck> = {};
  const closers: (() => Promise<void>)[] = [];
  if (config.database.kind === 'postgres') {
    // Pings only: two connections are plenty.
    const db = await createDatabase({ ...config.database, poolSize: 2, replicaUrls: [] }, logger);
    checks.database = () => db.ping();
    closers.push(() => db.close());
  } else {
    // PGlite is one process's private database: another process opening the same folder
    // would corrupt it. Separate processes need DATABASE_URL; the all-in-one start does not.
    logger.warn('DATABASE_URL is not set: the gateway does not check the database (run the all-in-one start for the embedded database)');
  }
  const redis = createRedis(config.redis);
  checks.redis = () => redis.ping();
  closers.push(() => redis.close());
  return { checks, redis, close: async () => void (await Promise.allSettled(closers.map((close) => close()))) };
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
