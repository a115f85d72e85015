import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { createTokenService } from '@waitlessq/auth';
import { loadConfig } from '@waitlessq/config';
import type { Database } from '@waitlessq/database';
import { AppError, type ErrorCode } from '@waitlessq/errors';
import { createLogger } from '@waitlessq/observability';
import type { RedisResources } from '@waitlessq/redis';
import { createServiceRuntime, createSubgraphServer, type BaseContext, type SubgraphServer } from '@waitlessq/subgraph-kit';
import { createGateway } from './create-gateway';

// The gateway in front of two small subgraphs served by the real subgraph kit: what it does with
// credentials, identities, request ids and errors, independent of the product's subgraphs.

const link = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';
const userTypeDefs = parse(`${link}
  type Query { whoami: String requestId: String fail(code: String!): String boom: String owner: Owner }
  type Owner { name: String organization: Organization }
  type Organization @key(fields: "id") { id: ID! }`);
const businessTypeDefs = parse(`${link}
  type Organization @key(fields: "id") { id: ID! name: String }`);

const env = { NODE_ENV: 'test' as const, LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1' };
const fakeDb = { kind: 'embedded', ping: async () => undefined } as unknown as Database;
const fakeRedis = { kind: 'memory', ping: async () => undefined } as unknown as RedisResources;

const calls: { service: string; identity: unknown; requestId: string }[] = [];

async function startSubgraph(name: 'user' | 'business', identitySecret?: string): Promise<{ server: SubgraphServer; url: string }> {
  const config = loadConfig(name, { ...env, ...(identitySecret ? { IDENTITY_SIGNING_SECRET: identitySecret } : {}) });
  const runtime = await createServiceRuntime(name, config, { db: fakeDb, redis: fakeRedis });
  const record = (context: BaseContext) => calls.push({ service: name, identity: context.identity, requestId: context.requestId });
  const resolvers =
    name === 'user'
      ? {
          Query: {
            whoami: (_: unknown, __: unknown, context: BaseContext) => (record(context), JSON.stringify(context.identity)),
            requestId: (_: unknown, __: unknown, context: BaseContext) => context.requestId,
            fail: (_: unknown, args: { code: ErrorCode }) => {
              throw new AppError(args.code, `refused with ${args.code}`);
            },
            boom: () => {
              throw new Error('relation "secret_table" does not exist');
            },
            owner: () => ({ name: 'Olivia', organization: { id: 'org-1' } }),
          },
        }
      : { Organization: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, name: `Organization ${ref.id}` }) } };
  const server = await createSubgraphServer(runtime, {
    typeDefs: name === 'user' ? userTypeDefs : businessTypeDefs,
    resolvers: resolvers as never,
    extendContext: (base) => base,
  });
  return { server, url: await server.listen() };
}

function supergraph(): string {
  const result = composeServices([
    { name: 'user', typeDefs: userTypeDefs, url: 'http://placeholder.invalid/graphql' },
    { name: 'business', typeDefs: businessTypeDefs, url: 'http://placeholder.invalid/graphql' },
  ]);
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.supergraphSdl;
}

async function post(url: string, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string; extensions?: Record<string, unknown> }[] },
  };
}

describe('createGateway', () => {
  const tokens = createTokenService({ secret: loadConfig('gateway', env).auth.jwtSecret, ttlSeconds: 60 });
  const started: { stop(): Promise<void> }[] = [];
  let url: string;

  async function startGateway(subgraphUrls: { user: string; business: string }) {
    const config = loadConfig('gateway', { ...env, USER_SUBGRAPH_URL: subgraphUrls.user, BUSINESS_SUBGRAPH_URL: subgraphUrls.business });
    const server = await createGateway({
      config,
      logger: createLogger('gateway', 'silent'),
      supergraphSdl: supergraph(),
      readinessChecks: { redis: fakeRedis.ping },
    });
    started.push(server);
    return { server, url: await server.listen() };
  }

  beforeAll(async () => {
    const user = await startSubgraph('user');
    const business = await startSubgraph('business');
    started.push(user.server, business.server);
    ({ url } = await startGateway({ user: user.url, business: business.url }));
  });
  afterAll(async () => {
    for (const server of started.reverse()) await server.stop();
  });
  beforeEach(() => (calls.length = 0));

  it('passes an anonymous identity when there is no Authorization header, with a fingerprint of the client (idempotency keys)', async () => {
    const { status, body } = await post(url, '{ whoami }');
    expect(status).toBe(200);
    expect(JSON.parse(body.data!.whoami as string)).toEqual({ kind: 'anonymous', clientFingerprint: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  it('passes the identity of a valid token, signed for the subgraphs', async () => {
    const token = await tokens.signAccessToken({ sub: 'u1', org: 'o1', kind: 'staff', role: 'MANAGER' });
    const { body } = await post(url, '{ whoami }', { authorization: `Bearer ${token}` });
    expect(JSON.parse(body.data!.whoami as string)).toEqual({ kind: 'staff', subjectId: 'u1', organizationId: 'o1', role: 'MANAGER', platformAdmin: false });
  });

  it.each([
    ['garbage', 'Bearer nonsense'],
    ['a token of another issuer', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
  ])('answers 401 UNAUTHENTICATED for %s, without calling any subgraph', async (_, authorization) => {
    const { status, headers, body } = await post(url, '{ whoami }', { authorization });
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toContain('Bearer');
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.data).toBeUndefined();
    expect(calls).toHaveLength(0);
  });

  it('answers 401 for an expired token', async () => {
    const expired = await createTokenService({ secret: loadConfig('gateway', env).auth.jwtSecret, ttlSeconds: 0 }).signAccessToken({
      sub: 'u',
      org: 'o',
      kind: 'customer',
    });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const { status, body } = await post(url, '{ whoami }', { authorization: `Bearer ${expired}` });
    expect(status).toBe(401);
    expect(body.errors?.[0]).toMatchObject({ message: 'The access token has expired.', extensions: { code: 'UNAUTHENTICATED' } });
    expect(calls).toHaveLength(0);
  });

  it('forwards one request id to the subgraphs and returns it', async () => {
    const { headers, body } = await post(url, '{ requestId }');
    const id = headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.data!.requestId).toBe(id);
    const given = await post(url, '{ requestId }', { 'x-request-id': 'lb-1234567890' });
    expect(given.body.data!.requestId).toBe('lb-1234567890');
  });

  it.each(['NOT_FOUND', 'FORBIDDEN', 'QUEUE_FULL', 'BAD_USER_INPUT'])('keeps a subgraph error code (%s) and names the service', async (code) => {
    const { body } = await post(url, `{ fail(code: "${code}") }`);
    expect(body.errors?.[0]).toMatchObject({ message: `refused with ${code}`, path: ['fail'], extensions: { code, serviceName: 'user' } });
  });

  it('masks an unexpected error: its code and the request id that finds it in the logs', async () => {
    const { headers, body } = await post(url, '{ boom }');
    expect(body.errors?.[0]).toEqual({
      message: 'Something went wrong on our side.',
      path: ['boom'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: headers.get('x-request-id') },
    });
    expect(JSON.stringify(body)).not.toContain('secret_table');
  });

  it('plans across subgraphs', async () => {
    const { body } = await post(url, '{ owner { name organization { id name } } }');
    expect(body).toEqual({ data: { owner: { name: 'Olivia', organization: { id: 'org-1', name: 'Organization org-1' } } } });
  });

  it('refuses a simple GET request that could come from another site (CSRF prevention)', async () => {
    const response = await fetch(`${url}?query=${encodeURIComponent('{ whoami }')}`);
    expect(response.status).toBe(400);
  });

  it('is alive on /health and reports every failing dependency on /ready', async () => {
    const base = url.replace(/\/graphql$/, '');
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/ready`);
    // queue and pwa are not running in this test: the gateway is not ready.
    expect(ready.status).toBe(503);
    const report = (await ready.json()) as { checks: Record<string, string> };
    expect(report.checks).toMatchObject({ 'subgraph:user': 'ok', 'subgraph:business': 'ok', redis: 'ok' });
    expect(report.checks['subgraph:queue']).toMatch(/^failed/);
    expect(report.checks['subgraph:pwa']).toMatch(/^failed/);
  });

  it('exposes Prometheus metrics', async () => {
    const text = await (await fetch(url.replace(/\/graphql$/, '/metrics'))).text();
    expect(text).toContain('wlq_graphql_requests_total{service="gateway"');
  });

  it("reports a subgraph that refuses the gateway's identity with its code and name", async () => {
    const stranger = await startSubgraph('user', 'a-different-identity-secret-0123456789abcdef');
    started.push(stranger.server);
    const business = await startSubgraph('business');
    started.push(business.server);
    const other = await startGateway({ user: stranger.url, business: business.url });
    const { body } = await post(other.url, '{ whoami }');
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED', serviceName: 'user' } });
    expect(JSON.stringify(body)).not.toContain('127.0.0.1');
  });
});
