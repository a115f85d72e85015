import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAllInOne, type AllInOne } from './all-in-one';
import { demoCredentials } from './demo-seed';

// `npm start` on a fresh clone: no DATABASE_URL, no REDIS_URL, nothing configured. The graph
// must come up on the embedded database, seed the demo and answer through the gateway.

const allFree = { gateway: 0, user: 0, business: 0, queue: 0, pwa: 0 };

async function post(url: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] } };
}

describe('the all-in-one start with nothing configured', () => {
  let dataDir: string;
  let running: AllInOne | undefined;
  const env = () => ({ NODE_ENV: 'test', LOG_LEVEL: 'silent', EMBEDDED_DATA_DIR: dataDir, PASSWORD_HASH_MEMORY_KIB: '1024' });

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'wlq-all-in-one-'));
    running = await startAllInOne({ env: env(), ports: allFree });
  }, 120_000);

  afterAll(async () => {
    await running?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('seeded the demo on the empty database', () => {
    expect(running!.seeded).toBe(true);
  });

  it('is alive and ready (every subgraph, the database and the in-memory Redis answer)', async () => {
    const base = running!.url.replace(/\/graphql$/, '');
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${base}/ready`);
    const report = (await ready.json()) as { checks: Record<string, string> };
    expect(report.checks).toEqual({
      'subgraph:user': 'ok',
      'subgraph:business': 'ok',
      'subgraph:queue': 'ok',
      'subgraph:pwa': 'ok',
      database: 'ok',
      redis: 'ok',
    });
    expect(ready.status).toBe(200);
  });

  it('signs the demo owner in and answers a query that crosses the user and business subgraphs', async () => {
    const signIn = await post(running!.url, 'mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { accessToken } }', {
      email: demoCredentials.ownerEmail,
      password: demoCredentials.password,
    });
    expect(signIn.body.errors).toBeUndefined();
    const { accessToken: token } = signIn.body.data!.signIn as { accessToken: string };

    const me = await post(running!.url, '{ me { email organization { name } } }', {}, token);
    expect(me.body).toEqual({ data: { me: { email: demoCredentials.ownerEmail, organization: { name: 'Demo Health' } } } });
  });

  it("serves the demo business's published app on the gateway's own origin, beside the API", async () => {
    const signIn = await post(running!.url, 'mutation { signIn(email: "owner@demo.waitlessq.dev", password: "demo-password-1") { accessToken } }');
    const { accessToken: token } = signIn.body.data!.signIn as { accessToken: string };
    const listed = await post(running!.url, '{ businesses { id } }', {}, token);
    const [{ id: businessId }] = listed.body.data!.businesses as { id: string }[];
    const published = await post(running!.url, 'mutation($b: ID!) { publishPwa(businessId: $b) { url } }', { b: businessId }, token);
    expect(published.body.errors).toBeUndefined();
    const { url } = published.body.data!.publishPwa as { url: string };
    const base = running!.url.replace(/\/graphql$/, '');
    expect(url.startsWith(`${base}/apps/${businessId}/v/`)).toBe(true);

    const page = await fetch(url);
    expect([page.status, page.headers.get('cache-control')]).toEqual([200, 'public, max-age=31536000, immutable']);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<link rel="manifest"');
    const latest = await fetch(`${base}/apps/${businessId}/latest/manifest.webmanifest`);
    expect([latest.status, latest.headers.get('cache-control')]).toEqual([200, 'no-cache']);
  });

  it('starts again on the same data without seeding twice', async () => {
    await running!.stop();
    running = await startAllInOne({ env: env(), ports: allFree });
    expect(running.seeded).toBe(false);
    const signIn = await post(running.url, 'mutation { signIn(email: "owner@demo.waitlessq.dev", password: "demo-password-1") { accessToken } }');
    expect(signIn.body.errors).toBeUndefined();
  }, 120_000);
});
