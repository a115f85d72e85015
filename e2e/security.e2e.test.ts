import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import { Client } from 'pg';
import { createIdentitySigner, identityHeader, type Identity } from '@waitlessq/auth';
import {
  createTenant,
  createTestDatabase,
  errorCode,
  graphEnv,
  graphql,
  graphqlOk,
  rateLimitsOff,
  snapshotTenantRows,
  startGraph,
  testSecrets,
  type GraphQLCall,
  type RunningGraph,
  type RunningService,
  type Tenant,
  type TestDatabase,
} from '@waitlessq/testkit';

// Credentials at the edge of the graph, end to end: access tokens that were tampered with, have
// expired, were signed with another key or with none; customers and partners on staff
// operations; partner keys, their trusted documents and their revocation across gateway
// replicas; identities sent straight to the subgraphs. Every refusal leaves the rows unchanged.

const { JWT_SECRET: jwtSecret, IDENTITY_SIGNING_SECRET: identitySecret } = testSecrets;

interface TrustedOperation {
  id: string;
  name: string;
  body: string;
}
const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../schema/operations/manifest.json'), 'utf8')) as { operations: TrustedOperation[] };
const trusted = (name: string): TrustedOperation => {
  const operation = manifest.operations.find((candidate) => candidate.name === name);
  if (!operation) throw new Error(`${name} is not in schema/operations/manifest.json`);
  return operation;
};
/** A trusted document sent the way partners must: by its manifest id, without the query. */
const byId = (name: string, variables: Record<string, unknown>): GraphQLCall => ({
  operationName: name,
  variables,
  extensions: { persistedQuery: { version: 1, sha256Hash: trusted(name).id } },
});

let db: TestDatabase;
let graph: RunningGraph;
let api: string;
let sql: Client;
let tenant: Tenant;
const rows = () => snapshotTenantRows(sql, tenant.organizationId);

beforeAll(async () => {
  db = await createTestDatabase();
  // Not about rate limits (edge.e2e is): every call of this suite comes from one address.
  graph = await startGraph(graphEnv(db, rateLimitsOff));
  api = graph.gateway.url;
  sql = new Client({ connectionString: db.url });
  await sql.connect();
  tenant = await createTenant(api, 'Secure');
}, 120_000);

afterAll(async () => {
  await sql?.end();
  await graph?.stop();
  await db?.drop();
});

const CREATE_QUEUE = `mutation($input: CreateQueueInput!) { createQueue(input: $input) { id } }`;
const createQueueAs = (auth: Pick<GraphQLCall, 'token' | 'apiKey' | 'headers'>) =>
  graphql(api, { query: CREATE_QUEUE, variables: { input: { businessId: tenant.businessId, name: 'Sneaky' } }, ...auth });

/** Claims as the gateway's token service writes them, signed (or not) as each case needs. */
function claims(overrides: Record<string, unknown> = {}) {
  return { org: tenant.organizationId, kind: 'staff', role: 'OWNER', ...overrides };
}
function signed(secret: string, options: { alg?: string; expiresAt?: number; issuer?: string; audience?: string; claims?: Record<string, unknown> } = {}) {
  return new SignJWT(options.claims ?? claims())
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .setSubject(tenant.staff.OWNER.id)
    .setIssuer(options.issuer ?? 'waitlessq')
    .setAudience(options.audience ?? 'waitlessq-api')
    .setIssuedAt()
    .setExpirationTime(options.expiresAt ?? Math.floor(Date.now() / 1000) + 600)
    .sign(new TextEncoder().encode(secret));
}

describe('access tokens at the gateway', () => {
  it('refuses tampered, expired, foreign-key, unsigned and otherwise wrong tokens with UNAUTHENTICATED, writing nothing', async () => {
    const [header, payload, signature] = tenant.staff.VIEWER.accessToken.split('.');
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const tamper = (change: Record<string, unknown>) =>
      `${header}.${Buffer.from(JSON.stringify({ ...decoded, ...change })).toString('base64url')}.${signature}`;
    const now = Math.floor(Date.now() / 1000);
    const forged: Record<string, string> = {
      'a VIEWER token promoted to OWNER': tamper({ role: 'OWNER' }),
      'a token moved to another organization': tamper({ org: '00000000-0000-4000-8000-000000000000' }),
      'a token whose expiry was pushed back': tamper({ exp: now + 86_400 }),
      'an expired token': await signed(jwtSecret, { expiresAt: now - 60 }),
      'a token signed with another secret': await signed('another-secret-0123456789abcdef0123456789'),
      'a token signed with the identity-header secret': await signed(identitySecret),
      'alg: none': new UnsecuredJWT(claims())
        .setSubject(tenant.staff.OWNER.id)
        .setIssuer('waitlessq')
        .setAudience('waitlessq-api')
        .setExpirationTime('1h')
        .encode(),
      'alg: HS512 with the right secret': await signed(jwtSecret, { alg: 'HS512' }),
      'another issuer': await signed(jwtSecret, { issuer: 'someone-else' }),
      'another audience': await signed(jwtSecret, { audience: 'waitlessq-subgraph' }),
      'a partner kind claimed in a token': await signed(jwtSecret, { claims: claims({ kind: 'partner', role: undefined }) }),
      garbage: 'not.a.jwt',
    };
    const before = await rows();
    for (const [name, token] of Object.entries(forged)) {
      const result = await createQueueAs({ token });
      expect({ name, code: errorCode(result), status: result.status, data: result.data ?? null }).toEqual({
        name,
        code: 'UNAUTHENTICATED',
        status: 401,
        data: null,
      });
    }
    expect(await rows()).toEqual(before);
    // The same request with the real token goes through: the refusals were about the tokens.
    expect(errorCode(await createQueueAs({ token: tenant.staff.OWNER.accessToken }))).toBeUndefined();
  });

  it('refuses a customer token on staff operations with FORBIDDEN, writing nothing', async () => {
    const staffOperations: GraphQLCall[] = [
      { query: CREATE_QUEUE, variables: { input: { businessId: tenant.businessId, name: 'Sneaky' } } },
      { query: `mutation($q: ID!) { callNext(queueId: $q) { id } }`, variables: { q: tenant.queueId } },
      { query: `mutation($q: ID!) { pauseQueue(queueId: $q) { id } }`, variables: { q: tenant.queueId } },
      { query: `mutation($v: ID!) { completeVisit(visitId: $v) { id } }`, variables: { v: tenant.visits.serving.id } },
      {
        query: `mutation($input: CreateServiceInput!) { createService(input: $input) { id } }`,
        variables: { input: { businessId: tenant.businessId, name: 'X', durationMinutes: 5 } },
      },
      {
        query: `mutation($input: InviteStaffInput!) { inviteStaff(input: $input) { token } }`,
        variables: { input: { email: 'sneaky@example.test', role: 'STAFF' } },
      },
      { query: `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }`, variables: { input: { name: 'Sneaky' } } },
      { query: `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`, variables: { input: { name: 'Sneaky' } } },
      { query: `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, variables: { id: tenant.apiKey.id } },
      { query: `mutation($b: ID!) { publishPwa(businessId: $b) { version } }`, variables: { b: tenant.businessId } },
      { query: `{ customers { id } }` },
      { query: `{ apiKeys { id } }` },
    ];
    const before = await rows();
    for (const operation of staffOperations) {
      const result = await graphql(api, { ...operation, token: tenant.customer.accessToken });
      expect({ query: operation.query, code: errorCode(result) }).toEqual({ query: operation.query, code: 'FORBIDDEN' });
    }
    expect(await rows()).toEqual(before);
  });
});

describe('partner keys', () => {
  it('run a trusted document by its manifest id, for their own organization', async () => {
    const summary = await graphqlOk<{ queue: { id: string; waitingCount: number; servingNow: { id: string }[] } }>(api, {
      ...byId('DisplayQueueSummary', { queueId: tenant.queueId }),
      apiKey: tenant.apiKey.key,
    });
    expect(summary.queue.id).toBe(tenant.queueId);
    expect(summary.queue.servingNow.map((visit) => visit.id).sort()).toEqual([tenant.visits.called.id, tenant.visits.serving.id].sort());

    const joined = await graphqlOk<{ joinQueue: { visitToken: string; visit: { id: string; status: string } } }>(api, {
      ...byId('KioskJoinQueue', { input: { queueId: tenant.queueId, name: 'Kiosk walk-in', serviceId: tenant.serviceId } }),
      apiKey: tenant.apiKey.key,
    });
    expect(joined.joinQueue.visit.status).toBe('WAITING');
    const {
      rows: [visit],
    } = await sql.query('SELECT "source", "organizationId" FROM "Visit" WHERE "id" = $1', [joined.joinQueue.visit.id]);
    expect(visit).toEqual({ source: 'PARTNER', organizationId: tenant.organizationId });
  });

  it('are refused any operation of their own (OPERATION_NOT_ALLOWED), even the text of a trusted one', async () => {
    const before = await rows();
    const ownQuery = await graphql(api, { query: `{ queue(id: "${tenant.queueId}") { id name } }`, apiKey: tenant.apiKey.key });
    expect(errorCode(ownQuery)).toBe('OPERATION_NOT_ALLOWED');
    const trustedText = await graphql(api, { query: trusted('DisplayQueueSummary').body, variables: { queueId: tenant.queueId }, apiKey: tenant.apiKey.key });
    expect(errorCode(trustedText)).toBe('OPERATION_NOT_ALLOWED');
    expect(errorCode(await createQueueAs({ apiKey: tenant.apiKey.key }))).toBe('OPERATION_NOT_ALLOWED');
    expect(await rows()).toEqual(before);
  });

  it('are refused staff operations of the manifest by the subgraphs (FORBIDDEN), writing nothing', async () => {
    const before = await rows();
    const refusals = [
      byId('DashboardCallNext', { queueId: tenant.queueId }),
      byId('DashboardPauseQueue', { queueId: tenant.queueId }),
      byId('DashboardStartServing', { visitId: tenant.visits.called.id }),
      byId('DashboardCompleteVisit', { visitId: tenant.visits.serving.id }),
      byId('DashboardMarkNoShow', { visitId: tenant.visits.called.id }),
    ];
    for (const call of refusals) {
      const result = await graphql(api, { ...call, apiKey: tenant.apiKey.key });
      expect({ operation: call.operationName, code: errorCode(result) }).toEqual({ operation: call.operationName, code: 'FORBIDDEN' });
    }
    expect(await rows()).toEqual(before);
  });

  it('refuses malformed and unknown keys, and a key sent with a bearer token', async () => {
    const summary = (auth: Pick<GraphQLCall, 'apiKey' | 'token'>) => graphql(api, { ...byId('DisplayQueueSummary', { queueId: tenant.queueId }), ...auth });
    for (const apiKey of ['nonsense', `${tenant.apiKey.key}x`, `wlq_live_${'A'.repeat(43)}`]) {
      const result = await summary({ apiKey });
      expect({ apiKey, code: errorCode(result), status: result.status }).toEqual({ apiKey, code: 'UNAUTHENTICATED', status: 401 });
    }
    const both = await summary({ apiKey: tenant.apiKey.key, token: tenant.staff.OWNER.accessToken });
    expect(errorCode(both)).toBe('UNAUTHENTICATED');
    expect(both.errors![0].message).toBe('Send either an Authorization bearer token or an x-api-key header, not both.');
  });

  it('are stamped lastUsedAt when used, and listed to owners without the key', async () => {
    const { apiKeys } = await graphqlOk<{ apiKeys: { id: string; prefix: string; lastUsedAt: string | null; revokedAt: string | null }[] }>(api, {
      query: `{ apiKeys { id prefix lastUsedAt revokedAt } }`,
      token: tenant.staff.ADMIN.accessToken,
    });
    const key = apiKeys.find((candidate) => candidate.id === tenant.apiKey.id)!;
    expect(key.prefix).toBe(tenant.apiKey.prefix);
    expect(tenant.apiKey.key.startsWith(key.prefix)).toBe(true);
    expect(Date.now() - Date.parse(key.lastUsedAt!)).toBeLessThan(120_000);
    expect(JSON.stringify(apiKeys)).not.toContain(tenant.apiKey.key);
  });

  describe('revocation', () => {
    let replica: RunningService;
    // A second gateway on the same subgraphs and Redis: revocation must reach every replica.
    beforeAll(async () => void (replica = await graph.startGateway()), 60_000);

    it('refuses a revoked key from the very next request, on every gateway replica', async () => {
      const { createApiKey } = await graphqlOk<{ createApiKey: { key: string; apiKey: { id: string } } }>(api, {
        query: `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id } } }`,
        variables: { input: { name: 'Display to revoke' } },
        token: tenant.staff.OWNER.accessToken,
      });
      const display = (url: string) => graphql(url, { ...byId('DisplayQueueSummary', { queueId: tenant.queueId }), apiKey: createApiKey.key });
      // Both replicas have the key's answer cached.
      for (const url of [api, replica.url]) {
        expect(errorCode(await display(url))).toBeUndefined();
        expect(errorCode(await display(url))).toBeUndefined();
      }
      await graphqlOk(api, {
        query: `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`,
        variables: { id: createApiKey.apiKey.id },
        token: tenant.staff.ADMIN.accessToken,
      });
      for (const url of [replica.url, api]) {
        const result = await display(url);
        expect({ url, code: errorCode(result), data: result.data ?? null }).toEqual({ url, code: 'UNAUTHENTICATED', data: null });
      }
    });
  });
});

describe('identities sent straight to the subgraphs', () => {
  const attempts = async (): Promise<Record<string, string | undefined>> => {
    const staffIdentity: Identity = {
      kind: 'staff',
      subjectId: tenant.staff.OWNER.id,
      organizationId: tenant.organizationId,
      role: 'OWNER',
      platformAdmin: false,
    };
    const none = new UnsecuredJWT({ identity: staffIdentity })
      .setIssuer('waitlessq-gateway')
      .setAudience('waitlessq-subgraph')
      .setExpirationTime('1m')
      .encode();
    return {
      'no header': undefined,
      'an unsigned JSON identity': JSON.stringify(staffIdentity),
      'alg: none': none,
      'signed with another secret': await createIdentitySigner('another-identity-secret-0123456789abcdef').sign(staffIdentity),
      "signed with the access tokens' secret": await createIdentitySigner(jwtSecret).sign(staffIdentity),
      'a valid access token instead of an identity': tenant.staff.OWNER.accessToken,
    };
  };
  const writes: Record<'user' | 'business' | 'queue' | 'pwa', GraphQLCall> = {
    user: { query: `mutation { createApiKey(input: { name: "Forged" }) { key } }` },
    business: { query: `mutation { createBusiness(input: { name: "Forged", timezone: "Europe/Berlin" }) { id } }` },
    queue: { query: `mutation($q: ID!) { closeQueue(queueId: $q) { id } }`, variables: {} },
    pwa: { query: `mutation($b: ID!) { publishPwa(businessId: $b) { version } }`, variables: {} },
  };

  it.each(['user', 'business', 'queue', 'pwa'] as const)(
    'the %s subgraph answers UNAUTHENTICATED to any identity the gateway did not sign, writing nothing',
    async (name) => {
      const variables = { q: tenant.queueId, b: tenant.businessId };
      const before = await rows();
      for (const [attempt, header] of Object.entries(await attempts())) {
        const result = await graphql(graph.subgraphs[name].url, {
          ...writes[name],
          variables,
          headers: header === undefined ? {} : { [identityHeader]: header },
        });
        expect({ attempt, code: errorCode(result), status: result.status }).toEqual({ attempt, code: 'UNAUTHENTICATED', status: 401 });
      }
      expect(await rows()).toEqual(before);
    },
  );

  it('keeps the internal apiKeyIdentity out of the public graph, and refuses it to any identity but a service', async () => {
    const keyHash = 'a'.repeat(64);
    const query = `query($h: String!) { apiKeyIdentity(keyHash: $h) { apiKeyId organizationId } }`;
    const viaGateway = await graphql(api, { query, variables: { h: keyHash }, token: tenant.staff.OWNER.accessToken });
    expect(errorCode(viaGateway)).toBe('GRAPHQL_VALIDATION_FAILED');
    const signer = createIdentitySigner(identitySecret);
    const staff: Identity = { kind: 'staff', subjectId: tenant.staff.OWNER.id, organizationId: tenant.organizationId, role: 'OWNER', platformAdmin: false };
    const direct = await graphql(graph.subgraphs.user.url, { query, variables: { h: keyHash }, headers: { [identityHeader]: await signer.sign(staff) } });
    expect(errorCode(direct)).toBe('FORBIDDEN');
  });
});
