/**
 * One gateway of the federation benchmark in its own process (bench.ts starts it pinned to a
 * core): `ours` is the WaitLessQ gateway (createGateway, every edge feature on, Redis for rate
 * limits, production mode), `apollo` a bare @apollo/gateway in @apollo/server's standalone
 * server. Both read the composed supergraph and the subgraphs' URLs from the environment
 * (FEDERATION_SUPERGRAPH, FEDERATION_URLS as JSON, PORT) and print their URL once listening.
 *
 *   node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON loadtests/federation/gateway.ts ours|apollo
 */
import { readFileSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { loadConfig } from '@waitlessq/config';
import { createGateway as currentGateway } from '@waitlessq/gateway';
import { createLogger } from '@waitlessq/observability';

const kind = process.argv[2];
const supergraphSdl = readFileSync(process.env.FEDERATION_SUPERGRAPH!, 'utf8');
const urls = JSON.parse(process.env.FEDERATION_URLS!) as Record<string, string>;
const port = Number(process.env.PORT);

/** Started by bench.ts with an IPC channel: answers 'gc' with the collections so far (count, pause ms, scavenges). */
function reportGarbageCollection() {
  if (!process.send) return;
  const totals = { collections: 0, pauseMs: 0, scavenges: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      totals.collections += 1;
      totals.pauseMs += entry.duration;
      if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) totals.scavenges += 1;
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('message', (message) => {
    if (message === 'gc') process.send!({ gc: totals });
  });
  process.channel?.unref();
}

async function main() {
  reportGarbageCollection();
  if (kind === 'ours') {
    // bench.ts --compare: the same gateway built from another tree.
    const createGateway = process.env.FEDERATION_GATEWAY_MODULE
      ? ((await import(process.env.FEDERATION_GATEWAY_MODULE)) as { createGateway: typeof currentGateway }).createGateway
      : currentGateway;
    const config = loadConfig('gateway', {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      // Required in production; the gateway itself opens no database.
      DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
      // Every edge feature stays on; these limits are raised so that the benchmark's query (eight
      // levels, lists in lists) and one address sending all the load are not refused.
      MAX_QUERY_COST: '100000000',
      RATE_LIMIT_PER_ADDRESS: '100000000',
    });
    const gateway = await createGateway({ config, logger: createLogger('gateway', 'warn'), supergraphSdl, subgraphUrls: urls, subscriptions: false });
    process.stdout.write(`${await gateway.listen()}\n`);
  } else if (kind === 'apollo') {
    const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
    const { url } = await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
    process.stdout.write(`${url}\n`);
  } else {
    throw new Error(`Unknown gateway "${kind}": ours or apollo.`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
