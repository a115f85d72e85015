import { randomUUID } from 'node:crypto';
import type { Identity } from '@waitlessq/auth';
import type { PrismaClient } from '@waitlessq/database';
import {
  anonymous,
  createTestDatabase,
  errorCode,
  ok as dataOf,
  serviceIdentity,
  staffIdentity,
  startSubgraph,
  type GraphQLResponse,
  type RunningSubgraph,
  type TestDatabase,
} from '@waitlessq/testkit';
import { createBusinessSubgraph } from './index';

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let db: TestDatabase;
/** Counts its Prisma operations (each is one SQL statement here), to show loaders batch. */
let subgraph: RunningSubgraph;
let prisma: PrismaClient;

const service = serviceIdentity('user');
const staffOf = staffIdentity;

function call(identity: Identity, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<Data>> {
  return subgraph.call<Data>(identity, query, variables);
}

async function ok(identity: Identity, query: string, variables?: Record<string, unknown>): Promise<Data> {
  return dataOf(await call(identity, query, variables));
}

const provisionOp = `mutation($input: ProvisionOrganizationInput!) { provisionOrganization(input: $input) { id name slug plan } }`;
const createBusinessOp = `mutation($input: CreateBusinessInput!) { createBusiness(input: $input) { id name slug timezone address { city country } } }`;
const createServiceOp = `mutation($input: CreateServiceInput!) { createService(input: $input) { id name durationMinutes currency business { id } } }`;
const businessBySlugOp = `query($slug: String) {
  business(slug: $slug) { id name slug services { name durationMinutes priceCents } openingHours { weekday opensAt closesAt } bookingPolicy { slotMinutes } }
}`;
const businessByIdOp = `query($id: ID) { business(id: $id) { id name } }`;

async function provision(name: string, idempotencyKey?: string): Promise<{ id: string; slug: string }> {
  return (await ok(service, provisionOp, { input: { name, idempotencyKey } })).provisionOrganization;
}

beforeAll(async () => {
  db = await createTestDatabase();
  subgraph = await startSubgraph('business', createBusinessSubgraph, db, { countStatements: true });
  prisma = subgraph.prisma;
});

afterAll(async () => {
  await subgraph?.stop();
  await db?.drop();
});

describe('provisionOrganization', () => {
  it('creates an organization for a service identity, once per idempotency key', async () => {
    const first = await provision('Acme Health', 'signup-1');
    const retry = await provision('Acme Health', 'signup-1');
    expect(retry.id).toBe(first.id);
    expect(first).toMatchObject({ name: 'Acme Health', slug: 'acme-health', plan: 'BASIC' });
    expect(await prisma.organization.count({ where: { name: 'Acme Health' } })).toBe(1);

    const namesake = await provision('Acme Health', 'signup-2');
    expect(namesake.id).not.toBe(first.id);
    expect(namesake.slug).toBe('acme-health-2');
  });

  it('is refused to staff and anonymous callers, writing nothing', async () => {
    const before = await prisma.organization.count();
    const asStaff = await call(staffOf(randomUUID(), 'OWNER'), provisionOp, { input: { name: 'Sneaky Org' } });
    expect(errorCode(asStaff)).toBe('FORBIDDEN');
    const asAnonymous = await call(anonymous, provisionOp, { input: { name: 'Sneaky Org' } });
    expect(errorCode(asAnonymous)).toBe('FORBIDDEN');
    expect(await prisma.organization.count()).toBe(before);
  });

  it('returns the caller organization to its members only', async () => {
    const org = await provision('Members Only');
    expect(
      (await ok(staffOf(org.id, 'VIEWER'), `{ organization { id slug settings { timezone dataRetentionDays } businesses { id } } }`)).organization,
    ).toEqual({
      id: org.id,
      slug: 'members-only',
      settings: { timezone: 'UTC', dataRetentionDays: 365 },
      businesses: [],
    });
    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { id name } } }`;
    const representations = [{ __typename: 'Organization', id: org.id }];
    expect((await ok(staffOf(randomUUID()), entities, { r: representations }))._entities).toEqual([null]);
    // Anonymous callers (a PWA, a sign-in answer) see the public name, never plan or settings.
    expect((await ok(anonymous, entities, { r: representations }))._entities).toEqual([{ id: org.id, name: 'Members Only' }]);
    const plan = await call(anonymous, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { plan } } }`, { r: representations });
    expect(errorCode(plan)).toBe('UNAUTHENTICATED');
    expect((await ok(anonymous, '{ organization { id } }')).organization).toBeNull();
  });
});

describe('businesses and services', () => {
  let orgA: string;
  let orgB: string;
  let businessId: string;
  let managerA: Identity;
  const businessInput = { name: 'Café Zürich', timezone: 'europe/zurich', address: { city: 'Zürich', country: 'ch' }, idempotencyKey: 'biz-1' };

  beforeAll(async () => {
    orgA = (await provision('Tenant A')).id;
    orgB = (await provision('Tenant B')).id;
    managerA = staffOf(orgA, 'MANAGER');
    const created = await ok(managerA, createBusinessOp, { input: businessInput });
    businessId = created.createBusiness.id;
    expect(created.createBusiness).toMatchObject({ slug: 'cafe-zurich', timezone: 'Europe/Zurich', address: { city: 'Zürich', country: 'CH' } });
  });

  it('returns the same business to a retry of the same manager with the same input, with one row', async () => {
    const retry = await ok(managerA, createBusinessOp, { input: businessInput });
    expect(retry.createBusiness.id).toBe(businessId);
    expect(await prisma.business.count({ where: { organizationId: orgA } })).toBe(1);
  });

  it('refuses the key to another manager, or with another input, with IDEMPOTENCY_KEY_REUSED, writing nothing', async () => {
    const reused = [
      await call(staffOf(orgA, 'MANAGER'), createBusinessOp, { input: businessInput }),
      await call(managerA, createBusinessOp, { input: { ...businessInput, name: 'Café Bern' } }),
    ];
    for (const answer of reused) {
      expect(errorCode(answer)).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(answer.data).toBeNull();
    }
    expect(await prisma.business.count({ where: { organizationId: orgA } })).toBe(1);
  });

  it('refuses an unknown time zone and a taken slug', async () => {
    const badZone = await call(staffOf(orgA), createBusinessOp, { input: { name: 'X', timezone: 'Europe/Atlantis' } });
    expect(errorCode(badZone)).toBe('BAD_USER_INPUT');
    expect(badZone.errors?.[0].extensions?.field).toBe('timezone');
    const taken = await call(staffOf(orgB), createBusinessOp, { input: { name: 'Other', slug: 'cafe-zurich', timezone: 'UTC' } });
    expect(errorCode(taken)).toBe('CONFLICT');
    expect(await prisma.business.count({ where: { organizationId: orgB } })).toBe(0);
  });

  it('creates services for managers, and refuses viewers with FORBIDDEN writing nothing', async () => {
    const serviceInput = { businessId, name: 'Espresso', durationMinutes: 5, priceCents: 350, idempotencyKey: 's-1' };
    const created = await ok(managerA, createServiceOp, { input: serviceInput });
    expect(created.createService).toMatchObject({ name: 'Espresso', durationMinutes: 5, currency: 'EUR', business: { id: businessId } });
    expect((await ok(managerA, createServiceOp, { input: serviceInput })).createService).toEqual(created.createService);
    expect(errorCode(await call(managerA, createServiceOp, { input: { ...serviceInput, priceCents: 1 } }))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(errorCode(await call(staffOf(orgA, 'MANAGER'), createServiceOp, { input: serviceInput }))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await prisma.service.count({ where: { organizationId: orgA, idempotencyKey: 's-1' } })).toBe(1);

    const before = await prisma.service.count();
    const refused = await call(staffOf(orgA, 'VIEWER'), createServiceOp, { input: { businessId, name: 'Latte', durationMinutes: 7 } });
    expect(errorCode(refused)).toBe('FORBIDDEN');
    expect(refused.data).toBeNull();
    expect(await prisma.service.count()).toBe(before);

    const tooLong = await call(staffOf(orgA, 'MANAGER'), createServiceOp, { input: { businessId, name: 'Marathon', durationMinutes: 601 } });
    expect(errorCode(tooLong)).toBe('BAD_USER_INPUT');
    expect(await prisma.service.count()).toBe(before);
  });

  it("shows the public profile to anonymous callers by slug, with the organization's name only", async () => {
    await ok(staffOf(orgA, 'MANAGER'), `mutation($id: ID!, $i: [OpeningHoursIntervalInput!]!) { setOpeningHours(businessId: $id, intervals: $i) { id } }`, {
      id: businessId,
      i: [
        { weekday: 0, opensAt: '13:00', closesAt: '18:00' },
        { weekday: 0, opensAt: '08:00', closesAt: '12:00' },
      ],
    });
    const profile = (await ok(anonymous, businessBySlugOp, { slug: 'cafe-zurich' })).business;
    expect(profile).toEqual({
      id: businessId,
      name: 'Café Zürich',
      slug: 'cafe-zurich',
      services: [{ name: 'Espresso', durationMinutes: 5, priceCents: 350 }],
      openingHours: [
        { weekday: 0, opensAt: '08:00', closesAt: '12:00' },
        { weekday: 0, opensAt: '13:00', closesAt: '18:00' },
      ],
      bookingPolicy: { slotMinutes: 15 },
    });
    const withOrganization = await ok(anonymous, `query($id: ID) { business(id: $id) { id organization { name } } }`, { id: businessId });
    expect(withOrganization.business.organization).toEqual({ name: expect.any(String) });
    const withPlan = await call(anonymous, `query($id: ID) { business(id: $id) { id organization { plan } } }`, { id: businessId });
    expect(errorCode(withPlan)).toBe('UNAUTHENTICATED');
  });

  it('hides a business and its services from staff of another organization (NOT_FOUND on writes)', async () => {
    const other = staffOf(orgB, 'OWNER');
    expect((await ok(other, businessByIdOp, { id: businessId })).business).toBeNull();
    expect((await ok(other, businessBySlugOp, { slug: 'cafe-zurich' })).business).toBeNull();
    expect((await ok(other, '{ businesses { id } }')).businesses).toEqual([]);
    const entities = await ok(other, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Business { id name } } }`, {
      r: [{ __typename: 'Business', id: businessId }],
    });
    expect(entities._entities).toEqual([null]);

    const before = await prisma.service.count();
    const write = await call(other, createServiceOp, { input: { businessId, name: 'Stolen', durationMinutes: 5 } });
    expect(errorCode(write)).toBe('NOT_FOUND');
    expect(await prisma.service.count()).toBe(before);
  });

  it('answers the queue subgraph (a service identity) with the organization, zone and durations', async () => {
    const serviceId = (await prisma.service.findFirstOrThrow({ where: { businessId } })).id;
    const answer = await ok(
      service,
      `query($b: ID, $s: ID!) { business(id: $b) { timezone organization { id } } service(id: $s) { durationMinutes business { id } } }`,
      {
        b: businessId,
        s: serviceId,
      },
    );
    expect(answer).toEqual({
      business: { timezone: 'Europe/Zurich', organization: { id: orgA } },
      service: { durationMinutes: 5, business: { id: businessId } },
    });
  });

  it('asks for exactly one of id and slug', async () => {
    expect(errorCode(await call(anonymous, '{ business { id } }'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await call(anonymous, `{ business(id: "${businessId}", slug: "cafe-zurich") { id } }`))).toBe('BAD_USER_INPUT');
    expect((await ok(anonymous, '{ business(id: "not-a-uuid") { id } }')).business).toBeNull();
  });

  it('refuses overlapping opening hours and keeps the stored week', async () => {
    const refused = await call(
      staffOf(orgA, 'ADMIN'),
      `mutation($id: ID!, $i: [OpeningHoursIntervalInput!]!) { setOpeningHours(businessId: $id, intervals: $i) { id } }`,
      {
        id: businessId,
        i: [
          { weekday: 3, opensAt: '09:00', closesAt: '12:00' },
          { weekday: 3, opensAt: '11:00', closesAt: '15:00' },
        ],
      },
    );
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(await prisma.openingHours.count({ where: { businessId } })).toBe(2);
  });

  it('keeps exactly one week when several replace it at once, never a mix', async () => {
    const setHours = `mutation($id: ID!, $i: [OpeningHoursIntervalInput!]!) { setOpeningHours(businessId: $id, intervals: $i) { id } }`;
    const weeks = Array.from({ length: 8 }, (_, i) => [
      { weekday: 0, opensAt: `0${i + 1}:00`, closesAt: `0${i + 1}:30` },
      { weekday: 0, opensAt: `1${i}:00`, closesAt: `1${i}:30` },
    ]);
    await Promise.all(weeks.map((week) => ok(staffOf(orgA, 'MANAGER'), setHours, { id: businessId, i: week })));
    const stored = await prisma.openingHours.findMany({ where: { businessId }, orderBy: { opensAt: 'asc' } });
    expect(stored).toHaveLength(2);
    expect(stored[1].opensAt - stored[0].opensAt).toBe(9 * 60);
  });

  it('stops a BASIC organization at three businesses', async () => {
    const org = (await provision('Small Shop')).id;
    const manager = staffOf(org, 'MANAGER');
    for (const name of ['One', 'Two', 'Three']) await ok(manager, createBusinessOp, { input: { name, timezone: 'UTC' } });
    const fourth = await call(manager, createBusinessOp, { input: { name: 'Four', timezone: 'UTC' } });
    expect(errorCode(fourth)).toBe('FORBIDDEN');
    expect(fourth.errors?.[0].message).toContain('BASIC plan allows at most 3 businesses');
    expect(await prisma.business.count({ where: { organizationId: org } })).toBe(3);
  });

  it('loads nested lists through batched loaders: statements do not grow with rows', async () => {
    const org = (await provision('Many Branches')).id;
    await prisma.organization.update({ where: { id: org }, data: { plan: 'PRO' } });
    const manager = staffOf(org, 'MANAGER');
    const addBranches = async (names: string[]) => {
      for (const name of names) {
        const id = (await ok(manager, createBusinessOp, { input: { name, timezone: 'UTC' } })).createBusiness.id;
        await ok(manager, createServiceOp, { input: { businessId: id, name: `Cut ${name}`, durationMinutes: 10 } });
        await ok(manager, createServiceOp, { input: { businessId: id, name: `Dye ${name}`, durationMinutes: 20 } });
      }
    };
    const tree =
      '{ businesses { name services { name business { name } } openingHours { weekday } bookingPolicy { slotMinutes } organization { plan businesses { id } } } }';
    const countOperations = async () => {
      const before = subgraph.statements();
      const answer = await ok(manager, tree);
      return { answer, statements: subgraph.statements() - before };
    };

    await addBranches(['North', 'South']);
    const small = await countOperations();
    expect(small.answer.businesses[1]).toEqual({
      name: 'South',
      services: [
        { name: 'Cut South', business: { name: 'South' } },
        { name: 'Dye South', business: { name: 'South' } },
      ],
      openingHours: [],
      bookingPolicy: { slotMinutes: 15 },
      organization: { plan: 'PRO', businesses: [{ id: expect.any(String) }, { id: expect.any(String) }] },
    });
    await addBranches(['East', 'West', 'Centre', 'Harbour']);
    const large = await countOperations();
    expect(large.answer.businesses).toHaveLength(6);
    // businesses, services, opening hours, booking policies, organization: one statement each.
    expect(small.statements).toBe(5);
    expect(large.statements).toBe(small.statements);
  });
});
