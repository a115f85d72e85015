import { Pool } from 'undici';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

/** Sockets kept open to one subgraph; requests beyond them wait for a free one. */
const connectionsPerSubgraph = 128;

export interface SubgraphPool {
  fetcher: Fetcher;
  close(): Promise<void>;
}

/**
 * Subgraph calls over a keep-alive undici Pool per subgraph: `request()` skips what global
 * fetch adds per call (a WHATWG Request and Response, body streams, an AbortSignal of its own),
 * about a fifth of the gateway's CPU in profiles. Like fetch, the pool honours the subgraph's
 * Keep-Alive timeout and drops idle sockets before the server closes them (the occasional
 * "socket hang up" of apollographql/federation#2313). A signal in the init (the request's
 * deadline) aborts the call as it did fetch. instrumentation-undici traces it like fetch.
 */
export function createSubgraphPool(url: string): SubgraphPool {
  const target = new URL(url);
  const path = `${target.pathname}${target.search}`;
  const pool = new Pool(target.origin, { connections: connectionsPerSubgraph });
  const fetcher: Fetcher = async (_url, init) => {
    const response = await pool.request({
      path,
      method: (init?.method ?? 'POST') as 'POST',
      headers: init?.headers,
      body: init?.body,
      signal: init?.signal as AbortSignal | undefined,
    });
    // Apollo reads every body whole; reading it here lets text() and json() be plain.
    const text = await response.body.text();
    return bufferedResponse(url, response.statusCode, response.headers, text);
  };
  return { fetcher, close: () => pool.close() };
}

function bufferedResponse(url: string, status: number, raw: Record<string, string | string[] | undefined>, text: string): FetcherResponse {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const one of value) headers.append(name, one);
    else if (value !== undefined) headers.set(name, value);
  }
  const response: FetcherResponse = {
    bodyUsed: false,
    url,
    redirected: false,
    status,
    ok: status >= 200 && status < 300,
    statusText: '',
    headers,
    text: async () => text,
    json: async () => JSON.parse(text) as unknown,
    arrayBuffer: async () => new TextEncoder().encode(text).buffer,
    clone: () => response,
  };
  return response;
}
