import { randomUUID } from 'node:crypto';
import type { Identity } from '@waitlessq/auth';
import type { ServiceRuntime } from '@waitlessq/subgraph-kit';
import { createTestDatabase, errorCode, staffIdentity, startSubgraph, type GraphQLResponse, type RunningSubgraph, type TestDatabase } from '@waitlessq/testkit';
import { createBusinessSubgraph, retentionPolicies } from '../index';

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let db: TestDatabase;
let subgraph: RunningSubgraph;
let runtime: ServiceRuntime;

const staffOf = staffIdentity;

function call(identity: Identity, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<Data>> {
  return subgraph.call<Data>(identity, query, variables);
}

const updateOp = `mutation($input: UpdateOrganizationSettingsInput!) {
  updateOrganizationSettings(input: $input) { id settings { timezone language dateFormat dataRetentionDays } }
}`;
const readOp = `{ organization { id settings { timezone language dateFormat dataRetentionDays } } }`;

async function createOrganization(settings: Record<string, string | number> = {}): Promise<string> {
  const suffix = randomUUID().slice(0, 8);
  const organization = await runtime.db.prisma.organization.create({ data: { name: `Org ${suffix}`, slug: `org-${suffix}`, settings } });
  return organization.id;
}

const storedSettings = async (id: string) => (await runtime.db.prisma.organization.findUniqueOrThrow({ where: { id } })).settings;

beforeAll(async () => {
  db = await createTestDatabase();
  subgraph = await startSubgraph('business', createBusinessSubgraph, db);
  runtime = subgraph.runtime;
});

afterAll(async () => {
  await subgraph?.stop();
  await db?.drop();
});

describe('updateOrganizationSettings', () => {
  it('changes the settings sent, canonicalized, keeps the others and the keys the API never shows', async () => {
    const id = await createOrganization({ provisioningKey: 'signup-key', dateFormat: 'dd.MM.yyyy' });
    const response = await call(staffOf(id, 'ADMIN'), updateOp, { input: { timezone: 'europe/berlin', language: 'DE-ch', dataRetentionDays: 90 } });
    expect(response.errors).toBeUndefined();
    expect(response.data?.updateOrganizationSettings).toEqual({
      id,
      settings: { timezone: 'Europe/Berlin', language: 'de-CH', dateFormat: 'dd.MM.yyyy', dataRetentionDays: 90 },
    });
    expect(await storedSettings(id)).toEqual({
      provisioningKey: 'signup-key',
      timezone: 'Europe/Berlin',
      language: 'de-CH',
      dateFormat: 'dd.MM.yyyy',
      dataRetentionDays: 90,
    });

    // A second change of one setting leaves the first change alone; the organization query agrees.
    expect(
      (await call(staffOf(id, 'OWNER'), updateOp, { input: { dateFormat: 'yyyy/MM/dd', timezone: null } })).data?.updateOrganizationSettings.settings,
    ).toEqual({
      timezone: 'Europe/Berlin',
      language: 'de-CH',
      dateFormat: 'yyyy/MM/dd',
      dataRetentionDays: 90,
    });
    expect((await call(staffOf(id, 'VIEWER'), readOp)).data?.organization.settings.dateFormat).toBe('yyyy/MM/dd');
  });

  it('refuses a bad setting naming its field, and writes nothing of the input', async () => {
    const id = await createOrganization({ timezone: 'UTC' });
    const bad: [Record<string, unknown>, string][] = [
      [{ timezone: 'Mars/Olympus', dataRetentionDays: 60 }, 'timezone'],
      [{ language: 'not a tag', timezone: 'Europe/Paris' }, 'language'],
      [{ dateFormat: '<script>', language: 'fr' }, 'dateFormat'],
      [{ dateFormat: 'y'.repeat(33) }, 'dateFormat'],
      [{ dataRetentionDays: 29, timezone: 'Europe/Paris' }, 'dataRetentionDays'],
      [{ dataRetentionDays: 3651 }, 'dataRetentionDays'],
    ];
    for (const [input, field] of bad) {
      const response = await call(staffOf(id, 'OWNER'), updateOp, { input });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0]?.extensions?.field).toBe(field);
    }
    expect(await storedSettings(id)).toEqual({ timezone: 'UTC' });
    // The bounds themselves are accepted.
    for (const days of [30, 3650]) {
      expect(
        (await call(staffOf(id, 'OWNER'), updateOp, { input: { dataRetentionDays: days } })).data?.updateOrganizationSettings.settings.dataRetentionDays,
      ).toBe(days);
    }
  });

  it("is for OWNER and ADMIN only, and changes only the caller's own organization", async () => {
    const id = await createOrganization();
    const other = await createOrganization({ dataRetentionDays: 400 });
    for (const role of ['MANAGER', 'STAFF', 'VIEWER'] as const) {
      expect(errorCode(await call(staffOf(id, role), updateOp, { input: { dataRetentionDays: 31 } }))).toBe('FORBIDDEN');
    }
    expect(errorCode(await call({ kind: 'anonymous' }, updateOp, { input: { dataRetentionDays: 31 } }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await call({ kind: 'customer', subjectId: randomUUID(), organizationId: id }, updateOp, { input: { dataRetentionDays: 31 } }))).toMatch(
      /FORBIDDEN|UNAUTHENTICATED/,
    );
    expect(await storedSettings(id)).toEqual({});

    const response = await call(staffOf(id, 'OWNER'), updateOp, { input: { dataRetentionDays: 31 } });
    expect(response.data?.updateOrganizationSettings.id).toBe(id);
    expect(await storedSettings(other)).toEqual({ dataRetentionDays: 400 });
  });
});

describe('retentionPolicies', () => {
  it("gives every organization's retention window, the default where none is set", async () => {
    const set = await createOrganization({ dataRetentionDays: 45 });
    const unset = await createOrganization();
    const policies = await retentionPolicies(runtime.db.prisma);
    expect(policies).toEqual(
      expect.arrayContaining([
        { organizationId: set, dataRetentionDays: 45 },
        { organizationId: unset, dataRetentionDays: 365 },
      ]),
    );
    expect(policies.length).toBe(await runtime.db.prisma.organization.count());
    expect(await retentionPolicies(runtime.db.prisma, [set])).toEqual([{ organizationId: set, dataRetentionDays: 45 }]);
  });
});
