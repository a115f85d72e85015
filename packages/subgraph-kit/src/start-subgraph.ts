import { loadConfig, type ServiceName } from '@waitlessq/config';
import { createServiceRuntime, type ServiceRuntime } from './runtime';
import { createSubgraphServer, type BaseContext, type SubgraphDefinition, type SubgraphServer } from './server';
import { runUntilSignalled } from './lifecycle';

interface StartOptions<TContext extends BaseContext> {
  create(runtime: ServiceRuntime): SubgraphDefinition<TContext>;
  /** Extra HTTP routes on the subgraph's app (the pwa subgraph serves published apps). */
  mount?(server: SubgraphServer, runtime: ServiceRuntime): void | Promise<void>;
}

/** The `main` of a subgraph deployed alone: configuration, runtime, server, clean shutdown. */
export function startSubgraph<TContext extends BaseContext>(name: Exclude<ServiceName, 'gateway' | 'workers'>, options: StartOptions<TContext>): void {
  const run = async () => {
    const config = loadConfig(name);
    // An embedded database lives inside one process: a subgraph started alone with it would
    // keep data no other service sees. The embedded default is the all-in-one start.
    if (config.database.kind === 'embedded') {
      throw new Error('DATABASE_URL is required to run a subgraph on its own (npm start runs everything on the embedded database).');
    }
    const runtime = await createServiceRuntime(name, config);
    if (config.redis.kind === 'memory') runtime.logger.warn('REDIS_URL is not set: caches and events stay inside this process');
    const server = await createSubgraphServer(runtime, options.create(runtime));
    await options.mount?.(server, runtime);
    const url = await server.listen();
    runtime.logger.info({ url }, 'listening');
    runUntilSignalled(runtime.logger, async () => {
      await server.stop();
      await runtime.close();
    });
  };
  run().catch((error: unknown) => {
    process.stderr.write(`${name} could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
