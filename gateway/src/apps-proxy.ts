import type { Express, Request, Response } from 'express';
import type { Logger } from '@waitlessq/observability';
import { withDeadline } from '@waitlessq/subgraph-kit';

/** Headers of the pwa subgraph's answer that reach the browser (caching and type). */
const passedHeaders = ['content-type', 'cache-control', 'etag', 'last-modified', 'location', 'x-content-type-options'];
const upstreamTimeoutMs = 10_000;

export interface AppsProxyOptions {
  /** The pwa subgraph's GraphQL URL (config.subgraphUrls.pwa); its origin serves /apps/. */
  pwaSubgraphUrl: string;
  logger: Logger;
}

/**
 * The businesses' apps on the gateway's own origin: `/apps/...` is passed to the pwa
 * subgraph, which stores and serves the published versions. Same origin as `/graphql`, so the
 * app needs no CORS and its service worker and cookies-free storage belong to the API's site.
 * The pwa subgraph decides caching (versioned files immutable for a year, `latest/` and the
 * service worker revalidated on every load); a CDN in front caches on those headers alone.
 *
 * Mounted after the gateway's own middleware: Helmet's headers apply, and the API's
 * Content-Security-Policy (which allows nothing) is replaced by the app's, which allows the
 * app's own scripts, styles, workers and manifest, its API and live updates on this origin,
 * and images from https (business logos).
 */
export function mountAppsProxy(app: Express, options: AppsProxyOptions): void {
  const upstream = new URL(options.pwaSubgraphUrl).origin;
  const handler = async (req: Request, res: Response) => {
    const host = req.get('host') ?? '';
    res.setHeader('Content-Security-Policy', appPolicy(host));
    res.removeHeader('Cross-Origin-Embedder-Policy');
    const headers: Record<string, string> = { 'x-request-id': String(res.locals.requestId ?? '') };
    const etag = req.get('if-none-match');
    if (etag) headers['if-none-match'] = etag;
    let answer: { status: number; headers: Headers; body: Buffer | null };
    try {
      answer = await withDeadline(upstreamTimeoutMs, `The pwa subgraph did not answer within ${upstreamTimeoutMs} ms.`, async (signal) => {
        const response = await fetch(`${upstream}${req.originalUrl}`, { method: req.method, headers, redirect: 'manual', signal });
        const body = req.method === 'HEAD' || response.status === 304 ? null : Buffer.from(await response.arrayBuffer());
        return { status: response.status, headers: response.headers, body };
      });
    } catch (error) {
      options.logger.warn({ err: error, path: req.path }, 'the pwa subgraph did not answer for an app file');
      res.status(502).setHeader('Cache-Control', 'no-store').type('text/plain').send('The app could not be loaded; try again.');
      return;
    }
    res.status(answer.status);
    for (const name of passedHeaders) {
      const value = answer.headers.get(name);
      if (value !== null) res.setHeader(name, value);
    }
    // Errors must not stick in a CDN or the browser: the next publish may fix them.
    if (answer.status >= 400) res.setHeader('Cache-Control', 'no-store');
    if (answer.body === null) res.end();
    else res.send(answer.body);
  };
  app.get(['/apps', '/apps/*path'], handler);
}

function appPolicy(host: string): string {
  const live = /^[A-Za-z0-9.:[\]-]+$/.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: https:",
    `connect-src 'self'${live}`,
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
