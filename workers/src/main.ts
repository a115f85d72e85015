import './tracing';
import { loadConfig } from '@waitlessq/config';
import { createServiceRuntime, runUntilSignalled } from '@waitlessq/subgraph-kit';
import { createHandlers } from './handlers';
import { mountNotificationRoutes } from './notification-routes';
import { startWorkers } from './start-workers';

/** The workers service deployed alone: runs the background jobs from Redis until SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig('workers');
  // Alone, workers must share the database and the queues with the subgraphs; the embedded
  // default (`npm start`) runs the same jobs inside its own process instead.
  if (config.database.kind === 'embedded')
    throw new Error('DATABASE_URL is required to run the workers on their own (npm start runs the jobs in its process).');
  if (config.redis.kind === 'memory') throw new Error('REDIS_URL is required to run the workers on their own (npm start runs the jobs in its process).');
  const runtime = await createServiceRuntime('workers', config);
  const workers = await startWorkers({
    config,
    jobs: runtime.jobs,
    handlers: createHandlers(runtime),
    logger: runtime.logger,
    readiness: async () => {
      // One after the other: a first database connection can hold the event loop for longer
      // than Redis's fail-fast command timeout, which would then report Redis down.
      const [database] = await Promise.allSettled([runtime.db.ping()]);
      const [redis] = await Promise.allSettled([runtime.redis.ping()]);
      for (const [name, result] of Object.entries({ database, redis })) {
        if (result.status === 'rejected') runtime.logger.warn({ dependency: name, err: result.reason }, 'not ready');
      }
      return database.status === 'fulfilled' && redis.status === 'fulfilled';
    },
  });
  mountNotificationRoutes(workers.app, runtime);
  const url = await workers.listen();
  runtime.logger.info({ url }, 'listening');
  runUntilSignalled(runtime.logger, async () => {
    await workers.stop();
    await runtime.close();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`workers could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
