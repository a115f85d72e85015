import { loadConfig } from '@waitlessq/config';
import { createServiceRuntime, createSubgraphServer, runUntilSignalled } from '@waitlessq/subgraph-kit';
import { createQueueSubgraph } from './index';

async function main(): Promise<void> {
  const config = loadConfig('queue');
  const runtime = await createServiceRuntime('queue', config);
  const server = await createSubgraphServer(runtime, createQueueSubgraph(runtime));
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
