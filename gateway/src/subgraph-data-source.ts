import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { identityHeader } from '@waitlessq/auth';
import type { GatewayContext } from './context';

type FetcherResponse = Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0];
type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

interface SubgraphErrorBody {
  errors?: { message?: string; extensions?: { code?: unknown } }[];
}

/**
 * One subgraph as the gateway calls it: at the URL of this deployment (the URLs written in the
 * supergraph file are only placeholders), carrying the caller's identity signed for the
 * subgraphs and the request id, so one operation can be followed through every service's logs.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly name: string,
    url: string,
    private readonly signServiceIdentity: () => Promise<string>,
    /** The gateway passes its keep-alive pool's (subgraph-pool.ts); Node's fetch otherwise. */
    fetcher: RemoteGraphQLDataSource['fetcher'] = fetch as unknown as RemoteGraphQLDataSource['fetcher'],
  ) {
    // Node's own fetch and undici's Pool honour the subgraph's Keep-Alive timeout and drop idle
    // sockets before the server closes them; the default fetcher reuses sockets the server has
    // just closed, which surfaces as an occasional "socket hang up" (apollographql/federation#2313).
    super({ url, fetcher });
  }

  /**
   * Sends the planner's operation to the subgraph and returns its answer, as Apollo's own
   * process() does for us (no automatic persisted queries, no didReceiveResponse), minus what
   * it does per call that we do not use: it builds a node-fetch Headers and a node-fetch
   * Request of every call (the Request only to hand to hooks we do not override), and parses
   * the subgraph's Cache-Control into a cache policy that nothing reads here (Apollo's cache
   * control is off; cdn-caching.ts decides the header).
   */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { http, ...request } = options.request;
    if (!request.query) throw new Error('Missing query');
    const headers: Record<string, string> = {};
    // A header the planner asks for (a federated trace), then ours, which no one may override.
    if (http?.headers) for (const [name, value] of http.headers) headers[name] = value;
    headers['content-type'] = 'application/json';
    if ('incomingRequestContext' in options) {
      headers[identityHeader] = await options.context.signedIdentity();
      headers['x-request-id'] = options.context.requestId;
    } else {
      // Health checks and schema loading have no client behind them.
      headers[identityHeader] = await this.signServiceIdentity();
    }
    const response = await this.fetcher(this.url, { method: 'POST', headers, body: JSON.stringify(request) });
    if (!response.ok) throw await this.errorFromResponse(response);
    const body = await this.parseBody(response);
    if (typeof body !== 'object' || body === null) throw new Error(`Expected JSON response body, but received: ${body}`);
    return body as GatewayGraphQLResponse;
  }

  /**
   * A subgraph refuses a request with a status other than 200 only before running it (an
   * identity it does not accept, a malformed request). The default error would carry the
   * subgraph's URL and whole response body to the client; this one keeps the subgraph's own
   * message and code, and names the service, like errors inside a 200 response.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const body = (await this.parseBody(response).catch(() => undefined)) as SubgraphErrorBody | string | undefined;
    const first = typeof body === 'object' ? body?.errors?.[0] : undefined;
    if (first?.message && typeof first.extensions?.code === 'string') {
      return new GraphQLError(first.message, { extensions: { code: first.extensions.code, serviceName: this.name } });
    }
    return new GraphQLError(`The ${this.name} subgraph answered HTTP ${response.status}.`, {
      extensions: { code: 'SUBGRAPH_HTTP_ERROR', serviceName: this.name, status: response.status },
    });
  }
}
