import type { IncomingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
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
 * Subgraph calls over a keep-alive undici Pool per subgraph. Like fetch, the pool honours the
 * subgraph's Keep-Alive timeout and drops idle sockets before the server closes them (the
 * occasional "socket hang up" of apollographql/federation#2313). A signal in the init (the
 * request's deadline) aborts the call as it did fetch. instrumentation-undici traces it like
 * fetch (it listens on undici's diagnostics channels, below any API).
 *
 * The call goes through `dispatch` with a handler that gathers the answer's bytes, not through
 * `request()` or fetch: Apollo reads every body whole, so a body stream only costs. Through
 * `request()`, each call's objects (its handler, its body stream, and what the caller holds
 * across the await) stayed reachable to the young generation's collections after the answer
 * was read: a part of every request survived them and was promoted, to die in the old
 * generation. This handler lets go of everything once it settles and makes no closure in
 * undici's callbacks (one made there was enough to keep a call alive), and nothing is left
 * behind; it also costs less CPU per call (loadtests/subgraph-client/RESULTS.md).
 */
export function createSubgraphPool(url: string): SubgraphPool {
  const target = new URL(url);
  const path = `${target.pathname}${target.search}`;
  const pool = new Pool(target.origin, { connections: connectionsPerSubgraph });
  const fetcher: Fetcher = (_url, init) =>
    new Promise<FetcherResponse>((resolve, reject) => {
      const signal = init?.signal as AbortSignal | undefined;
      if (signal?.aborted) return reject(signal.reason);
      const handler = new BufferingHandler(url, signal, resolve, reject);
      try {
        pool.dispatch({ path, method: (init?.method ?? 'POST') as 'POST', headers: init?.headers, body: init?.body }, handler);
      } catch (error) {
        // A closed pool or invalid options: undici throws rather than calling the handler.
        handler.fail(error);
      }
    });
  return { fetcher, close: () => pool.close() };
}

/**
 * One call's answer, gathered whole. It settles once (the answer, an error, or the signal's
 * reason the moment the signal fires) and then lets go of everything it held.
 */
class BufferingHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private chunks: Buffer[] = [];
  private settled = false;

  constructor(
    private readonly url: string,
    private signal: AbortSignal | undefined,
    private resolve: ((response: FetcherResponse) => void) | null,
    private reject: ((error: unknown) => void) | null,
  ) {
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  private readonly onAbort = (): void => {
    const reason: unknown = this.signal?.reason;
    // A call still waiting for a connection is stopped when it starts (onRequestStart).
    this.controller?.abort(reason instanceof Error ? reason : new Error(String(reason)));
    this.fail(reason);
  };

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.settled) return controller.abort(new Error('the call was aborted before it started'));
    this.controller = controller;
  }

  onResponseStart(_controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    // An informational answer (1xx) comes before the real one.
    if (status < 200) return;
    this.status = status;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.settled) this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    const text = this.chunks.length === 1 ? this.chunks[0]!.toString('utf8') : Buffer.concat(this.chunks).toString('utf8');
    const response = bufferedResponse(this.url, this.status, this.headers, text);
    const resolve = this.resolve!;
    this.release();
    resolve(response);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  fail(error: unknown): void {
    if (this.settled) return;
    const reject = this.reject!;
    this.release();
    reject(error);
  }

  private release(): void {
    this.settled = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.signal = undefined;
    this.controller = null;
    this.resolve = null;
    this.reject = null;
    this.chunks = [];
    this.headers = {};
  }
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
