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
  /** One visit in each state a staff action starts from, and a booked appointment. */
  visits: { waiting: TenantVisit; called: TenantVisit; serving: TenantVisit; booked: TenantVisit };
  /** A standby entry holding an open offer of a freed slot. */
  standby: { entryId: string; token: string; offerId: string };
  /** A pending invitation. */
  invitationId: string;
  apiKey: { id: string; key: string; prefix: string };
  /** A partner webhook endpoint (to a public documentation address: nothing receives it) and one delivery to it. */
  webhook: { endpointId: string; secret: string; deliveryId: string };
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
 * a partner key and a webhook endpoint with one (test) delivery.
 */
export async function createTenant(api: string, name: string): Promise<Tenant> {
  const label = `${name}${randomBytes(4).toString('hex')}`;
  const lower = label.toLowerCase();
  const call = <T>(query: string, variables: Record<string, unknown>, auth: { token?: string } = {}) => graphqlOk<T>(api, { query, variables, ...auth });

  const { signUp } = await call<{ signUp: AuthAnswer }>(
    `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken user { id organization { id } } } }`,
    {
      input: {
        organizationName: `${label} Org`,
        organizationSlug: `${lower}-org`,
        name: `${label} Owner`,
        email: `owner@${lower}.test`,
        password: tenantPassword,
      },
    },
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
  const { createWebhookEndpoint } = await call<{ createWebhookEndpoint: { secret: string; endpoint: { id: string } } }>(
    `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id } } }`,
    { input: { url: `https://203.0.113.10/hooks/${lower}`, eventTypes: ['visit.called', 'queue.paused'], description: `${label} CRM` } },
    owner,
  );
  const { sendTestWebhook } = await call<{ sendTestWebhook: { id: string } }>(
    `mutation($e: ID!) { sendTestWebhook(endpointId: $e) { id } }`,
    { e: createWebhookEndpoint.endpoint.id },
    owner,
  );
  const webhook = { endpointId: createWebhookEndpoint.endpoint.id, secret: createWebhookEndpoint.secret, deliveryId: sendTestWebhook.id };

  // Appointments: bookable around the clock, a closed day, a booking, and a standby entry
  // holding the offer of a slot a cancellation freed.
  await call(
    `mutation($input: SetBookingPolicyInput!) { setBookingPolicy(input: $input) { id } }`,
    { input: { businessId, slotMinutes: 15, minNoticeMinutes: 0 } },
    owner,
  );
  await call(
    `mutation($input: SetAvailabilityInput!) { setAvailability(input: $input) { id } }`,
    { input: { businessId, intervals: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startsAt: '00:00', endsAt: '24:00' })) } },
    owner,
  );
  const closedDay = new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10);
  const { addAvailabilityException } = await call<{ addAvailabilityException: { id: string } }>(
    `mutation($input: AddAvailabilityExceptionInput!) { addAvailabilityException(input: $input) { id } }`,
    { input: { businessId, date: closedDay, kind: 'HOLIDAY', reason: `${label} holiday` } },
    owner,
  );
  const slotAt = (daysAhead: number) => {
    const at = new Date(Date.now() + daysAhead * 86_400_000);
    at.setUTCHours(10, 0, 0, 0);
    return at.toISOString();
  };
  const book = (startsAt: string, auth: { token?: string } = {}, person: Record<string, unknown> = {}) =>
    call<{ bookAppointment: { visitToken: string; visit: { id: string } } }>(
      `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { visitToken visit { id } } }`,
      { input: { businessId, serviceId, startsAt, ...person } },
      auth,
    ).then(({ bookAppointment }) => ({ id: bookAppointment.visit.id, visitToken: bookAppointment.visitToken }));
  const booked = await book(slotAt(2), { token: customer.accessToken });
  const freed = await book(slotAt(3), {}, { name: `${label} Booker`, email: `booker@${lower}.test` });
  const { joinStandby } = await call<{ joinStandby: { token: string; entry: { id: string } } }>(
    `mutation($input: JoinStandbyInput!) { joinStandby(input: $input) { token entry { id } } }`,
    {
      input: {
        businessId,
        serviceId,
        fromDay: slotAt(1).slice(0, 10),
        untilDay: slotAt(5).slice(0, 10),
        name: `${label} Standby`,
        email: `standby@${lower}.test`,
      },
    },
  );
  await call(`mutation($v: ID!) { cancelVisit(visitId: $v) { id } }`, { v: freed.id }, owner);
  const { standbyEntry } = await call<{ standbyEntry: { offers: { id: string }[] } }>(
    `query($id: ID!, $token: String) { standbyEntry(id: $id, token: $token) { offers { id } } }`,
    { id: joinStandby.entry.id, token: joinStandby.token },
  );
  const standby = { entryId: joinStandby.entry.id, token: joinStandby.token, offerId: standbyEntry.offers[0].id };

  const visits = { waiting, called, serving, booked };
  const ids: Record<string, string[]> = {
    Organization: [organizationId],
    Business: [businessId],
    Service: [serviceId],
    Queue: [queueId],
    Visit: [waiting.id, called.id, serving.id, booked.id],
    Customer: [customer.id, createCustomer.id],
    User: tenantStaffRoles.map((role) => staff[role].id),
    Invitation: [pending.invitation.id],
    ApiKey: [apiKey.id],
    WebhookEndpoint: [webhook.endpointId],
    WebhookDelivery: [webhook.deliveryId],
    PwaConfig: [updatePwaConfig.id],
    AvailabilityException: [addAvailabilityException.id],
    StandbyEntry: [standby.entryId],
    StandbyOffer: [standby.offerId],
  };
  const secrets = [
    ...Object.values(ids).flat(),
    label,
    lower,
    apiKey.key,
    webhook.secret,
    ...Object.values(visits).map((visit) => visit.visitToken),
    standby.token,
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
    standby,
    invitationId: pending.invitation.id,
    apiKey,
    webhook,
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
