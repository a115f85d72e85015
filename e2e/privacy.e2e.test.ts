import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
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
  type RunningGraph,
  type Tenant,
  type TestDatabase,
} from '@waitlessq/testkit';

// A person's rights, end to end over the gateway: the export of everything the user, queue and
// pwa subgraphs hold about a customer as one document, and its erasure in each subgraph's own
// tables (checked in the tables), by a manager and by the customer themself.

let db: TestDatabase;
let graph: RunningGraph;
let api: string;
let sql: Client;
let a: Tenant;
let b: Tenant;

beforeAll(async () => {
  db = await createTestDatabase();
  // A busy two-core machine may take a while to start five processes.
  graph = await startGraph(graphEnv(db, rateLimitsOff), { startTimeoutMs: 120_000 });
  api = graph.gateway.url;
  sql = new Client({ connectionString: db.url });
  await sql.connect();
  [a, b] = await Promise.all([createTenant(api, 'Alpha'), createTenant(api, 'Bravo')]);
}, 300_000);

afterAll(async () => {
  await sql?.end();
  await graph?.stop();
  await db?.drop();
});

const EXPORT = `query($id: ID!) { exportCustomerData(customerId: $id) }`;
const ERASE = `mutation($id: ID!) { eraseCustomer(customerId: $id) { customerId erased visits notifications standbyEntries pushSubscriptions sessions } }`;
const EXPORT_MINE = `{ exportMyData }`;
const ERASE_MINE = `mutation { eraseMyAccount { customerId erased visits notifications standbyEntries pushSubscriptions sessions } }`;
const REGISTER_PUSH = `mutation($v: ID!, $s: PushSubscriptionInput!) { registerPushSubscription(visitId: $v, subscription: $s) { id } }`;
const p256dh = `B${'q'.repeat(86)}`;
const pushAuth = 'c2VjcmV0LWF1dGgtMTIzNA';
const subscription = (endpoint: string) => ({ endpoint, expirationTime: null, keys: { p256dh, auth: pushAuth } });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../schema/operations/manifest.json'), 'utf8')) as {
  operations: { id: string; name: string }[];
};
const trusted = (name: string) => manifest.operations.find((operation) => operation.name === name)!.id;

const rows = async (query: string, params: unknown[]) => (await sql.query(query, params)).rows;
const timingsOf = (visitIds: string[]) =>
  rows(
    `SELECT "id", "status", "joinedAt", "bookedAt", "calledAt", "servedAt", "doneAt", "scheduledAt", "waitSeconds", "queueId", "serviceId", "ticket"
     FROM "Visit" WHERE "id" = ANY($1::uuid[]) ORDER BY "id"`,
    [visitIds],
  );

describe("a customer's data: export and erasure across the subgraphs", () => {
  let visitIds: string[];
  let standbyEntryId: string;

  beforeAll(async () => {
    // The customer (self-registered in A) joined the line and booked (createTenant); now a
    // push subscription, a standby entry and a notification sent about their visit.
    const customer = { token: a.customer.accessToken };
    await graphqlOk(api, {
      ...customer,
      query: REGISTER_PUSH,
      variables: { v: a.visits.serving.id, s: subscription('https://push.example.test/send/alpha-1') },
    });
    const day = (ahead: number) => new Date(Date.now() + ahead * 86_400_000).toISOString().slice(0, 10);
    const { joinStandby } = await graphqlOk<{ joinStandby: { entry: { id: string } } }>(api, {
      ...customer,
      query: `mutation($input: JoinStandbyInput!) { joinStandby(input: $input) { entry { id } } }`,
      variables: { input: { businessId: a.businessId, serviceId: a.serviceId, fromDay: day(1), untilDay: day(4) } },
    });
    standbyEntryId = joinStandby.entry.id;
    await sql.query(
      `INSERT INTO "Notification" ("id", "organizationId", "visitId", "kind", "channel", "status", "sentAt", "updatedAt")
       VALUES (gen_random_uuid(), $1, $2, 'CALLED', 'PUSH', 'SENT', now(), now())`,
      [a.organizationId, a.visits.serving.id],
    );
    visitIds = [a.visits.serving.id, a.visits.booked.id].sort();
  }, 30_000);

  it('refuses staff below MANAGER, partners, and other customers', async () => {
    for (const auth of [{ token: a.staff.STAFF.accessToken }, { token: a.staff.VIEWER.accessToken }]) {
      expect(errorCode(await graphql(api, { ...auth, query: EXPORT, variables: { id: a.customer.id } }))).toBe('FORBIDDEN');
      expect(errorCode(await graphql(api, { ...auth, query: ERASE, variables: { id: a.customer.id } }))).toBe('FORBIDDEN');
    }
    // A partner key runs only trusted documents, and the dashboard's are refused to it by the user subgraph.
    for (const name of ['DashboardExportCustomerData', 'DashboardEraseCustomer']) {
      const call = {
        operationName: name,
        variables: { customerId: a.customer.id },
        extensions: { persistedQuery: { version: 1, sha256Hash: trusted(name) } },
        apiKey: a.apiKey.key,
      };
      expect(errorCode(await graphql(api, call))).toBe('FORBIDDEN');
    }
    // A customer has only their own data, through exportMyData / eraseMyAccount.
    expect(errorCode(await graphql(api, { token: a.customer.accessToken, query: EXPORT, variables: { id: a.customer.id } }))).toBe('FORBIDDEN');
    expect(errorCode(await graphql(api, { token: a.staff.MANAGER.accessToken, query: EXPORT_MINE }))).toBe('FORBIDDEN');
    expect(errorCode(await graphql(api, { token: a.staff.OWNER.accessToken, query: EXPORT, variables: { id: 'not-an-id' } }))).toBe('NOT_FOUND');
  });

  it('exports everything every subgraph holds about the customer, as one document, to a manager', async () => {
    const { exportCustomerData: doc } = await graphqlOk<{ exportCustomerData: Doc }>(api, {
      token: a.staff.MANAGER.accessToken,
      query: EXPORT,
      variables: { id: a.customer.id },
    });
    expect(doc.customer).toEqual(expect.objectContaining({ id: a.customer.id, email: a.customer.email, organizationId: a.organizationId, hasAccount: true }));
    expect(Date.now() - Date.parse(doc.exportedAt)).toBeLessThan(60_000);
    expect(doc.visits.map((visit: Doc) => visit.id).sort()).toEqual(visitIds);
    const serving = doc.visits.find((visit: Doc) => visit.id === a.visits.serving.id);
    expect(serving).toEqual(expect.objectContaining({ status: 'SERVING', queueId: a.queueId, businessId: a.businessId }));
    expect(serving.history.map((event: Doc) => event.toStatus)).toEqual(['WAITING', 'CALLED', 'SERVING']);
    expect(doc.notifications).toEqual([expect.objectContaining({ visitId: a.visits.serving.id, kind: 'CALLED', channel: 'PUSH', status: 'SENT' })]);
    expect(doc.pushSubscriptions).toEqual([expect.objectContaining({ visitId: a.visits.serving.id, endpoint: 'https://push.example.test/send/alpha-1' })]);
    expect(doc.standbyEntries).toEqual([expect.objectContaining({ id: standbyEntryId, status: 'WAITING' })]);
    expect(doc.notificationPreferences).toEqual({ email: true, sms: null, push: true });
    expect(doc.sessions.length).toBeGreaterThanOrEqual(1);
    // Secrets of the account and the device are not the person's data.
    const text = JSON.stringify(doc);
    for (const secret of ['passwordHash', '$argon2', p256dh, pushAuth, 'visitTokenHash', 'tokenHash', 'idempotencyFingerprint'])
      expect(text).not.toContain(secret);
    expect(await rows(`SELECT "actorId", "actorKind" FROM "AuditEntry" WHERE "action" = 'customer.exported' AND "targetId" = $1`, [a.customer.id])).toEqual([
      { actorId: a.staff.MANAGER.id, actorKind: 'STAFF' },
    ]);
  });

  it("answers another organization's staff NOT_FOUND for export and erasure, and changes nothing", async () => {
    const before = await snapshotTenantRows(sql, a.organizationId);
    for (const role of ['OWNER', 'MANAGER'] as const) {
      const auth = { token: b.staff[role].accessToken };
      expect(errorCode(await graphql(api, { ...auth, query: EXPORT, variables: { id: a.customer.id } }))).toBe('NOT_FOUND');
      expect(errorCode(await graphql(api, { ...auth, query: ERASE, variables: { id: a.customer.id } }))).toBe('NOT_FOUND');
    }
    expect(await snapshotTenantRows(sql, a.organizationId)).toEqual(before);
  });

  it('erases the customer everywhere, keeps the timings, and a second erasure is a no-op', async () => {
    const timings = await timingsOf(visitIds);
    const addedBefore = await rows(`SELECT * FROM "Customer" WHERE "id" = $1`, [a.addedCustomerId]);
    const { eraseCustomer } = await graphqlOk<{ eraseCustomer: Doc }>(api, {
      token: a.staff.MANAGER.accessToken,
      query: ERASE,
      variables: { id: a.customer.id },
    });
    expect(eraseCustomer).toEqual({
      customerId: a.customer.id,
      erased: true,
      visits: 2,
      notifications: 1,
      standbyEntries: 1,
      pushSubscriptions: 1,
      sessions: 1,
    });

    // user: the account and its sessions are gone; the erasure is audited.
    expect(await rows(`SELECT 1 FROM "Customer" WHERE "id" = $1`, [a.customer.id])).toEqual([]);
    expect(await rows(`SELECT 1 FROM "RefreshSession" WHERE "subjectId" = $1`, [a.customer.id])).toEqual([]);
    expect(await rows(`SELECT "actorId" FROM "AuditEntry" WHERE "action" = 'customer.erased' AND "targetId" = $1`, [a.customer.id])).toEqual([
      { actorId: a.staff.MANAGER.id },
    ]);
    expect(await rows(`SELECT * FROM "Customer" WHERE "id" = $1`, [a.addedCustomerId])).toEqual(addedBefore);
    // queue: the visits are anonymous and keep their timings; the notification records are gone.
    expect(await timingsOf(visitIds)).toEqual(timings);
    expect(
      await rows(
        `SELECT "customerId", "customerName", "customerPhone", "customerEmail", "customerNotes", "internalNotes", "locale", "visitTokenHash"
         FROM "Visit" WHERE "id" = ANY($1::uuid[])`,
        [visitIds],
      ),
    ).toEqual(
      visitIds.map(() => ({
        customerId: null,
        customerName: '',
        customerPhone: null,
        customerEmail: null,
        customerNotes: null,
        internalNotes: null,
        locale: null,
        visitTokenHash: null,
      })),
    );
    expect(await rows(`SELECT 1 FROM "Visit" WHERE "customerId" = $1`, [a.customer.id])).toEqual([]);
    expect(await rows(`SELECT 1 FROM "VisitEvent" WHERE "actorId" = $1`, [a.customer.id])).toEqual([]);
    expect(await rows(`SELECT 1 FROM "Notification" WHERE "visitId" = ANY($1::uuid[])`, [visitIds])).toEqual([]);
    expect(await rows(`SELECT "customerId", "customerName", "customerEmail", "status" FROM "StandbyEntry" WHERE "id" = $1`, [standbyEntryId])).toEqual([
      { customerId: null, customerName: '', customerEmail: null, status: 'CANCELLED' },
    ]);
    // pwa: the push subscriptions of those visits are gone.
    expect(await rows(`SELECT 1 FROM "PushSubscription" WHERE "visitId" = ANY($1::uuid[])`, [visitIds])).toEqual([]);
    // The line still works: the anonymous visit being served is finished as any other.
    await graphqlOk(api, {
      token: a.staff.STAFF.accessToken,
      query: `mutation($v: ID!) { completeVisit(visitId: $v) { id status } }`,
      variables: { v: a.visits.serving.id },
    });

    const settled = await snapshotTenantRows(sql, a.organizationId);
    const again = await graphqlOk<{ eraseCustomer: Doc }>(api, { token: a.staff.OWNER.accessToken, query: ERASE, variables: { id: a.customer.id } });
    expect(again.eraseCustomer).toEqual({
      customerId: a.customer.id,
      erased: false,
      visits: 0,
      notifications: 0,
      standbyEntries: 0,
      pushSubscriptions: 0,
      sessions: 0,
    });
    expect(await snapshotTenantRows(sql, a.organizationId)).toEqual(settled);
    // Nothing is left to export; another organization still gets NOT_FOUND for the erased id.
    expect(errorCode(await graphql(api, { token: a.staff.MANAGER.accessToken, query: EXPORT, variables: { id: a.customer.id } }))).toBe('NOT_FOUND');
    expect(errorCode(await graphql(api, { token: b.staff.OWNER.accessToken, query: ERASE, variables: { id: a.customer.id } }))).toBe('NOT_FOUND');
  });

  it('lets a signed-in customer export their own data and erase their account, which signs them out', async () => {
    const email = `self-${Date.now()}@${a.label.toLowerCase()}.test`;
    const { registerCustomer } = await graphqlOk<{ registerCustomer: { accessToken: string; refreshToken: string; customer: { id: string } } }>(api, {
      query: `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { accessToken refreshToken customer { id } } }`,
      variables: { input: { organizationId: a.organizationId, name: 'Sam Self', email, password: 'self-password-1' } },
    });
    const self = { token: registerCustomer.accessToken };
    const { joinQueue } = await graphqlOk<{ joinQueue: { visit: { id: string } } }>(api, {
      ...self,
      query: `mutation($input: JoinQueueInput!) { joinQueue(input: $input) { visit { id } } }`,
      variables: { input: { queueId: a.queueId, serviceId: a.serviceId } },
    });
    await graphqlOk(api, { ...self, query: REGISTER_PUSH, variables: { v: joinQueue.visit.id, s: subscription('https://push.example.test/send/self-1') } });

    const { exportMyData } = await graphqlOk<{ exportMyData: Doc }>(api, { ...self, query: EXPORT_MINE });
    expect(exportMyData.customer).toEqual(expect.objectContaining({ id: registerCustomer.customer.id, name: 'Sam Self', email }));
    expect(exportMyData.visits.map((visit: Doc) => visit.id)).toEqual([joinQueue.visit.id]);
    expect(exportMyData.pushSubscriptions.map((push: Doc) => push.endpoint)).toEqual(['https://push.example.test/send/self-1']);

    const [timing] = await timingsOf([joinQueue.visit.id]);
    const { eraseMyAccount } = await graphqlOk<{ eraseMyAccount: Doc }>(api, { ...self, query: ERASE_MINE });
    expect(eraseMyAccount).toEqual({
      customerId: registerCustomer.customer.id,
      erased: true,
      visits: 1,
      notifications: 0,
      standbyEntries: 0,
      pushSubscriptions: 1,
      sessions: 1,
    });
    expect(await timingsOf([joinQueue.visit.id])).toEqual([timing]);
    expect(await rows(`SELECT "customerId", "customerName" FROM "Visit" WHERE "id" = $1`, [joinQueue.visit.id])).toEqual([
      { customerId: null, customerName: '' },
    ]);
    expect(await rows(`SELECT 1 FROM "PushSubscription" WHERE "visitId" = $1`, [joinQueue.visit.id])).toEqual([]);
    expect(await rows(`SELECT "actorKind" FROM "AuditEntry" WHERE "action" = 'customer.erased' AND "targetId" = $1`, [registerCustomer.customer.id])).toEqual([
      { actorKind: 'CUSTOMER' },
    ]);

    // Signed out everywhere: the refresh token no longer works, and no password signs them in.
    expect(
      errorCode(
        await graphql(api, {
          query: `mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }`,
          variables: { t: registerCustomer.refreshToken },
        }),
      ),
    ).toBe('UNAUTHENTICATED');
    expect(
      errorCode(
        await graphql(api, {
          query: `mutation($o: ID!, $e: String!, $p: String!) { signInCustomer(organizationId: $o, email: $e, password: $p) { accessToken } }`,
          variables: { o: a.organizationId, e: email, p: 'self-password-1' },
        }),
      ),
    ).toBe('UNAUTHENTICATED');
    // The access token lives out its few minutes, and finds nothing left.
    expect(errorCode(await graphql(api, { ...self, query: EXPORT_MINE }))).toBe('NOT_FOUND');
    expect((await graphqlOk<{ eraseMyAccount: Doc }>(api, { ...self, query: ERASE_MINE })).eraseMyAccount).toEqual(
      expect.objectContaining({ erased: false, visits: 0, pushSubscriptions: 0, sessions: 0 }),
    );
  });
});
