import { randomUUID } from 'node:crypto';
import type { Identity } from '@waitlessq/auth';
import { metricsRegistry } from '@waitlessq/observability';
import type { ServiceRuntime } from '@waitlessq/subgraph-kit';
import {
  anonymous,
  createTestDatabase,
  ok as dataOf,
  serviceIdentity,
  staffIdentity,
  startSubgraph,
  type RunningSubgraph,
  type TestDatabase,
} from '@waitlessq/testkit';
import { createBusinessSubgraph } from './index';

// The public profile cache, on the real Redis, with the streaming replica as the read replica:
// hits cost no statement, every write is followed by fresh reads, and fills read the primary.

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let db: TestDatabase;
let subgraph: RunningSubgraph;
let runtime: ServiceRuntime;
const prefix = `cache-test:${randomUUID()}:`;

const service = serviceIdentity('user');
const staffOf = staffIdentity;

async function ok(identity: Identity, query: string, variables?: Record<string, unknown>): Promise<Data> {
  return dataOf(await subgraph.call<Data>(identity, query, variables));
}

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const values = (await metricsRegistry.getSingleMetric(name)?.get())?.values ?? [];
  return values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((sum, v) => sum + v.value, 0);
}

/** Statements sent to each server, and cache lookups, while `fn` runs. */
async function measure<T>(fn: () => Promise<T>) {
  const read = () =>
    Promise.all([
      metric('wlq_db_statements_total', { target: 'primary' }),
      metric('wlq_db_statements_total', { target: 'replica' }),
      metric('wlq_cache_requests_total', { outcome: 'hit' }),
      metric('wlq_cache_requests_total', { outcome: 'miss' }),
    ]);
  const before = await read();
  const result = await fn();
  const after = await read();
  const [primary, replica, hits, misses] = after.map((value, i) => value - before[i]);
  return { result, primary, replica, hits, misses };
}

const profileOp = `query($slug: String) { business(slug: $slug) { id name slug services { name } } }`;
const byIdOp = `query($id: ID) { business(id: $id) { id name } }`;

let organizationId: string;
let businessId: string;
let serviceId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const replicaUrl = new URL(db.url);
  replicaUrl.port = '5433';
  subgraph = await startSubgraph('business', createBusinessSubgraph, db, {
    env: { DATABASE_REPLICA_URLS: replicaUrl.toString(), DATABASE_REPLICA_CHECK_INTERVAL_MS: '200', REDIS_KEY_PREFIX: prefix, CACHE_TTL_SECONDS: '60' },
  });
  runtime = subgraph.runtime;

  organizationId = (await ok(service, `mutation { provisionOrganization(input: { name: "Cached Co" }) { id } }`)).provisionOrganization.id;
  const manager = staffOf(organizationId, 'MANAGER');
  businessId = (
    await ok(
      manager,
      `mutation { createBusiness(input: { name: "Corner Salon", slug: "corner-salon-${prefix.slice(11, 19)}", timezone: "UTC", idempotencyKey: "secret-key-1" }) { id } }`,
    )
  ).createBusiness.id;
  serviceId = (await ok(manager, `mutation($b: ID!) { createService(input: { businessId: $b, name: "Cut", durationMinutes: 30 }) { id } }`, { b: businessId }))
    .createService.id;
  // The replica has the rows (and is in use) before the tests read.
  await waitFor(async () => runtime.db.replicaStates()[0]?.usable === true);
});

afterAll(async () => {
  await subgraph?.stop();
  await db?.drop();
});

async function waitFor(probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const slugOf = async () => (await ok(anonymous, byIdOp.replace('name', 'name slug'), { id: businessId })).business.slug as string;

describe('the public business cache', () => {
  it('serves a public profile and its services from Redis on the second read: no statement, counted as hits', async () => {
    const slug = await slugOf();
    const first = await measure(() => ok(anonymous, profileOp, { slug }));
    expect(first.result.business).toEqual({ id: businessId, name: 'Corner Salon', slug, services: [{ name: 'Cut' }] });
    expect(first.misses).toBeGreaterThan(0);
    const second = await measure(() => ok(anonymous, profileOp, { slug }));
    expect(second.result).toEqual(first.result);
    expect({ primary: second.primary, replica: second.replica, misses: second.misses }).toEqual({ primary: 0, replica: 0, misses: 0 });
    expect(second.hits).toBe(2);
  });

  it('is fresh after every write that changes it: read, write, read again', async () => {
    const manager = staffOf(organizationId, 'MANAGER');
    const oldSlug = await slugOf();
    await ok(anonymous, profileOp, { slug: oldSlug });

    await ok(manager, `mutation($id: ID!, $slug: String) { updateBusiness(input: { id: $id, name: "Corner Salon & Spa", slug: $slug }) { id } }`, {
      id: businessId,
      slug: `${oldSlug}-spa`,
    });
    expect((await ok(anonymous, profileOp, { slug: oldSlug })).business).toBeNull();
    expect((await ok(anonymous, profileOp, { slug: `${oldSlug}-spa` })).business).toMatchObject({ name: 'Corner Salon & Spa' });
    expect((await ok(anonymous, byIdOp, { id: businessId })).business.name).toBe('Corner Salon & Spa');

    await ok(manager, `mutation($b: ID!) { createService(input: { businessId: $b, name: "Beard trim", durationMinutes: 15 }) { id } }`, { b: businessId });
    expect((await ok(anonymous, profileOp, { slug: `${oldSlug}-spa` })).business.services).toEqual([{ name: 'Beard trim' }, { name: 'Cut' }]);

    await ok(manager, `mutation($id: ID!) { updateService(input: { id: $id, name: "Haircut", active: false }) { id } }`, { id: serviceId });
    expect((await ok(anonymous, profileOp, { slug: `${oldSlug}-spa` })).business.services).toEqual([{ name: 'Beard trim' }]);
    const reference = await ok(service, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Service { name active } } }`, {
      r: [{ __typename: 'Service', id: serviceId }],
    });
    expect(reference._entities).toEqual([{ name: 'Haircut', active: false }]);
  });

  it('fills a missed entry from the primary, never from the replica (which may lag behind the write)', async () => {
    const manager = staffOf(organizationId, 'MANAGER');
    await ok(manager, `mutation($id: ID!) { updateBusiness(input: { id: $id, description: "Walk in any time" }) { id } }`, { id: businessId });
    const fill = await measure(() => ok(anonymous, byIdOp, { id: businessId }));
    expect(fill).toMatchObject({ misses: 1, primary: 1, replica: 0 });
    // Not cached (the staff-only list with inactive services): read by someone who wrote nothing, it goes to the replica.
    const uncached = await measure(() =>
      ok(staffOf(organizationId, 'VIEWER'), `query($id: ID) { business(id: $id) { services(includeInactive: true) { name } } }`, { id: businessId }),
    );
    expect(uncached.replica).toBeGreaterThan(0);
  });

  it('stores no private column, and still decides per caller who may see a cached row', async () => {
    await ok(anonymous, byIdOp, { id: businessId });
    const stored = runtime.redis.client ? await runtime.redis.client.get(`cache:business-profile:${businessId}`) : null;
    expect(stored).not.toBeNull();
    expect(JSON.parse(stored!).d).toMatchObject({ id: businessId, idempotencyKey: null });
    expect(await runtime.db.primary.business.findUnique({ where: { id: businessId }, select: { idempotencyKey: true } })).toEqual({
      idempotencyKey: 'secret-key-1',
    });

    const stranger = staffOf(randomUUID(), 'OWNER');
    expect((await ok(stranger, byIdOp, { id: businessId })).business).toBeNull();
  });
});
