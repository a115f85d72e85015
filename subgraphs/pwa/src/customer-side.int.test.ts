import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jsQR from 'jsqr';
import sharp from 'sharp';
import { identityHeader, type Identity, type StaffRole } from '@waitlessq/auth';
import type { PrismaClient } from '@waitlessq/database';
import type { BaseContext, ServiceRuntime, SubgraphDefinition } from '@waitlessq/subgraph-kit';
import {
  anonymous,
  createTestDatabase,
  errorCode,
  freePort,
  graphql,
  staffIdentity,
  startSubgraph,
  type GraphQLResponse,
  type RunningSubgraph,
  type TestDatabase,
} from '@waitlessq/testkit';
import { createPwaSubgraph, mountPwaRoutes } from './index';
import { ensureAppBundle } from './test-support/app-bundle';

// The customer's side of a business's app, against real business, queue and pwa subgraphs:
// installable PNG icons, versions that stay served, the door's QR code, and push subscriptions.

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Module = Record<string, (runtime: ServiceRuntime) => SubgraphDefinition<BaseContext>>;

let db: TestDatabase;
const started: RunningSubgraph[] = [];
let pwa: ServiceRuntime;
let pwaUrl: string;
let queueUrl: string;
let origin: string;
let prisma: PrismaClient;
let logoServer: http.Server;
let logoUrl: string;

let organizationId: string;
let businessId: string;
let otherOrganizationId: string;
let otherBusinessId: string;

const staff = (role: StaffRole = 'MANAGER', org = organizationId): Identity => staffIdentity(org, role);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each subgraph has its own context type
async function start(name: 'business' | 'queue' | 'pwa', factory: (runtime: ServiceRuntime) => SubgraphDefinition<any>, extra: Record<string, string>) {
  const mount = name === 'pwa' ? (server: RunningSubgraph['server'], runtime: ServiceRuntime) => mountPwaRoutes(server.app, runtime) : undefined;
  const subgraph = await startSubgraph(name, factory, db, { env: { REDIS_KEY_PREFIX: `int:${db.name}:`, ...extra }, mount });
  started.push(subgraph);
  return subgraph;
}

async function call(url: string, identity: Identity, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<Data>> {
  return graphql<Data>(url, { query, variables, headers: { [identityHeader]: await pwa.signer.sign(identity) } });
}
async function ok(url: string, identity: Identity, query: string, variables?: Record<string, unknown>): Promise<Data> {
  const response = await call(url, identity, query, variables);
  if (response.errors?.length || !response.data) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  return response.data;
}

const updateOp = `mutation($input: UpdatePwaConfigInput!) { updatePwaConfig(input: $input) { id } }`;
const publishOp = `mutation($id: ID!) { publishPwa(businessId: $id) { version url durationMs files { path bytes sha256 } } }`;
const createQueueOp = `mutation($input: CreateQueueInput!) { createQueue(input: $input) { id } }`;
const joinOp = `mutation($input: JoinQueueInput!) { joinQueue(input: $input) { visitToken visit { id } } }`;
const joinLinkOp = `query($r: [_Any!]!, $q: ID) { _entities(representations: $r) { ... on Business { joinLink(queueId: $q) } } }`;
const posterOp = `query($r: [_Any!]!, $q: ID, $f: JoinPosterFormat) { _entities(representations: $r) { ... on Business { joinPoster(queueId: $q, format: $f) { joinLink format contentType content bytes } } } }`;
const registerOp = `mutation($v: ID!, $t: String!, $s: PushSubscriptionInput!) { registerPushSubscription(visitId: $v, visitToken: $t, subscription: $s) { id visitId createdAt } }`;
const business = (id = businessId) => ({ r: [{ __typename: 'Business', id }] });

beforeAll(async () => {
  ensureAppBundle();
  db = await createTestDatabase();
  /* eslint-disable @typescript-eslint/no-require-imports -- the pwa workspace does not depend on the others at build time */
  const { createBusinessSubgraph } = require('@waitlessq/business-subgraph') as Module;
  const { createQueueSubgraph } = require('@waitlessq/queue-subgraph') as Module;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const businessService = await start('business', createBusinessSubgraph, { PORT: '0' });
  const queueService = await start('queue', createQueueSubgraph, { PORT: '0', BUSINESS_SUBGRAPH_URL: businessService.url });
  queueUrl = queueService.url;
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  const pwaService = await start('pwa', createPwaSubgraph, {
    PORT: String(port),
    PUBLIC_URL: origin,
    BUSINESS_SUBGRAPH_URL: businessService.url,
    QUEUE_SUBGRAPH_URL: queueService.url,
  });
  pwa = pwaService.runtime;
  pwaUrl = pwaService.url;
  prisma = pwa.db.prisma;

  const slug = `clinic-${randomUUID().slice(0, 8)}`;
  organizationId = (await prisma.organization.create({ data: { name: 'Clinic Org', slug: `org-${slug}` } })).id;
  businessId = (await prisma.business.create({ data: { organizationId, name: 'Praxis am Park', slug, timezone: 'Europe/Berlin' } })).id;
  otherOrganizationId = (await prisma.organization.create({ data: { name: 'Other Org', slug: `other-${slug}` } })).id;
  otherBusinessId = (await prisma.business.create({ data: { organizationId: otherOrganizationId, name: 'Elsewhere', slug: `else-${slug}`, timezone: 'UTC' } }))
    .id;

  // A red 300 x 200 logo, served like a business's CDN would.
  const logo = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#ff0000' } })
    .png()
    .toBuffer();
  logoServer = http.createServer((req, res) => {
    if (req.url === '/logo.png') res.writeHead(200, { 'content-type': 'image/png' }).end(logo);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => logoServer.listen(0, '127.0.0.1', resolve));
  logoUrl = `http://127.0.0.1:${(logoServer.address() as AddressInfo).port}/logo.png`;
});

afterAll(async () => {
  logoServer?.close();
  for (const subgraph of started.reverse()) await subgraph.stop();
  await db?.drop();
});

async function png(url: string) {
  const response = await fetch(url);
  expect([url, response.status, response.headers.get('content-type')]).toEqual([url, 200, 'image/png']);
  return Buffer.from(await response.arrayBuffer());
}

async function decodeQr(image: Buffer): Promise<string | null> {
  const { data, info } = await sharp(image).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), info.width, info.height)?.data ?? null;
}

describe('published versions', () => {
  let first: Data;
  let second: Data;

  beforeAll(async () => {
    await ok(pwaUrl, staff(), updateOp, { input: { businessId, themeColor: '#0f766e', languages: ['de', 'en'], defaultLanguage: 'de' } });
    first = (await ok(pwaUrl, staff(), publishOp, { id: businessId })).publishPwa;
    await ok(pwaUrl, staff(), updateOp, { input: { businessId, appName: 'Praxis am Park – neu', logoUrl } });
    second = (await ok(pwaUrl, staff(), publishOp, { id: businessId })).publishPwa;
  });

  it('carries real PNG icons of 192, 512, maskable 512 and 180 pixels, drawn from the initials', async () => {
    const base = `${origin}/apps/${businessId}/v/1`;
    for (const [file, size] of [
      ['icon-192.png', 192],
      ['icon-512.png', 512],
      ['icon-maskable-512.png', 512],
      ['apple-touch-icon.png', 180],
    ] as const) {
      const metadata = await sharp(await png(`${base}/${file}`)).metadata();
      expect([file, metadata.format, metadata.width, metadata.height]).toEqual([file, 'png', size, size]);
    }
    // Full-bleed theme colour at the corner of the apple-touch icon; white initials in the middle.
    const { data, info } = await sharp(await png(`${base}/apple-touch-icon.png`))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([...data.subarray(0, 3)]).toEqual([0x0f, 0x76, 0x6e]);
    const whitePixels = Array.from({ length: info.width * info.height }, (_, i) => data[i * info.channels]).filter((red) => red > 240).length;
    expect(whitePixels).toBeGreaterThan(500);
  });

  it('draws the icons of a business with a logo from that logo', async () => {
    const icon = await png(`${origin}/apps/${businessId}/v/2/icon-512.png`);
    const { data, info } = await sharp(icon).raw().toBuffer({ resolveWithObject: true });
    const center = (256 * info.width + 256) * info.channels;
    expect([...data.subarray(center, center + 3)]).toEqual([255, 0, 0]);
  });

  it('keeps serving the old version beside the new one, each with its own files', async () => {
    const oldPage = await fetch(first.url);
    expect(oldPage.status).toBe(200);
    expect(oldPage.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const oldHtml = await oldPage.text();
    expect(oldHtml).toContain('<title>Praxis am Park</title>');
    expect(oldHtml).toContain(`/apps/${businessId}/v/1/app.js`);
    const oldScript = await fetch(`${origin}/apps/${businessId}/v/1/app.js`);
    expect([oldScript.status, oldScript.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(await fetch(`${origin}/apps/${businessId}/v/1/sw.js`).then((r) => r.text())).toContain(`wlq-${businessId}-v1`);

    const latest = await fetch(`${origin}/apps/${businessId}/latest/index.html`);
    expect(latest.headers.get('cache-control')).toBe('no-cache');
    expect(await latest.text()).toContain('<title>Praxis am Park – neu</title>');
    const precache = (await fetch(`${origin}/apps/${businessId}/latest/precache.json`).then((r) => r.json())) as string[];
    expect(precache).toContain(`/apps/${businessId}/v/2/app.js`);
    for (const url of precache) expect([url, (await fetch(`${origin}${url}`)).status]).toEqual([url, 200]);
    expect(second.durationMs).toBeLessThan(5_000);
  });
});

describe('the door', () => {
  let queueId: string;
  let otherQueueId: string;

  beforeAll(async () => {
    queueId = (await ok(queueUrl, staff(), createQueueOp, { input: { businessId, name: 'Anmeldung' } })).createQueue.id;
    otherQueueId = (await ok(queueUrl, staff('MANAGER', otherOrganizationId), createQueueOp, { input: { businessId: otherBusinessId, name: 'Elsewhere' } }))
      .createQueue.id;
  });

  it('links to the latest version of the app, or straight to one queue of the business', async () => {
    expect((await ok(pwaUrl, anonymous, joinLinkOp, business()))._entities[0].joinLink).toBe(`${origin}/apps/${businessId}/latest/index.html`);
    expect((await ok(pwaUrl, anonymous, joinLinkOp, { ...business(), q: queueId }))._entities[0].joinLink).toBe(
      `${origin}/apps/${businessId}/latest/index.html?queue=${queueId}`,
    );
    const foreign = await call(pwaUrl, anonymous, joinLinkOp, { ...business(), q: otherQueueId });
    expect(errorCode(foreign)).toBe('NOT_FOUND');
    expect(foreign.errors?.[0].extensions?.field).toBe('queueId');
    expect(errorCode(await call(pwaUrl, anonymous, joinLinkOp, { ...business(), q: 'not-an-id' }))).toBe('NOT_FOUND');
  });

  it('prints a PNG poster whose QR code decodes to the join link', async () => {
    const poster = (await ok(pwaUrl, staff('STAFF'), posterOp, { ...business(), q: queueId, f: 'PNG' }))._entities[0].joinPoster;
    expect(poster).toMatchObject({ format: 'PNG', contentType: 'image/png', joinLink: `${origin}/apps/${businessId}/latest/index.html?queue=${queueId}` });
    const image = Buffer.from(poster.content, 'base64');
    expect(poster.bytes).toBe(image.byteLength);
    const metadata = await sharp(image).metadata();
    expect([metadata.format, metadata.width, metadata.height]).toEqual(['png', 1240, 1754]);
    expect(await decodeQr(image)).toBe(poster.joinLink);
  });

  it('prints an SVG poster with the name, the call to action in the default language and a QR code that decodes', async () => {
    const poster = (await ok(pwaUrl, staff('STAFF'), posterOp, business()))._entities[0].joinPoster;
    expect(poster).toMatchObject({ format: 'SVG', contentType: 'image/svg+xml' });
    expect(poster.content).toContain('Praxis am Park');
    expect(poster.content).toContain('Scannen und anstellen');
    expect(await decodeQr(await sharp(Buffer.from(poster.content), { density: 150 }).png().toBuffer())).toBe(`${origin}/apps/${businessId}/latest/index.html`);
  });

  it('draws posters for staff of the business only', async () => {
    expect(errorCode(await call(pwaUrl, anonymous, posterOp, business()))).toBe('UNAUTHENTICATED');
    expect(errorCode(await call(pwaUrl, staff('OWNER', otherOrganizationId), posterOp, business()))).toBe('NOT_FOUND');
  });
});

describe('registerPushSubscription', () => {
  let queueId: string;
  let visit: { id: string; token: string };
  const subscription = (endpoint = 'https://push.example.test/send/abc123', p256dh = `B${'a'.repeat(86)}`) => ({
    endpoint,
    expirationTime: null,
    keys: { p256dh, auth: 'c2VjcmV0LWF1dGgtMTIzNA' },
  });

  beforeAll(async () => {
    queueId = (await ok(queueUrl, staff(), createQueueOp, { input: { businessId, name: 'Push line' } })).createQueue.id;
    const joined = (await ok(queueUrl, anonymous, joinOp, { input: { queueId, name: 'Pia' } })).joinQueue;
    visit = { id: joined.visit.id, token: joined.visitToken };
  });

  it('stores the subscription of the visit token holder, once per endpoint', async () => {
    const first = (await ok(pwaUrl, anonymous, registerOp, { v: visit.id, t: visit.token, s: subscription() })).registerPushSubscription;
    expect(first.visitId).toBe(visit.id);
    const again = (await ok(pwaUrl, anonymous, registerOp, { v: visit.id, t: visit.token, s: subscription(undefined, `B${'b'.repeat(86)}`) }))
      .registerPushSubscription;
    expect(again.id).toBe(first.id);
    const rows = await prisma.pushSubscription.findMany({ where: { visitId: visit.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ organizationId, businessId, endpoint: 'https://push.example.test/send/abc123', p256dh: `B${'b'.repeat(86)}` });
  });

  it('takes no token from whoever may read the visit (staff of its organization), and NOT_FOUND from others', async () => {
    const registerWithoutToken = `mutation($v: ID!, $s: PushSubscriptionInput!) { registerPushSubscription(visitId: $v, subscription: $s) { id } }`;
    const before = await prisma.pushSubscription.count();
    const staffDevice = subscription('https://push.example.test/send/staff-device');
    expect(errorCode(await call(pwaUrl, anonymous, registerWithoutToken, { v: visit.id, s: staffDevice }))).toBe('NOT_FOUND');
    expect(errorCode(await call(pwaUrl, staff('OWNER', otherOrganizationId), registerWithoutToken, { v: visit.id, s: staffDevice }))).toBe('NOT_FOUND');
    expect(await prisma.pushSubscription.count()).toBe(before);
    await ok(pwaUrl, staff('STAFF'), registerWithoutToken, { v: visit.id, s: staffDevice });
    expect(await prisma.pushSubscription.count({ where: { visitId: visit.id } })).toBe(2);
  });

  it('refuses a wrong token, a bad subscription and an ended visit, writing nothing', async () => {
    const before = await prisma.pushSubscription.count();
    const other = subscription('https://push.example.test/send/other');
    expect(errorCode(await call(pwaUrl, anonymous, registerOp, { v: visit.id, t: 'vt_wrong', s: other }))).toBe('NOT_FOUND');
    expect(errorCode(await call(pwaUrl, anonymous, registerOp, { v: randomUUID(), t: visit.token, s: other }))).toBe('NOT_FOUND');
    const insecure = await call(pwaUrl, anonymous, registerOp, { v: visit.id, t: visit.token, s: subscription('http://push.example.test/x') });
    expect([errorCode(insecure), insecure.errors?.[0].extensions?.field]).toEqual(['BAD_USER_INPUT', 'subscription.endpoint']);
    const badKey = await call(pwaUrl, anonymous, registerOp, { v: visit.id, t: visit.token, s: subscription(undefined, 'short') });
    expect([errorCode(badKey), badKey.errors?.[0].extensions?.field]).toEqual(['BAD_USER_INPUT', 'subscription.keys.p256dh']);

    await ok(queueUrl, anonymous, `mutation($v: ID!, $t: String) { cancelVisit(visitId: $v, visitToken: $t) { id } }`, { v: visit.id, t: visit.token });
    expect(errorCode(await call(pwaUrl, anonymous, registerOp, { v: visit.id, t: visit.token, s: other }))).toBe('INVALID_TRANSITION');
    expect(await prisma.pushSubscription.count()).toBe(before);
  });
});
