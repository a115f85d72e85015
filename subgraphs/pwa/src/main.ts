import { loadConfig } from '@waitlessq/config';
import { createServiceRuntime, createSubgraphServer, runUntilSignalled } from '@waitlessq/subgraph-kit';
import { createPwaSubgraph, mountPwaRoutes } from './index';

async function main(): Promise<void> {
  const config = loadConfig('pwa');
  const runtime = await createServiceRuntime('pwa', config);
  const server = await createSubgraphServer(runtime, createPwaSubgraph(runtime));
  mountPwaRoutes(server.app, runtime);
  const url = await server.listen();
  runtime.logger.info({ url }, 'listening');
  runUntilSignalled(runtime.logger, async () => {
    await server.stop();
    await runtime.close();
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
