import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { createTokenService, sha256 } from '@waitlessq/auth';
import { loadConfig } from '@waitlessq/config';
import { createLogger } from '@waitlessq/observability';
import { createGateway, type GatewayServer } from '../create-gateway';

// The edge in front of a stand-in subgraph (a bare HTTP server that records what reaches it):
// each refusal must happen before the subgraph hears of the request.

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { ping: String slow: String leak: String node: Node }
  type Node { id: ID! child: Node children(first: Int = 10): [Node!]! }
  type Mutation { signIn(email: String!, password: String!): String }
`);

const supergraphSdl = (() => {
  const result = composeServices([{ name: 'user', typeDefs, url: 'http://placeholder.invalid/graphql' }]);
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.supergraphSdl;
})();

const partnerKey = `wlq_live_${'k'.repeat(43)}`;
const pingBody = 'query Ping {\n  ping\n}';

/** What the stand-in subgraph received, and whether the gateway gave up on a request. */
const subgraph = { queries: [] as string[], aborted: 0 };

function answer(query: string, res: http.ServerResponse, req: http.IncomingMessage) {
  const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (query.includes('apiKeyIdentity')) return json({ data: { apiKeyIdentity: { apiKeyId: 'key-1', organizationId: 'org-1' } } });
  subgraph.queries.push(query);
  if (query.includes('slow')) return void req.socket.once('close', () => (subgraph.aborted += 1));
  if (query.includes('leak')) {
    return json({
      data: { leak: null },
      errors: [{ message: 'Cannot query field "secretInternalField" on type "Query".', path: ['leak'], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }],
    });
  }
  if (query.includes('signIn')) return json({ data: { signIn: 'token' } });
  json({ data: { ping: 'pong', node: null } });
}

const servers: { stop(): Promise<void> }[] = [];
let subgraphUrl: string;
let manifestPath: string;

async function startGateway(env: Record<string, string> = {}): Promise<string> {
  const config = loadConfig('gateway', {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    USER_SUBGRAPH_URL: subgraphUrl,
    OPERATIONS_MANIFEST_PATH: manifestPath,
    CORS_ORIGINS: 'https://app.example.test',
    ...env,
  });
  const server: GatewayServer = await createGateway({ config, logger: createLogger('gateway', 'silent'), supergraphSdl });
  servers.push(server);
  return server.listen();
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: JSON.parse(text) as { data?: Record<string, unknown>; errors?: { message: string; extensions?: Record<string, unknown> }[] },
  };
}

const codeOf = (result: { body: { errors?: { extensions?: Record<string, unknown> }[] } }) => result.body.errors?.[0]?.extensions?.code;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edge-'));
  manifestPath = path.join(dir, 'manifest.json');
  writeFileSync(
    manifestPath,
    JSON.stringify({
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [{ id: sha256(pingBody), name: 'Ping', type: 'query', body: pingBody }],
    }),
  );
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => answer((JSON.parse(body) as { query: string }).query, res, req));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  subgraphUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  servers.push({ stop: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) });
});

afterAll(async () => {
  for (const server of servers.reverse()) await server.stop();
});

beforeEach(() => (subgraph.queries.length = 0));

describe('the edge, in front of a stand-in subgraph', () => {
  let url: string;
  beforeAll(async () => {
    url = await startGateway({
      REQUEST_TIMEOUT_MS: '300',
      MAX_QUERY_DEPTH: '5',
      MAX_QUERY_COST: '500',
      MAX_ALIASES: '5',
      MAX_TOKENS: '300',
      MAX_BODY_BYTES: '2000',
      CDN_MAX_AGE_SECONDS: '30',
    });
  });

  it('serves a plain query', async () => {
    const result = await post(url, { query: '{ ping }' });
    expect(result.body).toEqual({ data: { ping: 'pong' } });
    expect(result.headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    ['a query nested too deep', { query: `{ node { ${'child { '.repeat(8)}id${' }'.repeat(8)} } }` }, 'QUERY_TOO_DEEP', 400],
    ['too many aliases', { query: `{ ${Array.from({ length: 6 }, (_, i) => `p${i}: ping`).join(' ')} }` }, 'TOO_MANY_ALIASES', 400],
    ['a cost bomb of nested lists', { query: '{ node { children(first: 100) { children(first: 100) { id } } } }' }, 'QUERY_TOO_COMPLEX', 400],
    ['too many tokens', { query: `{ ${'p '.repeat(400)}}` }, 'TOO_MANY_TOKENS', 400],
    ['a body over the size limit', { query: '{ ping }', variables: { padding: 'x'.repeat(5_000) } }, 'PAYLOAD_TOO_LARGE', 413],
    ['malformed JSON', '{"query": "{ ping }"', 'BAD_REQUEST', 400],
    [
      'a hash that is not the hash of its query',
      { query: '{ ping }', extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ other }') } } },
      'PERSISTED_QUERY_HASH_MISMATCH',
      400,
    ],
  ])('refuses %s with its code, before the subgraph hears of it', async (_, body, code, status) => {
    const result = await post(url, body);
    expect({ status: result.status, code: codeOf(result) }).toEqual({ status, code });
    expect(result.body.errors?.[0]?.message).toMatch(/limit|JSON|SHA-256/);
    expect(subgraph.queries).toHaveLength(0);
  });

  it("refuses an operation name the document does not have with 400, not the executor's 500", async () => {
    const result = await post(url, { query: 'query Ping { ping }', operationName: 'Pong' });
    expect({ status: result.status, body: result.body }).toEqual({
      status: 400,
      body: { errors: [{ message: 'Unknown operation named "Pong".', extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }] },
    });
    expect(codeOf(await post(url, { query: 'query A { ping } query B { ping }' }))).toBe('OPERATION_RESOLUTION_FAILURE');
    expect(subgraph.queries).toHaveLength(0);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/xml', 'apollo-require-preflight': 'true' }, body: '<query/>' });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({
      errors: [{ message: 'A GraphQL POST must have Content-Type: application/json (this one has application/xml).', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  it('stops a request at its time limit, aborting the subgraph call', async () => {
    const started = Date.now();
    const result = await post(url, { query: '{ slow }' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.status).toBe(504);
    expect(result.body).toEqual({
      errors: [{ message: expect.stringContaining('300 ms, the limit (REQUEST_TIMEOUT_MS)'), extensions: { code: 'REQUEST_TIMEOUT' } }],
    });
    for (let i = 0; i < 20 && subgraph.aborted === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(subgraph.aborted).toBe(1);
  });

  it("masks a subgraph's own request errors: they describe its schema, not the client's mistake", async () => {
    const result = await post(url, { query: '{ leak }' });
    expect(result.body.errors?.[0]).toEqual({
      message: 'Something went wrong on our side.',
      path: ['leak'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: result.headers.get('x-request-id') },
    });
    expect(result.text).not.toContain('secretInternalField');
  });

  it('registers an automatic persisted query and serves it by hash, over GET cacheable by a CDN', async () => {
    const query = '{ ping node { id } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    expect(codeOf(await post(url, { extensions }))).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post(url, { query, extensions })).body.data).toEqual({ ping: 'pong', node: null });

    const get = (headers: Record<string, string> = {}) =>
      fetch(`${url}?extensions=${encodeURIComponent(JSON.stringify(extensions))}`, { headers: { 'apollo-require-preflight': 'true', ...headers } });
    const anonymous = await get();
    expect(await anonymous.json()).toEqual({ data: { ping: 'pong', node: null } });
    expect(anonymous.headers.get('cache-control')).toBe('public, max-age=30');
    expect(anonymous.headers.get('vary')).toContain('authorization');
    // A CDN revalidates the public answer with its ETag (Cache-Control set, or fetch adds no-cache).
    const validator = anonymous.headers.get('etag');
    expect(validator).toBeTruthy();
    expect((await get({ 'if-none-match': validator!, 'cache-control': 'max-age=0' })).status).toBe(304);

    const token = await createTokenService({ secret: loadConfig('gateway', { NODE_ENV: 'test' }).auth.jwtSecret, ttlSeconds: 60 }).signAccessToken({
      sub: 'u',
      org: 'o',
      kind: 'customer',
    });
    expect((await get({ authorization: `Bearer ${token}` })).headers.get('cache-control')).toBe('no-store');
  });

  it('answers a POST as Apollo serialized it, with its length and no ETag (no-store: nothing revalidates it)', async () => {
    const { status, headers, text } = await post(url, { query: '{ ping }' });
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({ data: { ping: 'pong' } });
    expect(headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(headers.get('content-type')).toContain('application/json');
    expect(headers.get('etag')).toBeNull();
  });

  it('sends security headers: nothing may run in an API response', async () => {
    const { headers } = await post(url, { query: '{ ping }' });
    expect(headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('strict-transport-security')).toBeTruthy();
  });

  it('serves the Sandbox landing page with a policy that lets it load from Apollo', async () => {
    const response = await fetch(url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('embeddable-sandbox');
    expect(response.headers.get('content-security-policy')).toContain('https://*.cdn.apollographql.com');
  });

  it('answers CORS preflights for the configured origins only', async () => {
    const preflight = (origin: string) =>
      fetch(url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
      });
    const allowed = await preflight('https://app.example.test');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.test');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    expect((await preflight('https://evil.example.test')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('partner keys', () => {
  let url: string;
  beforeAll(async () => (url = await startGateway()));

  it('run a manifest operation by its id', async () => {
    const result = await post(url, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(pingBody) } } }, { 'x-api-key': partnerKey });
    expect(result.body).toEqual({ data: { ping: 'pong' } });
  });

  it.each([
    ['a query of their own', { query: '{ ping }' }],
    [
      'an automatic persisted query someone registered',
      { query: '{ node { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ node { id } }') } } },
    ],
    ['an id nobody knows', { extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ unknown }') } } }],
  ])('are refused %s with OPERATION_NOT_ALLOWED, before any subgraph call', async (_, body) => {
    if ('query' in body && 'extensions' in body) await post(url, body);
    subgraph.queries.length = 0;
    const result = await post(url, body, { 'x-api-key': partnerKey });
    expect({ status: result.status, code: codeOf(result) }).toEqual({ status: 403, code: 'OPERATION_NOT_ALLOWED' });
    expect(result.body.errors?.[0]?.message).toContain('manifest');
    expect(subgraph.queries).toHaveLength(0);
  });
});

describe('introspection where it is off', () => {
  let url: string;
  const tokens = createTokenService({ secret: loadConfig('gateway', { NODE_ENV: 'test' }).auth.jwtSecret, ttlSeconds: 60 });
  beforeAll(async () => (url = await startGateway({ INTROSPECTION_ENABLED: 'false' })));

  it('is refused to anyone but platform admins', async () => {
    const query = '{ __schema { queryType { name } } }';
    const anonymous = await post(url, { query });
    expect({ status: anonymous.status, code: codeOf(anonymous) }).toEqual({ status: 403, code: 'INTROSPECTION_DISABLED' });
    const owner = await tokens.signAccessToken({ sub: 'u', org: 'o', kind: 'staff', role: 'OWNER' });
    expect(codeOf(await post(url, { query }, { authorization: `Bearer ${owner}` }))).toBe('INTROSPECTION_DISABLED');
    const admin = await tokens.signAccessToken({ sub: 'a', org: 'o', kind: 'staff', role: 'OWNER', pa: true });
    expect((await post(url, { query }, { authorization: `Bearer ${admin}` })).body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('still answers __typename, and shows no landing page', async () => {
    expect((await post(url, { query: '{ __typename }' })).body).toEqual({ data: { __typename: 'Query' } });
    const page = await fetch(url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).not.toContain('text/html');
  });

  it('does not suggest field names in validation errors', async () => {
    const result = await post(url, { query: '{ pin }' });
    expect(codeOf(result)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.body.errors?.[0]?.message).not.toContain('ping');
  });
});

describe('rate limits (in memory, one process)', () => {
  it('slow sign-in attempts per email, counting each alias, with RateLimit headers', async () => {
    const url = await startGateway({ SIGN_IN_RATE_LIMIT_PER_EMAIL: '3', SIGN_IN_RATE_LIMIT_PER_ADDRESS: '100' });
    const signIn = (email: string) => post(url, { query: 'mutation($e: String!) { signIn(email: $e, password: "x") }', variables: { e: email } });
    const first = await signIn('ann@example.test');
    expect(first.body.data).toEqual({ signIn: 'token' });
    expect(first.headers.get('ratelimit-limit')).toBe('3');
    expect(first.headers.get('ratelimit-remaining')).toBe('2');
    await signIn(' ANN@example.test');
    await signIn('ann@example.test');
    subgraph.queries.length = 0;
    const refused = await signIn('ann@example.test');
    expect({ status: refused.status, code: codeOf(refused) }).toEqual({ status: 429, code: 'RATE_LIMITED' });
    expect(refused.body.errors?.[0]?.message).toMatch(/sign-in attempts for this email address: the limit is 3 per 900 s \(SIGN_IN_RATE_LIMIT_PER_EMAIL\)/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(subgraph.queries).toHaveLength(0);
    // Another address is another budget; four attempts in one request are four.
    const aliased = await post(url, {
      query:
        'mutation { a: signIn(email: "bo@x.test", password: "1") b: signIn(email: "bo@x.test", password: "2") c: signIn(email: "bo@x.test", password: "3") d: signIn(email: "bo@x.test", password: "4") }',
    });
    expect(codeOf(aliased)).toBe('RATE_LIMITED');
  });

  it('refuse an address past its budget before reading the body', async () => {
    const url = await startGateway({ RATE_LIMIT_PER_ADDRESS: '2' });
    expect((await post(url, { query: '{ ping }' })).status).toBe(200);
    expect((await post(url, { query: '{ ping }' })).headers.get('ratelimit-remaining')).toBe('0');
    const refused = await post(url, '{ not even JSON');
    expect({ status: refused.status, code: codeOf(refused) }).toEqual({ status: 429, code: 'RATE_LIMITED' });
    expect(refused.body.errors?.[0]?.message).toContain('(RATE_LIMIT_PER_ADDRESS)');
  });
});
