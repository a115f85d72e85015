import { randomBytes } from 'node:crypto';
import { graphqlOk } from './graphql-client';

export type TenantStaffRole = 'OWNER' | 'ADMIN' | 'MANAGER' | 'STAFF' | 'VIEWER';
export const tenantStaffRoles: readonly TenantStaffRole[] = ['OWNER', 'ADMIN', 'MANAGER', 'STAFF', 'VIEWER'];

export interface TenantVisit {
  id: string;
  visitToken: string;
}

/** An organization with one of everything, and a credential for every kind of caller. */
export interface Tenant {
  /** Unique; every name, email and slug of the tenant contains it (in lower case for emails and slugs). */
  label: string;
  organizationId: string;
  staff: Record<TenantStaffRole, { id: string; email: string; accessToken: string }>;
  /** A customer with an account (self-registered): a customer access token. */
  customer: { id: string; email: string; accessToken: string };
  /** A customer added by staff, without an account. */
  addedCustomerId: string;
  businessId: string;
  serviceId: string;
  queueId: string;
  /** One visit in each state a staff action starts from. */
  visits: { waiting: TenantVisit; called: TenantVisit; serving: TenantVisit };
  /** A pending invitation. */
  invitationId: string;
  apiKey: { id: string; key: string; prefix: string };
  pwaConfigId: string;
  /** The ids of the tenant's objects by GraphQL type name (`Queue`, `Visit`, ...). */
  ids: Record<string, string[]>;
  /** Everything that must never appear in an answer to another tenant: ids, the label, keys and tokens. */
  secrets: string[];
}

export const tenantPassword = 'tenant-password-1';

/**
 * Builds a tenant through the public API, as its people would: the owner signs up and invites
 * one member of each role, makes a business, a service and a queue, customers join (one is
 * being served, one called, one waiting), and the owner adds a customer, an app configuration
 * and a partner key.
 */
export async function createTenant(api: string, name: string): Promise<Tenant> {
  const label = `${name}${randomBytes(4).toString('hex')}`;
  const lower = label.toLowerCase();
  const call = <T>(query: string, variables: Record<string, unknown>, auth: { token?: string } = {}) =>
    graphqlOk<T>(api, { query, variables, ...auth });

  const { signUp } = await call<{ signUp: AuthAnswer }>(
    `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken user { id organization { id } } } }`,
    { input: { organizationName: `${label} Org`, organizationSlug: `${lower}-org`, name: `${label} Owner`, email: `owner@${lower}.test`, password: tenantPassword } },
  );
  const owner = { token: signUp.accessToken };
  const organizationId = signUp.user!.organization!.id;
  const staff = { OWNER: { id: signUp.user!.id, email: `owner@${lower}.test`, accessToken: signUp.accessToken } } as Tenant['staff'];
  for (const role of tenantStaffRoles.slice(1)) staff[role] = await addStaff(call, owner, role, lower);
  const { inviteStaff: pending } = await call<{ inviteStaff: { invitation: { id: string } } }>(
    `mutation($input: InviteStaffInput!) { inviteStaff(input: $input) { invitation { id } } }`,
    { input: { email: `pending@${lower}.test`, role: 'VIEWER' } },
    owner,
  );

  const { createBusiness } = await call<{ createBusiness: { id: string } }>(
    `mutation($input: CreateBusinessInput!) { createBusiness(input: $input) { id } }`,
    { input: { name: `${label} Clinic`, slug: `${lower}-clinic`, timezone: 'Europe/Berlin' } },
    owner,
  );
  const businessId = createBusiness.id;
  const { createService } = await call<{ createService: { id: string } }>(
    `mutation($input: CreateServiceInput!) { createService(input: $input) { id } }`,
    { input: { businessId, name: `${label} Check-up`, durationMinutes: 15 } },
    owner,
  );
  const serviceId = createService.id;
  const { createQueue } = await call<{ createQueue: { id: string } }>(
    `mutation($input: CreateQueueInput!) { createQueue(input: $input) { id } }`,
    { input: { businessId, name: `${label} Walk-ins`, serviceIds: [serviceId] } },
    owner,
  );
  const queueId = createQueue.id;

  const { registerCustomer } = await call<{ registerCustomer: AuthAnswer }>(
    `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { accessToken customer { id } } }`,
    { input: { organizationId, name: `${label} Customer`, email: `customer@${lower}.test`, password: tenantPassword } },
  );
  const customer = { id: registerCustomer.customer!.id, email: `customer@${lower}.test`, accessToken: registerCustomer.accessToken };
  const { createCustomer } = await call<{ createCustomer: { id: string } }>(
    `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }`,
    { input: { name: `${label} Added`, email: `added@${lower}.test` } },
    owner,
  );

  const join = (input: Record<string, unknown>, auth: { token?: string } = {}) =>
    call<{ joinQueue: { visitToken: string; visit: { id: string } } }>(
      `mutation($input: JoinQueueInput!) { joinQueue(input: $input) { visitToken visit { id } } }`,
      { input: { queueId, serviceId, ...input } },
      auth,
    ).then(({ joinQueue }) => ({ id: joinQueue.visit.id, visitToken: joinQueue.visitToken }));
  const serving = await join({}, { token: customer.accessToken });
  const called = await join({ name: `${label} Walk-in One` });
  const waiting = await join({ name: `${label} Walk-in Two` });
  await call(`mutation($q: ID!) { callNext(queueId: $q) { id } }`, { q: queueId }, owner);
  await call(`mutation($v: ID!) { startServing(visitId: $v) { id } }`, { v: serving.id }, owner);
  await call(`mutation($q: ID!) { callNext(queueId: $q) { id } }`, { q: queueId }, owner);

  const { updatePwaConfig } = await call<{ updatePwaConfig: { id: string } }>(
    `mutation($input: UpdatePwaConfigInput!) { updatePwaConfig(input: $input) { id } }`,
    { input: { businessId, appName: `${label} App` } },
    owner,
  );
  const { createApiKey } = await call<{ createApiKey: { key: string; apiKey: { id: string; prefix: string } } }>(
    `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id prefix } } }`,
    { input: { name: `${label} Kiosk` } },
    owner,
  );
  const apiKey = { id: createApiKey.apiKey.id, key: createApiKey.key, prefix: createApiKey.apiKey.prefix };

  const visits = { waiting, called, serving };
  const ids: Record<string, string[]> = {
    Organization: [organizationId],
    Business: [businessId],
    Service: [serviceId],
    Queue: [queueId],
    Visit: [waiting.id, called.id, serving.id],
    Customer: [customer.id, createCustomer.id],
    User: tenantStaffRoles.map((role) => staff[role].id),
    Invitation: [pending.invitation.id],
    ApiKey: [apiKey.id],
    PwaConfig: [updatePwaConfig.id],
  };
  const secrets = [
    ...Object.values(ids).flat(),
    label,
    lower,
    apiKey.key,
    ...Object.values(visits).map((visit) => visit.visitToken),
    ...tenantStaffRoles.map((role) => staff[role].accessToken),
    customer.accessToken,
  ];
  return {
    label,
    organizationId,
    staff,
    customer,
    addedCustomerId: createCustomer.id,
    businessId,
    serviceId,
    queueId,
    visits,
    invitationId: pending.invitation.id,
    apiKey,
    pwaConfigId: updatePwaConfig.id,
    ids,
    secrets,
  };
}

interface AuthAnswer {
  accessToken: string;
  user?: { id: string; organization?: { id: string } };
  customer?: { id: string };
}

type Call = <T>(query: string, variables: Record<string, unknown>, auth?: { token?: string }) => Promise<T>;

async function addStaff(call: Call, owner: { token: string }, role: TenantStaffRole, lower: string) {
  const email = `${role.toLowerCase()}@${lower}.test`;
  const { inviteStaff } = await call<{ inviteStaff: { token: string } }>(
    `mutation($input: InviteStaffInput!) { inviteStaff(input: $input) { token } }`,
    { input: { email, role } },
    owner,
  );
  const { acceptInvitation } = await call<{ acceptInvitation: AuthAnswer }>(
    `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { accessToken user { id } } }`,
    { input: { token: inviteStaff.token, name: `${role} of ${lower}`, password: tenantPassword } },
  );
  return { id: acceptInvitation.user!.id, email, accessToken: acceptInvitation.accessToken };
}
