import { randomUUID } from 'node:crypto';
import { identityHeader, type Identity, type StaffRole } from '@waitlessq/auth';
import type { JobHandlers } from '@waitlessq/jobs';
import type { BaseContext, ServiceRuntime, SubgraphDefinition } from '@waitlessq/subgraph-kit';
import { createTestDatabase, startSubgraph, type RunningSubgraph, type TestDatabase } from '@waitlessq/testkit';
import { createUserSubgraph } from '../index';
import { recordAudit } from './record-audit';

// The user subgraph with the real business subgraph (whose changes arrive as 'audit-entry'
// jobs, handled by the workers' real handler) and the real queue subgraph (auditLog asks it
// for visit events), on one fresh database, over HTTP with gateway-signed identities.

// jest maps these to their sources; typed here so that this workspace's type-check does not
// depend on other workspaces' builds.
type Subgraph = (runtime: ServiceRuntime) => SubgraphDefinition<BaseContext>;
const { createBusinessSubgraph } = jest.requireActual<{ createBusinessSubgraph: Subgraph }>('@waitlessq/business-subgraph');
const { createQueueSubgraph } = jest.requireActual<{ createQueueSubgraph: Subgraph }>('@waitlessq/queue-subgraph');
const { createHandlers } = jest.requireActual<{ createHandlers(runtime: ServiceRuntime): JobHandlers }>('@waitlessq/workers');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;
interface Response {
  data?: Data | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

type Service = RunningSubgraph;

const AUDIT_LOG = `query($from: DateTime!, $to: DateTime!, $actorId: ID, $action: String, $first: Int) {
  auditLog(from: $from, to: $to, actorId: $actorId, action: $action, first: $first) { id actorId actorKind action targetType targetId detail requestId at }
}`;
const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } } }`;
const REVOKE_KEY = `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`;
const INVITE = `mutation($input: InviteStaffInput!) { inviteStaff(input: $input) { invitation { id } } }`;
const CREATE_ENDPOINT = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }`;
const ROTATE = `mutation($id: ID!) { rotateWebhookSecret(id: $id) { endpoint { id } } }`;
const ENABLE = `mutation($id: ID!) { enableWebhookEndpoint(id: $id) { id } }`;
const DELETE = `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`;
const SETTINGS = `mutation($input: UpdateOrganizationSettingsInput!) { updateOrganizationSettings(input: $input) { id } }`;

let db: TestDatabase;
let business: Service;
let queue: Service;
let user: Service;

const start = <C extends BaseContext>(
  name: 'business' | 'queue' | 'user',
  make: (runtime: ServiceRuntime) => SubgraphDefinition<C>,
  extra: Record<string, string> = {},
): Promise<Service> => startSubgraph(name, make, db, { env: { REDIS_KEY_PREFIX: `test:${db.name}:`, WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: 'true', ...extra } });

beforeAll(async () => {
  db = await createTestDatabase();
  business = await start('business', createBusinessSubgraph);
  queue = await start('queue', createQueueSubgraph, { BUSINESS_SUBGRAPH_URL: business.url });
  user = await start('user', createUserSubgraph, { BUSINESS_SUBGRAPH_URL: business.url, QUEUE_SUBGRAPH_URL: queue.url });
});

afterAll(async () => {
  for (const service of [user, queue, business]) await service?.stop();
  await db?.drop();
});

async function call(
  service: Service,
  query: string,
  variables: Record<string, unknown>,
  identity: Identity,
  requestId: string = randomUUID(),
): Promise<Response> {
  const response = await fetch(service.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, [identityHeader]: await service.runtime.signer.sign(identity) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Response;
}

async function ok(service: Service, query: string, variables: Record<string, unknown>, identity: Identity, requestId?: string): Promise<Data> {
  const response = await call(service, query, variables, identity, requestId);
  expect(response.errors).toBeUndefined();
  return response.data!;
}

const staff = (organizationId: string, role: StaffRole = 'OWNER'): Identity & { subjectId: string } => ({
  kind: 'staff',
  subjectId: randomUUID(),
  organizationId,
  role,
  platformAdmin: false,
});
const codeOf = (response: Response) => response.errors?.[0]?.extensions?.code;
const hourAgo = () => new Date(Date.now() - 3600_000).toISOString();
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

async function auditLog(identity: Identity, filters: Record<string, unknown> = {}): Promise<Data[]> {
  return (await ok(user, AUDIT_LOG, { from: hourAgo(), to: inAnHour(), ...filters }, identity)).auditLog as Data[];
}

describe('audit log', () => {
  const organizationId = randomUUID();
  const owner = staff(organizationId);
  const admin = staff(organizationId, 'ADMIN');

  it("records the user subgraph's own administrative changes with the actor and the request id", async () => {
    const keyRequest = randomUUID();
    const key = (await ok(user, CREATE_KEY, { input: { name: 'Kiosk' } }, owner, keyRequest)).createApiKey.apiKey.id as string;
    const revokeRequest = randomUUID();
    await ok(user, REVOKE_KEY, { id: key }, admin, revokeRequest);
    await ok(user, REVOKE_KEY, { id: key }, admin); // a repeat changes nothing: no entry
    const invitation = (await ok(user, INVITE, { input: { email: 'new.hire@example.com', role: 'STAFF' } }, owner)).inviteStaff.invitation.id as string;
    const endpoint = (await ok(user, CREATE_ENDPOINT, { input: { url: 'http://127.0.0.1:9/hook', eventTypes: ['visit.called'] } }, admin)).createWebhookEndpoint
      .endpoint.id as string;
    await ok(user, ROTATE, { id: endpoint }, admin);
    await ok(user, ENABLE, { id: endpoint }, admin);
    await ok(user, DELETE, { id: endpoint }, admin);

    const entries = await auditLog(owner);
    expect(entries.map((e) => [e.action, e.targetId])).toEqual([
      ['webhook.deleted', endpoint],
      ['webhook.enabled', endpoint],
      ['webhook.secret_rotated', endpoint],
      ['webhook.created', endpoint],
      ['staff.invited', invitation],
      ['api_key.revoked', key],
      ['api_key.created', key],
    ]);
    expect(entries.find((e) => e.action === 'api_key.created')).toMatchObject({
      actorId: owner.subjectId,
      actorKind: 'STAFF',
      targetType: 'ApiKey',
      requestId: keyRequest,
    });
    expect(entries.find((e) => e.action === 'api_key.revoked')).toMatchObject({ actorId: admin.subjectId, requestId: revokeRequest });
    // No personal data: the invitation's entry has the role, not the email.
    expect(entries.find((e) => e.action === 'staff.invited')!.detail).toEqual({ role: 'STAFF' });
    expect(JSON.stringify(entries)).not.toContain('new.hire@example.com');
  });

  it('leaves no entry for a change that rolled back', async () => {
    const org = randomUUID();
    const prisma = user.runtime.db.prisma;
    await expect(
      prisma.$transaction(async (tx) => {
        await recordAudit(tx, { organizationId: org, actorId: null, actorKind: 'SYSTEM', action: 'api_key.created', targetType: 'ApiKey' });
        throw new Error('the change failed after its entry was written');
      }),
    ).rejects.toThrow(/change failed/);
    expect(await prisma.auditEntry.count({ where: { organizationId: org } })).toBe(0);

    // Concurrent retries of one idempotent creation: the losers' transactions roll back, entries included.
    const racer = staff(org);
    await Promise.all(Array.from({ length: 5 }, () => call(user, CREATE_KEY, { input: { name: 'CRM', idempotencyKey: 'crm-1' } }, racer)));
    expect(await prisma.apiKey.count({ where: { organizationId: org } })).toBe(1);
    expect(await prisma.auditEntry.count({ where: { organizationId: org, action: 'api_key.created' } })).toBe(1);
  });

  it('filters by actor and by action, and applies first', async () => {
    const byAdmin = await auditLog(owner, { actorId: admin.subjectId });
    expect(byAdmin.length).toBeGreaterThan(0);
    expect(byAdmin.every((e) => e.actorId === admin.subjectId)).toBe(true);
    expect((await auditLog(owner, { action: 'api_key.created' })).map((e) => e.action)).toEqual(['api_key.created']);
    expect(await auditLog(owner, { actorId: randomUUID() })).toEqual([]);
    expect(await auditLog(owner, { first: 2 })).toHaveLength(2);
    // Outside the range: nothing.
    const past = await ok(user, AUDIT_LOG, { from: '2020-01-01T00:00:00Z', to: '2020-06-01T00:00:00Z' }, owner);
    expect(past.auditLog).toEqual([]);
  });

  it('is for OWNER and ADMIN only, and refuses a bad range naming the field', async () => {
    for (const role of ['MANAGER', 'STAFF', 'VIEWER'] as const) {
      expect(codeOf(await call(user, AUDIT_LOG, { from: hourAgo(), to: inAnHour() }, staff(organizationId, role)))).toBe('FORBIDDEN');
    }
    expect(codeOf(await call(user, AUDIT_LOG, { from: hourAgo(), to: inAnHour() }, { kind: 'partner', subjectId: randomUUID(), organizationId }))).toBe(
      'FORBIDDEN',
    );
    expect(codeOf(await call(user, AUDIT_LOG, { from: hourAgo(), to: inAnHour() }, { kind: 'anonymous' }))).toBe('UNAUTHENTICATED');
    const cases: [Record<string, unknown>, string][] = [
      [{ from: inAnHour(), to: hourAgo() }, 'from'],
      [{ from: '2024-01-01T00:00:00Z', to: '2025-01-02T00:00:01Z' }, 'to'],
      [{ from: hourAgo(), to: inAnHour(), first: 501 }, 'first'],
      [{ from: hourAgo(), to: inAnHour(), first: 0 }, 'first'],
      [{ from: hourAgo(), to: inAnHour(), actorId: 'nobody' }, 'actorId'],
    ];
    for (const [variables, field] of cases) {
      const response = await call(user, AUDIT_LOG, variables, owner);
      expect(codeOf(response)).toBe('BAD_USER_INPUT');
      expect(response.errors![0].extensions!.field).toBe(field);
    }
  });

  it("never shows another organization's entries, even when asked by their actor's id", async () => {
    const elsewhere = staff(randomUUID());
    await ok(user, CREATE_KEY, { input: { name: 'Elsewhere' } }, elsewhere);
    const mine = await auditLog(owner);
    expect(mine.some((e) => e.actorId === elsewhere.subjectId)).toBe(false);
    expect(await auditLog(owner, { actorId: elsewhere.subjectId })).toEqual([]);
    expect((await auditLog(elsewhere)).map((e) => e.action)).toEqual(['api_key.created']);
  });

  it('stores a business settings change once, however often its job runs', async () => {
    const organization = await user.runtime.db.prisma.organization.create({ data: { name: 'Audited', slug: `audited-${randomUUID()}` } });
    const settingsOwner = staff(organization.id);
    const add = jest.spyOn(business.runtime.jobs.queue, 'add');
    const requestId = randomUUID();
    await ok(business, SETTINGS, { input: { language: 'de', dataRetentionDays: 400 } }, settingsOwner, requestId);
    const queued = add.mock.calls.filter(([name]) => name === 'audit-entry');
    add.mockRestore();
    expect(queued).toHaveLength(1);
    const [, job, options] = queued[0]!;
    expect(options).toEqual({ jobId: `audit-entry:${(job as { sourceId: string }).sourceId}` });

    const handle = createHandlers(user.runtime)['audit-entry']!;
    const context = { id: options!.jobId!, attempt: 1, maxAttempts: 8 };
    await handle(job as never, context);
    await handle(job as never, { ...context, attempt: 2 });

    const entries = await auditLog(settingsOwner);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'settings.updated',
      actorId: settingsOwner.subjectId,
      actorKind: 'STAFF',
      targetType: 'Organization',
      targetId: organization.id,
      requestId,
      detail: { fields: ['dataRetentionDays', 'language'] },
    });
  });
});
