import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';

/**
 * What the edge knows about the request being served, wherever the code runs: in Apollo's
 * plugins, in the error formatter and in the subgraph fetcher, which receive no request.
 */
export interface EdgeRequest {
  requestId: string;
  /** The client's address (`req.ip`, so per the trust-proxy setting). */
  address: string;
  /** Aborted when the request's time is up: the subgraph calls still running stop then. */
  signal: AbortSignal;
  timeoutMs: number;
}

// AsyncLocalStorage rather than the GraphQL context: the subgraph fetcher and formatError get no
// context. On Node 24 (AsyncContextFrame) it costs 0.2-0.5 % of the gateway's CPU (profiles,
// loadtests/async-scope/RESULTS.md), too little to pay for threading the context there; the
// 3-5 % once measured is Node's former implementation (async hooks, Node 22 and older).
const storage = new AsyncLocalStorage<EdgeRequest>();

/** The request this code runs for; undefined outside one (start-up, health checks). */
export function currentEdgeRequest(): EdgeRequest | undefined {
  return storage.getStore();
}

/**
 * Opens the scope and starts the request's clock. It must come after the body parser: the
 * parser's stream callbacks would run outside the scope.
 */
export function useRequestScope(options: { timeoutMs: number }): RequestHandler {
  return (req, res, next) => {
    const controller = new AbortController();
    if (options.timeoutMs > 0) {
      const timer = setTimeout(() => controller.abort(new Error(`request timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
      timer.unref();
      res.once('close', () => clearTimeout(timer));
    }
    const scope: EdgeRequest = {
      requestId: String(res.locals.requestId ?? ''),
      address: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      signal: controller.signal,
      timeoutMs: options.timeoutMs,
    };
    storage.run(scope, next);
  };
}
