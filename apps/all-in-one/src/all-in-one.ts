import './all-in-one-tracing';
import { createPasswordHasher } from '@waitlessq/auth';
import { defaultPorts, freePort, loadConfig, type Config, type ServiceName } from '@waitlessq/config';
import { createDatabase, type Database } from '@waitlessq/database';
import { createLogger, type Logger } from '@waitlessq/observability';
import { createJobs } from '@waitlessq/jobs';
import { createRedis, type RedisResources } from '@waitlessq/redis';
import { createServiceRuntime, createSubgraphServer, runUntilSignalled, type ServiceRuntime, type SubgraphServer } from '@waitlessq/subgraph-kit';
import { createBusinessSubgraph } from '@waitlessq/business-subgraph';
import { createPwaSubgraph, mountPwaRoutes } from '@waitlessq/pwa-subgraph';
import { createQueueSubgraph } from '@waitlessq/queue-subgraph';
import { createUserSubgraph } from '@waitlessq/user-subgraph';
import { createHandlers, mountNotificationRoutes, startWorkers } from '@waitlessq/workers';
import { createGateway, mountAppsProxy } from '@waitlessq/gateway';
import { demoCredentials, seedDemo } from './demo-seed';
import { deployMigrations } from './migrations';

type SubgraphName = Exclude<ServiceName, 'gateway' | 'workers'>;
const subgraphNames: readonly SubgraphName[] = ['user', 'business', 'queue', 'pwa'];

export interface AllInOneOptions {
  /** The environment every service's configuration is read from; process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Ports to listen on (0 picks a free one). By default PORT or 4000 for the gateway, 4001-4004 for the subgraphs. */
  ports?: Partial<Record<ServiceName, number>>;
  /** Write the demo organization when it does not exist (default true). */
  seed?: boolean;
}

export interface AllInOne {
  /** The gateway's GraphQL endpoint. */
  url: string;
  subgraphUrls: Record<SubgraphName, string>;
  /** Whether this start wrote the demo data (false when it was there already or seeding was off). */
  seeded: boolean;
  logger: Logger;
  stop(): Promise<void>;
}

/**
 * The whole graph in one process, for a fresh clone with nothing configured: one database
 * (embedded PGlite unless DATABASE_URL is set) and one Redis (in memory unless REDIS_URL is
 * set) shared by the four subgraphs, the workers and the gateway, each on its own port as in
 * production, so the gateway plans and calls the subgraphs over HTTP exactly as it does there
 * (subscription payloads included: the gateway imports no subgraph's code, this package
 * composes them).
 */
export async function startAllInOne(options: AllInOneOptions = {}): Promise<AllInOne> {
  const env = options.env ?? process.env;
  const ports = await choosePorts(env, options.ports ?? {});
  const subgraphUrls = Object.fromEntries(subgraphNames.map((name) => [name, `http://127.0.0.1:${ports[name]}/graphql`])) as Record<SubgraphName, string>;
  const urlEnv = {
    USER_SUBGRAPH_URL: subgraphUrls.user,
    BUSINESS_SUBGRAPH_URL: subgraphUrls.business,
    QUEUE_SUBGRAPH_URL: subgraphUrls.queue,
    PWA_SUBGRAPH_URL: subgraphUrls.pwa,
  };
  // The apps are served on the gateway's origin (apps-proxy.ts): published URLs point there.
  const gatewayHost = !env.HOST || env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
  const publicUrl = env.PUBLIC_URL || `http://${gatewayHost}:${ports.gateway}`;
  const configFor = (name: ServiceName): Config =>
    loadConfig(name, {
      ...env,
      ...urlEnv,
      PUBLIC_URL: publicUrl,
      PORT: String(ports[name]),
      // The subgraphs are reached through the gateway only: loopback, whatever HOST says.
      ...(name === 'gateway' ? {} : { HOST: '127.0.0.1' }),
    });
  const gatewayConfig = configFor('gateway');
  const logger = createLogger('all-in-one', gatewayConfig.logLevel);

  const cleanup: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const close of cleanup.splice(0).reverse()) {
      await close().catch((error) => logger.error({ err: error }, 'shutdown step failed'));
    }
  };
  try {
    const redis = createRedis(gatewayConfig.redis);
    cleanup.push(() => redis.close());
    const db = await openDatabase(gatewayConfig, env, logger, redis);
    cleanup.push(() => db.close());

    const seeded = options.seed === false ? false : await seed(db, gatewayConfig, logger);

    // One job system for every service: in memory without Redis, so the jobs the subgraphs add
    // run in this process (the workers below), exactly as the workers service runs them from Redis.
    const jobs = createJobs(gatewayConfig);
    cleanup.push(() => jobs.close());
    for (const name of subgraphNames) {
      const runtime = await createServiceRuntime(name, configFor(name), { db, redis, jobs });
      cleanup.push(() => runtime.close());
      const server = await startSubgraph(runtime);
      cleanup.push(() => server.stop());
      await server.listen();
    }

    const workersRuntime = await createServiceRuntime('workers', configFor('workers'), { db, redis, jobs });
    const workers = await startWorkers({ config: workersRuntime.config, jobs, handlers: createHandlers(workersRuntime), logger: workersRuntime.logger });
    cleanup.push(() => workers.stop());
    await workers.listen();

    const gateway = await createGateway({
      config: gatewayConfig,
      logger: createLogger('gateway', gatewayConfig.logLevel),
      readinessChecks: sharedChecks(db, redis),
      redis,
    });
    cleanup.push(() => gateway.stop());
    mountAppsProxy(gateway.app, { pwaSubgraphUrl: subgraphUrls.pwa, logger });
    // The links in notifications (unsubscribe) and the SMS provider's callbacks, on the public origin.
    mountNotificationRoutes(gateway.app, workersRuntime);
    const url = await gateway.listen();
    logger.info({ url, subgraphUrls, database: db.kind, redis: redis.kind }, 'all services listening');
    return { url, subgraphUrls, seeded, logger, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startSubgraph(runtime: ServiceRuntime): Promise<SubgraphServer> {
  switch (runtime.name) {
    case 'user':
      return createSubgraphServer(runtime, createUserSubgraph(runtime));
    case 'business':
      return createSubgraphServer(runtime, createBusinessSubgraph(runtime));
    case 'queue':
      return createSubgraphServer(runtime, createQueueSubgraph(runtime));
    case 'pwa': {
      const server = await createSubgraphServer(runtime, createPwaSubgraph(runtime));
      await mountPwaRoutes(server.app, runtime);
      return server;
    }
    default:
      throw new Error(`${runtime.name} is not a subgraph`);
  }
}

async function openDatabase(config: Config, env: NodeJS.ProcessEnv, logger: Logger, redis: RedisResources): Promise<Database> {
  if (config.database.kind === 'postgres' && config.database.url) {
    logger.info('applying migrations (prisma migrate deploy)');
    await deployMigrations(config.database.url, env);
  }
  // As createServiceRuntime does for a runtime of its own: recent writes are remembered in Redis.
  return createDatabase(config.database, logger, { writeMarks: redis.store });
}

async function seed(db: Database, config: Config, logger: Logger): Promise<boolean> {
  const passwordHasher = createPasswordHasher({ memoryKib: config.auth.passwordHashMemoryKib });
  const created = await seedDemo(db.prisma, { passwordHasher });
  if (created) logger.info({ organizationId: created.organizationId }, 'wrote the demo organization');
  return created !== null;
}

function sharedChecks(db: Database, redis: RedisResources) {
  return { database: () => db.ping(), redis: () => redis.ping() };
}

/** Ports for every service; a 0 becomes a free port now, because each service must know the others' URLs before they listen. */
async function choosePorts(env: NodeJS.ProcessEnv, requested: Partial<Record<ServiceName, number>>): Promise<Record<ServiceName, number>> {
  const gatewayDefault = env.PORT !== undefined && env.PORT !== '' ? Number(env.PORT) : defaultPorts.gateway;
  // PORT=0 asks for free ports everywhere (tests, a second copy beside a running one).
  const subgraphDefault = (name: Exclude<ServiceName, 'gateway'>) => (gatewayDefault === 0 ? 0 : defaultPorts[name]);
  const wanted: Record<ServiceName, number> = {
    gateway: requested.gateway ?? gatewayDefault,
    user: requested.user ?? subgraphDefault('user'),
    business: requested.business ?? subgraphDefault('business'),
    queue: requested.queue ?? subgraphDefault('queue'),
    pwa: requested.pwa ?? subgraphDefault('pwa'),
    workers: requested.workers ?? subgraphDefault('workers'),
  };
  // The gateway's too: published app URLs (PUBLIC_URL) name it before it listens.
  for (const name of ['gateway', ...subgraphNames, 'workers'] as const) if (wanted[name] === 0) wanted[name] = await freePort();
  return wanted;
}

function printWelcome(url: string): void {
  const lines = [
    '',
    `  WaitLessQ is running: ${url}`,
    `  Open ${url} in a browser to explore the API in Apollo Sandbox.`,
    `  Demo sign-in: ${demoCredentials.ownerEmail} / ${demoCredentials.password}`,
    `    mutation { signIn(email: "${demoCredentials.ownerEmail}", password: "${demoCredentials.password}") { accessToken } }`,
    '    then send the header  Authorization: Bearer <accessToken>',
    '  Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

if (require.main === module) {
  startAllInOne().then(
    (running) => {
      printWelcome(running.url);
      runUntilSignalled(running.logger, running.stop);
    },
    (error: unknown) => {
      process.stderr.write(`WaitLessQ could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
