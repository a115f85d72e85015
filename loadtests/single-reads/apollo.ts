/**
 * The bare @apollo/gateway of the single-reads benchmark, in its own process: our committed
 * supergraph (SUPERGRAPH_PATH) in front of our subgraphs (SUBGRAPH_URLS, JSON by subgraph name),
 * in @apollo/server's standalone server with its defaults. It does none of our edge's work (no
 * authentication, limits, rate limits, trusted documents); it only forwards the signed identity
 * header the benchmark sends (x-waitlessq-identity), so that each subgraph is asked exactly what
 * our gateway asks it and does the same work. Prints its URL once listening.
 *
 *   node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON loadtests/single-reads/apollo.ts
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

const identityHeader = 'x-waitlessq-identity';

interface Context {
  identity?: string;
}

class ForwardingDataSource extends RemoteGraphQLDataSource<Context> {
  override willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<Context>['willSendRequest']>>[0]): void {
    if (context.identity) request.http?.headers.set(identityHeader, context.identity);
  }
}

async function main(): Promise<void> {
  const urls = JSON.parse(process.env.SUBGRAPH_URLS!) as Record<string, string>;
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(process.env.SUPERGRAPH_PATH!, 'utf8'),
    buildService: ({ name }) => new ForwardingDataSource({ url: urls[name] }),
  });
  // Exits on SIGTERM (rather than re-raising it, as Apollo's own handler does), so that a --cpu-prof profile is written.
  const server = new ApolloServer<Context>({ gateway, stopOnTerminationSignals: false });
  process.once('SIGTERM', () => void server.stop().finally(() => process.exit(0)));
  const { url } = await startStandaloneServer(server, {
    listen: { port: Number(process.env.PORT), host: '127.0.0.1' },
    context: async ({ req }) => ({ identity: req.headers[identityHeader] as string | undefined }),
  });
  process.stdout.write(`${url}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
