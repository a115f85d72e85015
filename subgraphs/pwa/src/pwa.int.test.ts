import { randomUUID } from 'node:crypto';
import type { Identity, StaffRole } from '@waitlessq/auth';
import type { PrismaClient } from '@waitlessq/database';
import type { BaseContext, ServiceRuntime, SubgraphDefinition } from '@waitlessq/subgraph-kit';
import {
  anonymous,
  createTestDatabase,
  errorCode,
  freePort,
  ok as dataOf,
  staffIdentity,
  startSubgraph,
  type GraphQLResponse,
  type RunningSubgraph,
  type TestDatabase,
} from '@waitlessq/testkit';
import { createPwaSubgraph, mountPwaRoutes } from './index';
import { ensureAppBundle } from './test-support/app-bundle';

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type BusinessModule = { createBusinessSubgraph(runtime: ServiceRuntime): SubgraphDefinition<BaseContext> };

let db: TestDatabase;
let business: RunningSubgraph;
let pwa: RunningSubgraph;
let runtime: ServiceRuntime;
let origin: string;
let prisma: PrismaClient;

let organizationId: string;
let businessId: string;
const slug = `salon-${randomUUID().slice(0, 8)}`;
const staff = (role: StaffRole = 'MANAGER', org = organizationId): Identity => staffIdentity(org, role);

function call(identity: Identity, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<Data>> {
  return pwa.call<Data>(identity, query, variables);
}

async function ok(identity: Identity, query: string, variables?: Record<string, unknown>): Promise<Data> {
  return dataOf(await call(identity, query, variables));
}

const updateOp = `mutation($input: UpdatePwaConfigInput!) {
  updatePwaConfig(input: $input) { id businessId appName shortName themeColor layoutStyle statusColors { waiting called } features { joinQueue appointments } languages defaultLanguage }
}`;
const publishOp = `mutation($id: ID!) { publishPwa(businessId: $id) { id version status url manifestUrl durationMs files { path bytes sha256 } startedAt finishedAt } }`;
const pwaOp = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Business { pwa { appName latestBuild { version } } } } }`;

beforeAll(async () => {
  ensureAppBundle();
  db = await createTestDatabase();
  // Required, not imported: the pwa workspace does not depend on the business one at build time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createBusinessSubgraph } = require('@waitlessq/business-subgraph') as BusinessModule;
  business = await startSubgraph('business', createBusinessSubgraph, db);

  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  pwa = await startSubgraph('pwa', createPwaSubgraph, db, {
    env: { PORT: String(port), PUBLIC_URL: origin, BUSINESS_SUBGRAPH_URL: business.url },
    mount: (server, runtime) => mountPwaRoutes(server.app, runtime),
  });
  runtime = pwa.runtime;
  prisma = runtime.db.prisma;

  const organization = await prisma.organization.create({ data: { name: 'Salon Org', slug: `org-${slug}` } });
  organizationId = organization.id;
  businessId = (await prisma.business.create({ data: { organizationId, name: 'Studio Haarmonie Berlin', slug, timezone: 'Europe/Berlin' } })).id;
});

afterAll(async () => {
  await Promise.allSettled([pwa?.stop(), business?.stop()]);
  await db?.drop();
});

describe('updatePwaConfig', () => {
  it('refuses viewers, other organizations and bad input, writing nothing', async () => {
    expect(errorCode(await call(staff('VIEWER'), updateOp, { input: { businessId } }))).toBe('FORBIDDEN');
    expect(errorCode(await call(staff('OWNER', randomUUID()), updateOp, { input: { businessId } }))).toBe('NOT_FOUND');
    expect(errorCode(await call(staff(), updateOp, { input: { businessId: randomUUID() } }))).toBe('NOT_FOUND');
    const longName = await call(staff(), updateOp, { input: { businessId, shortName: 'Haarmonie Berlin' } });
    expect(errorCode(longName)).toBe('BAD_USER_INPUT');
    expect(longName.errors?.[0].extensions?.field).toBe('shortName');
    expect(errorCode(await call(staff(), updateOp, { input: { businessId, themeColor: 'hotpink' } }))).toBe('BAD_USER_INPUT');
    expect(await prisma.pwaConfig.count()).toBe(0);
  });

  it('creates the configuration from the business name on the first call, then updates it', async () => {
    const created = (await ok(staff(), updateOp, { input: { businessId, themeColor: '#7C3AED', statusColors: { called: '#FF0000' } } })).updatePwaConfig;
    expect(created).toMatchObject({
      businessId,
      appName: 'Studio Haarmonie Berlin',
      shortName: 'Studio',
      themeColor: '#7c3aed',
      layoutStyle: 'CARDS',
      statusColors: { waiting: '#2563eb', called: '#ff0000' },
      features: { joinQueue: true, appointments: false },
      languages: ['en'],
    });
    const updated = (await ok(staff('ADMIN'), updateOp, { input: { businessId, appName: 'Haarmonie', layoutStyle: 'LIST', features: { appointments: true } } }))
      .updatePwaConfig;
    expect(updated).toMatchObject({
      id: created.id,
      appName: 'Haarmonie',
      themeColor: '#7c3aed',
      layoutStyle: 'LIST',
      features: { joinQueue: true, appointments: true },
    });
    expect(await prisma.pwaConfig.count({ where: { businessId } })).toBe(1);
  });
});

describe('publishPwa', () => {
  let first: Data;
  let second: Data;

  beforeAll(async () => {
    first = (await ok(staff(), publishOp, { id: businessId })).publishPwa;
    await ok(staff(), updateOp, { input: { businessId, appName: 'Haarmonie Neu', welcomeMessage: 'Willkommen <3' } });
    second = (await ok(staff(), publishOp, { id: businessId })).publishPwa;
  });

  it('publishes versions 1 and 2 with their files and addresses', () => {
    expect(first).toMatchObject({
      version: 1,
      status: 'PUBLISHED',
      url: `${origin}/apps/${businessId}/v/1/index.html`,
      manifestUrl: `${origin}/apps/${businessId}/v/1/manifest.webmanifest`,
    });
    expect(second).toMatchObject({ version: 2, status: 'PUBLISHED', url: `${origin}/apps/${businessId}/v/2/index.html` });
    expect(first.files.map((file: Data) => file.path)).toEqual([
      'index.html',
      'app.css',
      'app.js',
      'manifest.webmanifest',
      'icon.svg',
      'icon-192.png',
      'icon-512.png',
      'icon-maskable-512.png',
      'apple-touch-icon.png',
      'precache.json',
      'sw.js',
    ]);
    expect(first.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(first.files[0].sha256).not.toBe(second.files[0].sha256);
    expect(first.durationMs).toBeGreaterThanOrEqual(0);
    expect(new Date(second.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(second.startedAt).getTime());
  });

  it('serves each version and the latest over HTTP with the right content types', async () => {
    const page = await fetch(first.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toContain('immutable');
    expect(await page.text()).toContain('<title>Haarmonie</title>');

    const manifest = await fetch(second.manifestUrl);
    expect(manifest.headers.get('content-type')).toBe('application/manifest+json; charset=utf-8');
    expect(await manifest.json()).toMatchObject({
      name: 'Haarmonie Neu',
      display: 'standalone',
      theme_color: '#7c3aed',
      start_url: `/apps/${businessId}/latest/index.html`,
    });

    const latest = await fetch(`${origin}/apps/${businessId}/latest/index.html`);
    expect(latest.headers.get('cache-control')).toBe('no-cache');
    const html = await latest.text();
    expect(html).toContain('<title>Haarmonie Neu</title>');
    expect(html).toContain('Willkommen &lt;3');

    const worker = await fetch(`${origin}/apps/${businessId}/v/2/sw.js`);
    expect(worker.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await worker.text()).toContain(`wlq-${businessId}-v2`);
  });

  it('finds the app by the business slug, answers 304 to a known ETag and 404 to unknown files', async () => {
    const bySlug = await fetch(`${origin}/apps/${slug}/latest/icon.svg`);
    expect(bySlug.status).toBe(200);
    expect(bySlug.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    const etag = bySlug.headers.get('etag') ?? '';
    expect(etag).toBe(`"${second.files.find((file: Data) => file.path === 'icon.svg').sha256}"`);
    expect((await fetch(`${origin}/apps/${slug}/latest/icon.svg`, { headers: { 'if-none-match': etag } })).status).toBe(304);

    expect((await fetch(`${origin}/apps/${businessId}/v/1/secrets.txt`)).status).toBe(404);
    expect((await fetch(`${origin}/apps/${businessId}/v/9/index.html`)).status).toBe(404);
    expect((await fetch(`${origin}/apps/no-such-salon/latest/index.html`)).status).toBe(404);
    const redirect = await fetch(`${origin}/apps/${slug}`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(new URL(redirect.headers.get('location') ?? '', `${origin}/apps/${slug}`).pathname).toBe(`/apps/${slug}/latest/index.html`);
  });

  it('shows Business.pwa to anonymous visitors, and the build history to staff only', async () => {
    const representations = { r: [{ __typename: 'Business', id: businessId }] };
    expect((await ok(anonymous, pwaOp, representations))._entities).toEqual([{ pwa: { appName: 'Haarmonie Neu', latestBuild: { version: 2 } } }]);
    expect((await ok(staff('OWNER', randomUUID()), pwaOp, representations))._entities).toEqual([{ pwa: null }]);

    const history = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Business { pwa { builds(first: 5) { version } } } } }`;
    expect((await ok(staff('VIEWER'), history, representations))._entities[0].pwa.builds).toEqual([{ version: 2 }, { version: 1 }]);
    expect(errorCode(await call(anonymous, history, representations))).toBe('UNAUTHENTICATED');
  });

  it('gives concurrent publishes distinct versions', async () => {
    const results = await Promise.all([1, 2, 3].map(() => ok(staff(), publishOp, { id: businessId })));
    expect(results.map((result) => result.publishPwa.version).sort()).toEqual([3, 4, 5]);
  });

  it('refuses publishing for viewers and for a business without configuration', async () => {
    const before = await prisma.pwaBuild.count();
    expect(errorCode(await call(staff('VIEWER'), publishOp, { id: businessId }))).toBe('FORBIDDEN');
    const bare = await prisma.business.create({ data: { organizationId, name: 'Bare', slug: `bare-${slug}`, timezone: 'UTC' } });
    expect(errorCode(await call(staff(), publishOp, { id: bare.id }))).toBe('BAD_USER_INPUT');
    expect(await prisma.pwaBuild.count()).toBe(before);
  });
});
