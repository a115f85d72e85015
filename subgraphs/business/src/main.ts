import { loadConfig } from '@waitlessq/config';
import { createServiceRuntime, createSubgraphServer, runUntilSignalled } from '@waitlessq/subgraph-kit';
import { createBusinessSubgraph } from './index';

async function main(): Promise<void> {
  const config = loadConfig('business');
  const runtime = await createServiceRuntime('business', config);
  const server = await createSubgraphServer(runtime, createBusinessSubgraph(runtime));
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
