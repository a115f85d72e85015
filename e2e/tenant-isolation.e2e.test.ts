import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import {
  buildProbe,
  createTenant,
  createTestDatabase,
  graphEnv,
  graphql,
  idTakingFields,
  loadApiSchema,
  probeOfDocument,
  rateLimitsOff,
  snapshotTenantRows,
  startGraph,
  tenantStaffRoles,
  type GraphQLCall,
  type IdChooser,
  type IdSlot,
  type IdTakingField,
  type RunningGraph,
  type Tenant,
  type TestDatabase,
} from '@waitlessq/testkit';

// The tenant isolation suite. Every Query and Mutation field of the public schema that takes an
// id (as an argument, or inside an input object) is called with the ids of organization B's
// objects, by every kind of caller of organization A. None may answer with B's data, and none
// may change a row of B. The operations are generated from schema/supergraph.graphql, so a field
// added later is probed without anyone remembering to.

/**
 * Fields that cannot be probed this way, each with the reason. The suite fails when a field
 * cannot be generated and is not listed here, and when an entry here no longer names a field.
 */
const notProbed: Record<string, string> = {
  'Mutation.registerCustomer':
    "Public by design: a business's PWA lets anyone create a customer account in that business's organization, " +
    "so this call with B's organizationId creates a customer of B by definition (it is not a write on behalf of A).",
};

/**
 * Calls that put one id of B among A's own and are accepted: A's row then points at B's object.
 * Nothing of B changes and nothing of B is shown (the reference resolves to null for A), so they
 * do not break isolation, but they are wrong; each entry is a defect of the owning subgraph to
 * fix, and the suite fails when the list changes either way (a new one appears, or one is fixed
 * and must be removed here).
 */
const acceptedForeignReferences: string[] = [];

interface Caller {
  name: string;
  auth: Pick<GraphQLCall, 'token' | 'apiKey'>;
}

interface Variant {
  label: string;
  /** Every id of B (true), or one id of B among A's own (false: a write into A must not reach B either). */
  allForeign: boolean;
  chooseId: IdChooser;
}

interface Outcome {
  call: string;
  status: number;
  codes: string[];
  data: unknown;
  leaked: string[];
  allForeign: boolean;
}

/** Codes that mean "refused without telling anything about B". */
const refusals = new Set(['NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED', 'BAD_USER_INPUT', 'OPERATION_NOT_ALLOWED']);

let db: TestDatabase;
let graph: RunningGraph;
let api: string;
let sql: Client;
let a: Tenant;
let b: Tenant;

beforeAll(async () => {
  db = await createTestDatabase();
  // About tenancy, not rate limits: hundreds of calls come from one address.
  graph = await startGraph(graphEnv(db, rateLimitsOff));
  api = graph.gateway.url;
  sql = new Client({ connectionString: db.url });
  await sql.connect();
  [a, b] = await Promise.all([createTenant(api, 'Alpha'), createTenant(api, 'Bravo')]);
}, 120_000);

afterAll(async () => {
  await sql?.end();
  await graph?.stop();
  await db?.drop();
});

const schema = loadApiSchema();
const fields = idTakingFields(schema);

function callersOf(tenant: Tenant): Caller[] {
  return [
    ...tenantStaffRoles.map((role) => ({ name: role, auth: { token: tenant.staff[role].accessToken } })),
    { name: 'CUSTOMER', auth: { token: tenant.customer.accessToken } },
    { name: 'PARTNER', auth: { apiKey: tenant.apiKey.key } },
  ];
}

function idOf(tenant: Tenant, slot: IdSlot, index: number): string {
  const ids = tenant.ids[slot.target];
  if (!ids?.length) throw new Error(`no ${slot.target} to send in ${slot.path.join('.')}`);
  return ids[index % ids.length];
}

/** B's ids everywhere (one call per object of the most numerous type: each visit state, each customer), then B's id in one slot and A's in the others. */
function variantsOf(field: IdTakingField): Variant[] {
  const unknown = field.slots.filter((slot) => !b.ids[slot.target]?.length || !a.ids[slot.target]?.length);
  if (unknown.length) {
    throw new Error(
      `${field.coordinate}: no object of type ${unknown.map((s) => `${s.target} (for ${s.path.join('.')})`).join(', ')} in the tenants; add it to createTenant or to notProbed with a reason.`,
    );
  }
  const width = Math.max(...field.slots.map((slot) => b.ids[slot.target].length));
  const allForeign = Array.from({ length: width }, (_, i) => ({ label: `all B #${i}`, allForeign: true, chooseId: (slot: IdSlot) => idOf(b, slot, i) }));
  const oneForeign =
    field.slots.length < 2
      ? []
      : field.slots.map((foreign) => ({
          label: `B only in ${foreign.path.join('.')}`,
          allForeign: false,
          chooseId: (slot: IdSlot) => (slot === foreign ? idOf(b, slot, 0) : idOf(a, slot, 0)),
        }));
  return [...allForeign, ...oneForeign];
}

/** What of B's an answer shows, leaving out the ids the caller sent (an error may name them). */
function leaksOf(body: unknown, sent: string[]): string[] {
  const text = JSON.stringify(body).toLowerCase();
  return b.secrets.filter((secret) => !sent.includes(secret) && text.includes(secret.toLowerCase()));
}

async function send(label: string, call: GraphQLCall, sent: string[], allForeign: boolean, rootField?: string): Promise<Outcome> {
  const response = await graphql(api, call);
  const codes = (response.errors ?? []).map((error) => String(error.extensions?.code));
  const data = rootField ? (response.data as Record<string, unknown> | null | undefined)?.[rootField] : response.data;
  return { call: label, status: response.status, codes, data, leaked: leaksOf(response, sent), allForeign };
}

/** Runs the calls a few at a time: concurrent enough to be quick, gentle on a two-core machine. */
async function inBatches<T>(tasks: (() => Promise<T>)[], width = 8): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

function countCodes(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) {
    const key = outcome.codes[0] ?? (isEmpty(outcome.data) ? 'empty' : 'data');
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const isEmpty = (data: unknown) => data === null || data === undefined || (Array.isArray(data) && data.length === 0);

/** Everything wrong with one outcome; an empty list when the call kept to its own tenant. */
function problemsOf(outcome: Outcome): string[] {
  const problems: string[] = [];
  if (outcome.leaked.length) problems.push(`shows B's ${outcome.leaked.join(', ')}`);
  const unexpected = outcome.codes.filter((code) => !refusals.has(code));
  if (unexpected.length) problems.push(`answers ${unexpected.join(', ')} (HTTP ${outcome.status})`);
  if (outcome.allForeign && !isEmpty(outcome.data)) problems.push(`returns data: ${JSON.stringify(outcome.data).slice(0, 200)}`);
  return problems.map((problem) => `${outcome.call}: ${problem}`);
}

describe('tenant isolation, generated from the supergraph', () => {
  it('knows how to probe every field that takes an id, except the ones listed with a reason', () => {
    const coordinates = fields.map((field) => field.coordinate);
    expect(Object.keys(notProbed).filter((coordinate) => !coordinates.includes(coordinate))).toEqual([]);
    // variantsOf throws, naming the field and the type, for a field it cannot build a call for.
    const probed = fields.filter((field) => !(field.coordinate in notProbed));
    for (const field of probed) expect(variantsOf(field).length).toBeGreaterThan(0);
    // A sanity floor: the supergraph had 28 such fields when this suite was written.
    expect(probed.length).toBeGreaterThanOrEqual(27);
  });

  it("answers no caller of A with B's data, and changes no row of B", async () => {
    const before = await snapshotTenantRows(sql, b.organizationId);
    // Every table is tied to an organization (snapshotTenantRows finds them in the catalogue).
    expect(before.unscoped).toEqual([]);
    expect(Object.keys(before.tables).length).toBeGreaterThanOrEqual(19);

    const tasks: (() => Promise<Outcome>)[] = [];
    const coverage: Record<string, number> = {};
    for (const field of fields.filter((f) => !(f.coordinate in notProbed))) {
      const probe = buildProbe(schema, field);
      for (const variant of variantsOf(field)) {
        for (const caller of callersOf(a)) {
          const sent: string[] = [];
          const variables = probe.variables((slot) => {
            const id = variant.chooseId(slot);
            sent.push(id);
            return id;
          });
          coverage[field.coordinate] = (coverage[field.coordinate] ?? 0) + 1;
          const label = `${field.coordinate} (${variant.label}) as ${caller.name}`;
          tasks.push(() =>
            send(label, { query: probe.query, operationName: probe.operationName, variables, ...caller.auth }, sent, variant.allForeign, field.name),
          );
        }
      }
    }
    const outcomes = await inBatches(tasks);
    const accepted = outcomes.filter((o) => !o.allForeign && o.codes.length === 0);

    console.info(
      `Tenant isolation: ${outcomes.length} calls over ${Object.keys(coverage).length} fields\n` +
        Object.entries(coverage)
          .map(([field, calls]) => `  ${field}: ${calls} calls`)
          .join('\n') +
        `\nNot probed:\n${Object.entries(notProbed)
          .map(([field, reason]) => `  ${field}: ${reason}`)
          .join('\n')}` +
        `\nAnswers: ${JSON.stringify(countCodes(outcomes))}` +
        `\nAccepted with one id of B among A's own:\n${accepted.map((o) => `  ${o.call}`).join('\n') || '  none'}`,
    );
    expect(Object.keys(coverage).sort()).toEqual(
      fields
        .map((f) => f.coordinate)
        .filter((c) => !(c in notProbed))
        .sort(),
    );
    expect(outcomes.flatMap(problemsOf)).toEqual([]);
    expect(await snapshotTenantRows(sql, b.organizationId)).toEqual(before);
    expect([...new Set(accepted.map((o) => o.call.replace(/ as \w+$/, '')))].sort()).toEqual([...acceptedForeignReferences].sort());
  }, 90_000);

  it("lets A's partner key run no trusted document against B's objects", async () => {
    const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../schema/operations/manifest.json'), 'utf8')) as {
      operations: { id: string; name: string; type: string; body: string }[];
    };
    const withIds = manifest.operations
      .filter((operation) => operation.type !== 'subscription')
      .map((operation) => ({ operation, probe: probeOfDocument(schema, operation.body) }))
      .filter(({ probe }) => probe.slots.length > 0);
    expect(withIds.length).toBeGreaterThan(0);
    const before = await snapshotTenantRows(sql, b.organizationId);

    const outcomes = await inBatches(
      withIds.map(({ operation, probe }) => () => {
        const sent: string[] = [];
        const variables = probe.variables((slot) => {
          const id = idOf(b, slot, 0);
          sent.push(id);
          return id;
        });
        const call = {
          operationName: operation.name,
          variables,
          extensions: { persistedQuery: { version: 1, sha256Hash: operation.id } },
          apiKey: a.apiKey.key,
        };
        return send(`${operation.name} by id as PARTNER`, call, sent, true);
      }),
    );
    // Refused by the subgraphs (NOT_FOUND, FORBIDDEN), not by the gateway: these are the partner's own operations.
    expect(outcomes.filter((o) => o.codes.includes('OPERATION_NOT_ALLOWED')).map((o) => o.call)).toEqual([]);
    expect(outcomes.flatMap((o) => problemsOf({ ...o, data: isEmpty(o.data) || Object.values(o.data as object).every(isEmpty) ? null : o.data }))).toEqual([]);
    expect(await snapshotTenantRows(sql, b.organizationId)).toEqual(before);
  }, 30_000);

  it("runs every probe with A's own ids as A's owner: the probes fail on tenancy, not on their own shape", async () => {
    // Last: these change A (they revoke A's key, close its queue, ...).
    const problems: string[] = [];
    const probed = fields.filter((f) => !(f.coordinate in notProbed));
    const ordered = [...probed.filter((f) => f.operation === 'query'), ...probed.filter((f) => f.operation === 'mutation')];
    for (const field of ordered) {
      const probe = buildProbe(schema, field);
      const variables = probe.variables((slot) => idOf(a, slot, 0));
      const outcome = await send(field.coordinate, { query: probe.query, variables, token: a.staff.OWNER.accessToken }, [], false, field.name);
      // A wrong password is the expected answer of a sign-in with a made-up one.
      // A probe's made-up instant is rarely a free slot: the booking is judged, not refused for tenancy.
      const acceptable = new Set([
        'INVALID_TRANSITION',
        'QUEUE_CLOSED',
        'QUEUE_FULL',
        'CONFLICT',
        'SLOT_UNAVAILABLE',
        'CANCELLATION_WINDOW_PASSED',
        ...(/password/i.test(probe.query) ? ['UNAUTHENTICATED'] : []),
      ]);
      const wrong = outcome.codes.filter((code) => !acceptable.has(code));
      if (wrong.length) problems.push(`${field.coordinate}: ${wrong.join(', ')}`);
      else if (field.operation === 'query' && isEmpty(outcome.data)) problems.push(`${field.coordinate}: no data for A's own object`);
    }
    expect(problems).toEqual([]);
  }, 60_000);
});
