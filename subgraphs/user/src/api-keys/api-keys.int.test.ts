import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { hashApiKey, identityHeader, partnerKeyCacheKey, revokedPartnerKey, type Identity, type StaffRole } from '@waitlessq/auth';
import type { ServiceRuntime } from '@waitlessq/subgraph-kit';
import { createTestDatabase, startSubgraph, type RunningSubgraph, type TestDatabase } from '@waitlessq/testkit';
import { createUserSubgraph } from '../index';

// The user subgraph alone over HTTP, with identities signed as the gateway signs them: partner
// keys need no other subgraph (they belong to an organization id, whoever provisioned it).

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;
interface Response {
  data?: Data | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id name prefix createdAt lastUsedAt revokedAt } } }`;
const LIST = `{ apiKeys { id name prefix lastUsedAt revokedAt } }`;
const REVOKE = `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`;
const RESOLVE = `query($h: String!) { apiKeyIdentity(keyHash: $h) { apiKeyId organizationId } }`;

let db: TestDatabase;
let subgraph: RunningSubgraph;
let runtime: ServiceRuntime;
let url: string;
let sql: Client;

beforeAll(async () => {
  db = await createTestDatabase();
  subgraph = await startSubgraph('user', createUserSubgraph, db, { env: { REDIS_KEY_PREFIX: `test:${db.name}:` } });
  ({ runtime, url } = subgraph);
  sql = new Client({ connectionString: db.url });
  await sql.connect();
});

afterAll(async () => {
  await sql?.end();
  await subgraph?.stop();
  await db?.drop();
});

async function call(query: string, variables: Record<string, unknown>, identity: Identity): Promise<Response> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [identityHeader]: await runtime.signer.sign(identity) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Response;
}

const codeOf = (response: Response) => response.errors?.[0]?.extensions?.code;
const staff = (organizationId: string, role: StaffRole = 'OWNER'): Identity => ({
  kind: 'staff',
  subjectId: randomUUID(),
  organizationId,
  role,
  platformAdmin: false,
});
const gateway: Identity = { kind: 'service', subjectId: 'gateway' };
const keyRows = async () => (await sql.query('SELECT * FROM "ApiKey" ORDER BY "id"')).rows;

async function createKey(owner: Identity, name = 'Entrance kiosk', idempotencyKey?: string) {
  const response = await call(CREATE, { input: { name, idempotencyKey } }, owner);
  expect(response.errors).toBeUndefined();
  return response.data!.createApiKey as { key: string; apiKey: { id: string; prefix: string; name: string } };
}

describe('partner API keys', () => {
  const organizationId = randomUUID();
  const owner = staff(organizationId);

  it('shows the key once and stores only its hash', async () => {
    const created = await createKey(owner, '  Entrance kiosk ');
    expect(created.key).toMatch(/^wlq_live_[A-Za-z0-9_-]{43}$/);
    expect(created.apiKey).toMatchObject({ name: 'Entrance kiosk', prefix: created.key.slice(0, 15) });
    const { rows } = await sql.query('SELECT * FROM "ApiKey" WHERE "id" = $1', [created.apiKey.id]);
    expect(rows[0].keyHash).toBe(hashApiKey(created.key));
    expect(JSON.stringify(rows[0])).not.toContain(created.key);
  });

  it('lets OWNER and ADMIN manage keys, and refuses everyone else with nothing written', async () => {
    await createKey(staff(organizationId, 'ADMIN'), 'Display screen');
    const before = await keyRows();
    const refused: Identity[] = [
      staff(organizationId, 'MANAGER'),
      staff(organizationId, 'STAFF'),
      staff(organizationId, 'VIEWER'),
      { kind: 'customer', subjectId: randomUUID(), organizationId },
      { kind: 'partner', subjectId: randomUUID(), organizationId },
    ];
    for (const identity of refused) {
      expect(codeOf(await call(CREATE, { input: { name: 'Sneaky' } }, identity))).toBe('FORBIDDEN');
      expect(codeOf(await call(LIST, {}, identity))).toBe('FORBIDDEN');
      expect(codeOf(await call(REVOKE, { id: before[0].id }, identity))).toBe('FORBIDDEN');
    }
    expect(codeOf(await call(CREATE, { input: { name: 'Sneaky' } }, { kind: 'anonymous' }))).toBe('UNAUTHENTICATED');
    expect(await keyRows()).toEqual(before);
  });

  it('refuses a blank or overlong name with BAD_USER_INPUT naming the field', async () => {
    const before = await keyRows();
    for (const name of ['   ', 'x'.repeat(101)]) {
      const response = await call(CREATE, { input: { name } }, owner);
      expect(codeOf(response)).toBe('BAD_USER_INPUT');
      expect(response.errors![0].extensions!.field).toBe('name');
    }
    expect(await keyRows()).toEqual(before);
  });

  it('answers a retry with the same key and writes nothing new; another admin, or another input, gets IDEMPOTENCY_KEY_REUSED', async () => {
    const first = await createKey(owner, 'CRM', 'crm-1');
    const count = (await keyRows()).length;
    const again = await createKey(owner, 'CRM', 'crm-1');
    expect(again).toEqual(first);
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => createKey(owner, 'CRM', 'crm-1')));
    expect(new Set(concurrent.map((c) => c.apiKey.id))).toEqual(new Set([first.apiKey.id]));
    expect((await keyRows()).length).toBe(count);
    const stranger = await call(CREATE, { input: { name: 'CRM', idempotencyKey: 'crm-1' } }, staff(organizationId, 'ADMIN'));
    expect(codeOf(stranger)).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(JSON.stringify(stranger)).not.toContain(first.key);
    expect(codeOf(await call(CREATE, { input: { name: 'ERP', idempotencyKey: 'crm-1' } }, owner))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await keyRows()).length).toBe(count);
  });

  it("lists the organization's keys only, newest first", async () => {
    const other = randomUUID();
    await createKey(staff(other), 'Elsewhere');
    const { data } = await call(LIST, {}, owner);
    const names = (data!.apiKeys as { name: string }[]).map((k) => k.name);
    expect(names).toEqual(['CRM', 'Display screen', 'Entrance kiosk']);
  });

  it("refuses to revoke another organization's key with NOT_FOUND, and a malformed id too", async () => {
    const foreign = await createKey(staff(randomUUID()), 'Not yours');
    const before = await keyRows();
    expect(codeOf(await call(REVOKE, { id: foreign.apiKey.id }, owner))).toBe('NOT_FOUND');
    expect(codeOf(await call(REVOKE, { id: 'not-a-uuid' }, owner))).toBe('NOT_FOUND');
    expect(await keyRows()).toEqual(before);
  });
});

describe('resolving a key for the gateway', () => {
  const organizationId = randomUUID();
  const owner = staff(organizationId);

  it('answers service identities only', async () => {
    const { key } = await createKey(owner);
    for (const identity of [owner, { kind: 'partner', subjectId: randomUUID(), organizationId } as Identity, { kind: 'anonymous' } as Identity]) {
      expect(codeOf(await call(RESOLVE, { h: hashApiKey(key) }, identity))).toBe('FORBIDDEN');
    }
  });

  it('returns the key and its organization, and null for unknown hashes', async () => {
    const { key, apiKey } = await createKey(owner);
    expect((await call(RESOLVE, { h: hashApiKey(key) }, gateway)).data!.apiKeyIdentity).toEqual({ apiKeyId: apiKey.id, organizationId });
    expect((await call(RESOLVE, { h: hashApiKey(`${key}x`) }, gateway)).data!.apiKeyIdentity).toBeNull();
    expect((await call(RESOLVE, { h: 'not a hash' }, gateway)).data!.apiKeyIdentity).toBeNull();
  });

  it('stamps lastUsedAt at most once a minute', async () => {
    const { key, apiKey } = await createKey(owner);
    const lastUsed = async () => (await sql.query('SELECT "lastUsedAt" FROM "ApiKey" WHERE "id" = $1', [apiKey.id])).rows[0].lastUsedAt as Date | null;
    expect(await lastUsed()).toBeNull();
    await call(RESOLVE, { h: hashApiKey(key) }, gateway);
    const first = await lastUsed();
    expect(first).not.toBeNull();
    await call(RESOLVE, { h: hashApiKey(key) }, gateway);
    expect(await lastUsed()).toEqual(first);
    // A stamp older than a minute is renewed.
    await sql.query(`UPDATE "ApiKey" SET "lastUsedAt" = now() - interval '2 minutes' WHERE "id" = $1`, [apiKey.id]);
    const old = await lastUsed();
    await call(RESOLVE, { h: hashApiKey(key) }, gateway);
    expect((await lastUsed())!.getTime()).toBeGreaterThan(old!.getTime());
  });

  it('revoking answers null from then on and writes the tombstone over the cached answer', async () => {
    const { key, apiKey } = await createKey(owner);
    const cacheKey = partnerKeyCacheKey(hashApiKey(key));
    await runtime.redis.store.set(cacheKey, JSON.stringify({ apiKeyId: apiKey.id, organizationId }), 60);
    const revoked = await call(REVOKE, { id: apiKey.id }, staff(organizationId, 'ADMIN'));
    expect(revoked.data!.revokeApiKey.revokedAt).toBeTruthy();
    expect(await runtime.redis.store.get(cacheKey)).toBe(revokedPartnerKey);
    expect((await call(RESOLVE, { h: hashApiKey(key) }, gateway)).data!.apiKeyIdentity).toBeNull();
    // Revoking again keeps the first time and writes the tombstone again.
    await runtime.redis.store.del(cacheKey);
    const again = await call(REVOKE, { id: apiKey.id }, owner);
    expect(again.data!.revokeApiKey.revokedAt).toBe(revoked.data!.revokeApiKey.revokedAt);
    expect(await runtime.redis.store.get(cacheKey)).toBe(revokedPartnerKey);
  });
});
