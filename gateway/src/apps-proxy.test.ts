import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createLogger } from '@waitlessq/observability';
import { mountAppsProxy } from './apps-proxy';

// The gateway passes /apps/ to the pwa subgraph (here a stand-in HTTP server answering as it
// does) and keeps its caching headers, replacing the API's Content-Security-Policy.

const servers: http.Server[] = [];
const listen = (server: http.Server) =>
  new Promise<string>((resolve) => {
    servers.push(server);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
afterAll(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

let gateway: string;
const seen: { url?: string; ifNoneMatch?: string }[] = [];

beforeAll(async () => {
  const pwa = await listen(
    http.createServer((req, res) => {
      seen.push({ url: req.url, ifNoneMatch: req.headers['if-none-match'] });
      if (req.url === '/apps/b1/v/2/app.js') {
        if (req.headers['if-none-match'] === '"abc"') return void res.writeHead(304, { etag: '"abc"' }).end();
        return void res
          .writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable', etag: '"abc"' })
          .end('run()');
      }
      if (req.url === '/apps/b1/latest/index.html?queue=q1')
        return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }).end('<!doctype html>');
      if (req.url === '/apps/b1') return void res.writeHead(302, { location: 'b1/latest/index.html' }).end();
      res.writeHead(404, { 'content-type': 'text/plain', 'cache-control': 'public, max-age=60' }).end('Not found.');
    }),
  );
  const app = express();
  mountAppsProxy(app, { pwaSubgraphUrl: `${pwa}/graphql`, logger: createLogger('test', 'silent') });
  gateway = await listen(http.createServer(app));
});

describe('mountAppsProxy', () => {
  it('serves versioned files immutable and pages revalidated, as the pwa subgraph says, with the app policy', async () => {
    const script = await fetch(`${gateway}/apps/b1/v/2/app.js`);
    expect([script.status, await script.text()]).toEqual([200, 'run()']);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const policy = script.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain(`connect-src 'self' ws://${new URL(gateway).host} wss://${new URL(gateway).host}`);

    const page = await fetch(`${gateway}/apps/b1/latest/index.html?queue=q1`);
    expect([page.status, page.headers.get('cache-control')]).toEqual([200, 'no-cache']);
  });

  it('passes revalidation, redirects and misses through; misses are not cached', async () => {
    const revalidated = await fetch(`${gateway}/apps/b1/v/2/app.js`, { headers: { 'if-none-match': '"abc"' } });
    expect(revalidated.status).toBe(304);
    expect(seen.at(-1)).toEqual({ url: '/apps/b1/v/2/app.js', ifNoneMatch: '"abc"' });
    const redirect = await fetch(`${gateway}/apps/b1`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([302, 'b1/latest/index.html']);
    const missing = await fetch(`${gateway}/apps/b1/v/2/nothing.txt`);
    expect([missing.status, missing.headers.get('cache-control')]).toEqual([404, 'no-store']);
  });

  it('answers 502 when the pwa subgraph is down', async () => {
    const app = express();
    mountAppsProxy(app, { pwaSubgraphUrl: 'http://127.0.0.1:9/graphql', logger: createLogger('test', 'silent') });
    const down = await listen(http.createServer(app));
    const response = await fetch(`${down}/apps/b1/latest/index.html`);
    expect([response.status, response.headers.get('cache-control')]).toEqual([502, 'no-store']);
  });
});
