import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { identityHeader, type Identity, type StaffRole } from '@waitlessq/auth';
import type { ServiceRuntime } from '@waitlessq/subgraph-kit';
import { createTestDatabase, startSubgraph, testSecrets, type RunningSubgraph, type TestDatabase } from '@waitlessq/testkit';
import { createUserSubgraph } from '../index';
import { isOptedOut, normalizeAddress, optIn, optOut, readUnsubscribeToken, unsubscribeToken } from './opt-outs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;
interface Response {
  data?: Data | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

const UPDATE = `mutation($input: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $input) { email sms push } }`;
const MINE = `{ meCustomer { id notificationPreferences { email sms push } } }`;
const CUSTOMER = `query($id: ID!) { customer(id: $id) { id notificationPreferences { email sms push } } }`;
const UNSUBSCRIBE = `mutation($token: String!) { unsubscribe(token: $token) }`;

let db: TestDatabase;
let subgraph: RunningSubgraph;
let runtime: ServiceRuntime;
let url: string;
let sql: Client;
const { VISIT_TOKEN_SECRET: secret } = testSecrets;

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
const prisma = () => runtime.db.prisma;
const optOutRows = async (organizationId: string) =>
  (await sql.query('SELECT "channel", "address", "source" FROM "NotificationOptOut" WHERE "organizationId" = $1 ORDER BY "channel"', [organizationId])).rows;

async function newCustomer(organizationId: string, email: string | null, phone: string | null) {
  const customer = await prisma().customer.create({ data: { organizationId, name: 'Ann Example', email, phone } });
  return { customer, identity: { kind: 'customer', subjectId: customer.id, organizationId } as Identity };
}

describe('notification preferences', () => {
  const organizationId = randomUUID();

  it("sets the signed-in customer's channels, leaving out what is not given, on their own addresses", async () => {
    const { customer, identity } = await newCustomer(organizationId, 'ann@example.test', '+49 30 1234567');
    expect((await call(MINE, {}, identity)).data!.meCustomer.notificationPreferences).toEqual({ email: true, sms: true, push: true });

    const off = await call(UPDATE, { input: { email: false, push: false } }, identity);
    expect(off.data!.updateNotificationPreferences).toEqual({ email: false, sms: true, push: false });
    expect(await optOutRows(organizationId)).toEqual([
      { channel: 'EMAIL', address: 'ann@example.test', source: 'PREFERENCES' },
      { channel: 'PUSH', address: `customer:${customer.id}`, source: 'PREFERENCES' },
    ]);
    expect(await isOptedOut(prisma(), organizationId, 'EMAIL', '  ANN@example.TEST ')).toBe(true);
    expect(await isOptedOut(prisma(), organizationId, 'SMS', '+49 30 1234567')).toBe(false);

    const sms = await call(UPDATE, { input: { sms: false } }, identity);
    expect(sms.data!.updateNotificationPreferences).toEqual({ email: false, sms: false, push: false });
    expect(await isOptedOut(prisma(), organizationId, 'SMS', '+49301234567')).toBe(true);

    const back = await call(UPDATE, { input: { email: true, push: true } }, identity);
    expect(back.data!.updateNotificationPreferences).toEqual({ email: true, sms: false, push: true });
    expect(await optOutRows(organizationId)).toEqual([{ channel: 'SMS', address: '+49301234567', source: 'PREFERENCES' }]);
    // Another organization's opt-outs are its own.
    expect(await isOptedOut(prisma(), randomUUID(), 'SMS', '+49301234567')).toBe(false);
  });

  it('answers null for a channel the customer has no address for, and stores nothing for it', async () => {
    const other = randomUUID();
    const { identity } = await newCustomer(other, 'bob@example.test', null);
    const answer = await call(UPDATE, { input: { sms: false } }, identity);
    expect(answer.data!.updateNotificationPreferences).toEqual({ email: true, sms: null, push: true });
    expect(await optOutRows(other)).toEqual([]);
  });

  it("is for customers only; staff of the organization read a customer's preferences, nobody else does", async () => {
    const org = randomUUID();
    const { customer, identity } = await newCustomer(org, 'cyd@example.test', null);
    await call(UPDATE, { input: { email: false } }, identity);
    expect(codeOf(await call(UPDATE, { input: { email: false } }, staff(org)))).toBe('FORBIDDEN');
    expect(codeOf(await call(UPDATE, { input: { email: false } }, { kind: 'partner', subjectId: randomUUID(), organizationId: org }))).toBe('FORBIDDEN');
    expect(codeOf(await call(UPDATE, { input: { email: false } }, { kind: 'anonymous' }))).toBe('UNAUTHENTICATED');

    const asStaff = await call(CUSTOMER, { id: customer.id }, staff(org, 'VIEWER'));
    expect(asStaff.data!.customer).toEqual({ id: customer.id, notificationPreferences: { email: false, sms: null, push: true } });
    // Partners reach customers as references (Visit.customer): without the preferences.
    const ENTITY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id notificationPreferences { email } } } }`;
    const asPartner = await call(
      ENTITY,
      { r: [{ __typename: 'Customer', id: customer.id }] },
      { kind: 'partner', subjectId: randomUUID(), organizationId: org },
    );
    expect(asPartner.data!._entities).toEqual([{ id: customer.id, notificationPreferences: null }]);
    const asSelf = await call(ENTITY, { r: [{ __typename: 'Customer', id: customer.id }] }, identity);
    expect(asSelf.data!._entities).toEqual([{ id: customer.id, notificationPreferences: { email: false } }]);
    expect((await call(CUSTOMER, { id: customer.id }, staff(randomUUID()))).data!.customer).toBeNull();
  });
});

describe('opt-outs and the one-click unsubscribe link', () => {
  const organizationId = randomUUID();

  it('normalizes addresses', () => {
    expect(normalizeAddress('EMAIL', '  Ann@Example.COM ')).toBe('ann@example.com');
    expect(normalizeAddress('SMS', ' +1 (415) 555-0100 ')).toBe('+14155550100');
    expect(normalizeAddress('PUSH', ' customer:abc ')).toBe('customer:abc');
  });

  it('keeps the first opt-out, and opting in removes it', async () => {
    await optOut(prisma(), organizationId, 'SMS', '+14155550100', 'SMS_STOP');
    await optOut(prisma(), organizationId, 'SMS', '+1 415 555 0100', 'PREFERENCES');
    expect(await optOutRows(organizationId)).toEqual([{ channel: 'SMS', address: '+14155550100', source: 'SMS_STOP' }]);
    await optIn(prisma(), organizationId, 'SMS', '+1 415 555 0100');
    expect(await isOptedOut(prisma(), organizationId, 'SMS', '+14155550100')).toBe(false);
  });

  it('reads back only tokens it signed', () => {
    const subject = { organizationId, channel: 'EMAIL' as const, address: 'Dee@Example.test' };
    const token = unsubscribeToken(secret, subject);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(readUnsubscribeToken(secret, token)).toEqual({ ...subject, address: 'dee@example.test' });
    expect(readUnsubscribeToken('another-secret-0123456789abcdef0123456789', token)).toBeNull();
    const [payload, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify([randomUUID(), 'EMAIL', 'dee@example.test'])).toString('base64url');
    expect(readUnsubscribeToken(secret, `${forged}.${mac}`)).toBeNull();
    expect(readUnsubscribeToken(secret, `${payload}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`)).toBeNull();
    expect(readUnsubscribeToken(secret, payload)).toBeNull();
    expect(readUnsubscribeToken(secret, '')).toBeNull();
  });

  it('unsubscribes through the API with a valid token, and refuses any other with BAD_USER_INPUT', async () => {
    const { customer, identity } = await newCustomer(organizationId, 'eve@example.test', null);
    const token = unsubscribeToken(runtime.config.auth.visitTokenSecret, { organizationId, channel: 'EMAIL', address: 'eve@example.test' });
    const [payload, mac] = token.split('.');
    const refused = await call(UNSUBSCRIBE, { token: `${payload}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}` }, { kind: 'anonymous' });
    expect([codeOf(refused), refused.errors?.[0].extensions?.field]).toEqual(['BAD_USER_INPUT', 'token']);
    expect(await isOptedOut(prisma(), organizationId, 'EMAIL', 'eve@example.test')).toBe(false);

    const done = await call(UNSUBSCRIBE, { token }, { kind: 'anonymous' });
    expect(done.data!.unsubscribe).toBe(true);
    expect((await sql.query('SELECT "source" FROM "NotificationOptOut" WHERE "address" = $1', ['eve@example.test'])).rows).toEqual([
      { source: 'UNSUBSCRIBE_LINK' },
    ]);
    // Clicking again is fine.
    expect((await call(UNSUBSCRIBE, { token }, { kind: 'anonymous' })).data!.unsubscribe).toBe(true);
    expect((await call(MINE, {}, identity)).data!.meCustomer).toEqual({ id: customer.id, notificationPreferences: { email: false, sms: null, push: true } });
  });
});
