import { createTokenService, identityHeader, type Identity, type StaffRole } from '@waitlessq/auth';
import type { BaseContext, ServiceRuntime, SubgraphDefinition } from '@waitlessq/subgraph-kit';
import { createTestDatabase, startSubgraph, type RunningSubgraph, type TestDatabase } from '@waitlessq/testkit';
import { createUserSubgraph } from './index';

// jest maps this to the business subgraph's sources; typed here so that this workspace's
// type-check does not depend on another workspace's build.
const { createBusinessSubgraph } = jest.requireActual<{
  createBusinessSubgraph(runtime: ServiceRuntime): SubgraphDefinition<BaseContext>;
}>('@waitlessq/business-subgraph');

// The user subgraph and the real business subgraph (signUp provisions the organization there),
// on one fresh PostgreSQL database, spoken to over HTTP with gateway-signed identities.

// Responses are read loosely; the assertions check their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;

interface GraphQLResponse<T = Data> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

const authFields = 'accessToken refreshToken expiresIn user { id email name role organization { id } } customer { id name email }';
const signUpMutation = `mutation($input: SignUpInput!) { signUp(input: $input) { ${authFields} } }`;
const signInMutation = `mutation($email: String!, $password: String!) { signIn(email: $email, password: $password) { ${authFields} } }`;
const refreshMutation = `mutation($t: String!) { refreshSession(refreshToken: $t) { ${authFields} } }`;
const inviteMutation = `mutation($input: InviteStaffInput!) { inviteStaff(input: $input) { token invitation { id email role expiresAt } } }`;
const acceptMutation = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { ${authFields} } }`;
const createCustomerMutation = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id name email phone } }`;
const password = 'correct horse battery';

let db: TestDatabase;
let business: RunningSubgraph;
let user: RunningSubgraph;
let counter = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  business = await startSubgraph('business', createBusinessSubgraph, db);
  user = await startSubgraph('user', createUserSubgraph, db, { env: { BUSINESS_SUBGRAPH_URL: business.url } });
});

afterAll(async () => {
  await user?.stop();
  await business?.stop();
  await db?.drop();
});

async function post<T = Data>(query: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<GraphQLResponse<T>> {
  const response = await fetch(user.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

async function call<T = Data>(query: string, variables: Record<string, unknown> = {}, identity: Identity = { kind: 'anonymous' }) {
  return post<T>(query, variables, { [identityHeader]: await user.runtime.signer.sign(identity) });
}

function codeOf(response: GraphQLResponse): string | undefined {
  return response.errors?.[0]?.extensions?.code;
}

/** The identity the gateway would derive from this access token. */
function identityOf(accessToken: string): Promise<Identity> {
  const { jwtSecret, accessTokenTtlSeconds } = user.runtime.config.auth;
  return createTokenService({ secret: jwtSecret, ttlSeconds: accessTokenTtlSeconds }).verifyAccessToken(accessToken);
}

async function signUpOwner(name = 'Ada') {
  counter += 1;
  const email = `${name.toLowerCase()}.${counter}.${Date.now()}@example.com`;
  const response = await call(signUpMutation, { input: { organizationName: `${name}'s Clinic ${counter}`, name, email, password } });
  expect(response.errors).toBeUndefined();
  const payload = response.data!.signUp;
  return { email, payload, identity: await identityOf(payload.accessToken) };
}

async function staffWithRole(owner: Identity, role: StaffRole) {
  counter += 1;
  const email = `${role.toLowerCase()}.${counter}@example.com`;
  const invited = await call(inviteMutation, { input: { email, role } }, owner);
  expect(invited.errors).toBeUndefined();
  const accepted = await call(acceptMutation, { input: { token: invited.data!.inviteStaff.token, name: role, password } });
  expect(accepted.errors).toBeUndefined();
  expect(accepted.data!.acceptInvitation.user.role).toBe(role);
  return identityOf(accepted.data!.acceptInvitation.accessToken);
}

const counts = async () => {
  const prisma = user.runtime.db.prisma;
  const [users, organizations, sessions, invitations] = await Promise.all([
    prisma.user.count(),
    prisma.organization.count(),
    prisma.refreshSession.count(),
    prisma.invitation.count(),
  ]);
  return { users, organizations, sessions, invitations };
};

describe('signing up and in', () => {
  it('creates the organization in the business subgraph and its OWNER, signed in', async () => {
    const { email, payload, identity } = await signUpOwner();
    expect(payload).toMatchObject({ expiresIn: 900, customer: null, user: { email, name: 'Ada', role: 'OWNER' } });
    const organization = await user.runtime.db.prisma.organization.findUnique({ where: { id: payload.user.organization.id } });
    expect(organization?.name).toMatch(/^Ada's Clinic/);
    expect(identity).toEqual({ kind: 'staff', subjectId: payload.user.id, organizationId: organization!.id, role: 'OWNER', platformAdmin: false });
    const me = await call('{ me { id email role } }', {}, identity);
    expect(me.data).toEqual({ me: { id: payload.user.id, email, role: 'OWNER' } });
  });

  it('refuses a taken email (any case) with CONFLICT and writes nothing, not even an organization', async () => {
    const { email } = await signUpOwner();
    const before = await counts();
    const again = await call(signUpMutation, { input: { organizationName: 'Other Org', name: 'Eve', email: ` ${email.toUpperCase()} `, password } });
    expect(codeOf(again)).toBe('CONFLICT');
    expect(await counts()).toEqual(before);
  });

  it('refuses bad input naming the field, before writing anything', async () => {
    const before = await counts();
    const response = await call(signUpMutation, { input: { organizationName: 'Org', name: 'Bob', email: 'bob@example.com', password: 'short' } });
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
    expect(response.errors![0].extensions!.field).toBe('password');
    expect(await counts()).toEqual(before);
  });

  it('answers a wrong password and an unknown email alike, and stamps a good sign-in', async () => {
    const { email, payload } = await signUpOwner();
    const wrong = await call(signInMutation, { email, password: 'not the password' });
    const unknown = await call(signInMutation, { email: `nobody.${Date.now()}@example.com`, password });
    expect(wrong.errors?.[0]).toMatchObject({ message: 'Wrong email or password.', extensions: { code: 'UNAUTHENTICATED' } });
    expect(unknown.errors?.[0]).toMatchObject({ message: 'Wrong email or password.', extensions: { code: 'UNAUTHENTICATED' } });

    const before = (await user.runtime.db.prisma.user.findUniqueOrThrow({ where: { id: payload.user.id } })).lastSignInAt!;
    const good = await call(signInMutation, { email: email.toUpperCase(), password });
    expect(good.data!.signIn.user.id).toBe(payload.user.id);
    const after = (await user.runtime.db.prisma.user.findUniqueOrThrow({ where: { id: payload.user.id } })).lastSignInAt!;
    expect(after.getTime()).toBeGreaterThan(before.getTime());
  });
});

describe('refresh tokens', () => {
  it('rotate: each token works once and gives a new one of the same family', async () => {
    const { payload } = await signUpOwner();
    const first = await call(refreshMutation, { t: payload.refreshToken });
    expect(first.errors).toBeUndefined();
    const rotated = first.data!.refreshSession;
    expect(rotated.refreshToken).not.toBe(payload.refreshToken);
    expect(rotated.user.id).toBe(payload.user.id);
    const second = await call(refreshMutation, { t: rotated.refreshToken });
    expect(second.errors).toBeUndefined();
  });

  it('revoke the whole family when a replaced token is presented again', async () => {
    const { payload } = await signUpOwner();
    const rotated = (await call(refreshMutation, { t: payload.refreshToken })).data!.refreshSession;
    const replay = await call(refreshMutation, { t: payload.refreshToken });
    expect(codeOf(replay)).toBe('UNAUTHENTICATED');
    const victim = await call(refreshMutation, { t: rotated.refreshToken });
    expect(codeOf(victim)).toBe('UNAUTHENTICATED');
  });

  it('give exactly one success to concurrent refreshes of one token', async () => {
    const { payload } = await signUpOwner();
    const results = await Promise.all(Array.from({ length: 6 }, () => call(refreshMutation, { t: payload.refreshToken })));
    expect(results.filter((r) => !r.errors).length).toBe(1);
    expect(results.filter((r) => codeOf(r) === 'UNAUTHENTICATED').length).toBe(5);
  });

  it('stop working after signOut, which says true for unknown tokens too', async () => {
    const { payload } = await signUpOwner();
    const signOut = 'mutation($t: String!) { signOut(refreshToken: $t) }';
    expect((await call(signOut, { t: payload.refreshToken })).data).toEqual({ signOut: true });
    expect(codeOf(await call(refreshMutation, { t: payload.refreshToken }))).toBe('UNAUTHENTICATED');
    expect((await call(signOut, { t: 'rt_unknown' })).data).toEqual({ signOut: true });
    expect(codeOf(await call(refreshMutation, { t: 'rt_unknown' }))).toBe('UNAUTHENTICATED');
  });
});

describe('inviting staff', () => {
  it('refuses a VIEWER, writing nothing', async () => {
    const { identity: owner } = await signUpOwner();
    const viewer = await staffWithRole(owner, 'VIEWER');
    const before = await counts();
    const response = await call(inviteMutation, { input: { email: 'x@example.com', role: 'VIEWER' } }, viewer);
    expect(codeOf(response)).toBe('FORBIDDEN');
    expect(await counts()).toEqual(before);
  });

  it('lets a MANAGER invite STAFF but not an ADMIN', async () => {
    const { identity: owner } = await signUpOwner();
    const manager = await staffWithRole(owner, 'MANAGER');
    expect(codeOf(await call(inviteMutation, { input: { email: 'boss@example.com', role: 'ADMIN' } }, manager))).toBe('FORBIDDEN');
    const staff = await call(inviteMutation, { input: { email: 'clerk@example.com', role: 'STAFF' } }, manager);
    expect(staff.data!.inviteStaff.invitation).toMatchObject({ email: 'clerk@example.com', role: 'STAFF' });
  });

  it('makes one account per invitation, and a retry with the same key returns the same token', async () => {
    const { identity: owner } = await signUpOwner();
    const input = { email: `once.${Date.now()}@example.com`, role: 'STAFF', idempotencyKey: 'invite-1' };
    const first = (await call(inviteMutation, { input }, owner)).data!.inviteStaff;
    const retry = (await call(inviteMutation, { input }, owner)).data!.inviteStaff;
    expect(retry).toEqual(first);
    // The key is the owner's, for this input: another input, or another inviter, is refused without the token.
    expect(codeOf(await call(inviteMutation, { input: { ...input, role: 'ADMIN' } }, owner))).toBe('IDEMPOTENCY_KEY_REUSED');
    const admin = await staffWithRole(owner, 'ADMIN');
    const strangers = await call(inviteMutation, { input }, admin);
    expect(codeOf(strangers)).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(JSON.stringify(strangers)).not.toContain(first.token);
    expect((await call(acceptMutation, { input: { token: first.token, name: 'Once', password } })).errors).toBeUndefined();
    const twice = await call(acceptMutation, { input: { token: first.token, name: 'Twice', password } });
    expect(codeOf(twice)).toBe('BAD_USER_INPUT');
    expect(codeOf(await call(acceptMutation, { input: { token: 'inv_nope', name: 'X', password } }))).toBe('NOT_FOUND');
  });
});

describe('customers', () => {
  it('are NOT_FOUND and unresolvable for another organization', async () => {
    const { identity: ownerA } = await signUpOwner('Ann');
    const { identity: ownerB } = await signUpOwner('Ben');
    const created = await call(createCustomerMutation, { input: { name: 'Carla', email: 'carla@example.com' } }, ownerA);
    const id = created.data!.createCustomer.id;

    expect((await call('query($id: ID!) { customer(id: $id) { name } }', { id }, ownerA)).data).toEqual({ customer: { name: 'Carla' } });
    const crossTenant = await call('query($id: ID!) { customer(id: $id) { name } }', { id }, ownerB);
    expect(codeOf(crossTenant)).toBe('NOT_FOUND');
    expect(JSON.stringify(crossTenant)).not.toContain('Carla');

    const entities = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { name } } }';
    const reps = { r: [{ __typename: 'Customer', id }] };
    expect((await call(entities, reps, ownerB)).data).toEqual({ _entities: [null] });
    expect((await call(entities, reps, ownerA)).data).toEqual({ _entities: [{ name: 'Carla' }] });
  });

  it('lets VIEWERs read but not create, and a retry with the same key creates one', async () => {
    const { identity: owner } = await signUpOwner();
    const viewer = await staffWithRole(owner, 'VIEWER');
    expect(codeOf(await call(createCustomerMutation, { input: { name: 'No' } }, viewer))).toBe('FORBIDDEN');
    const input = { name: 'Dora', phone: '+49 30 1234567', idempotencyKey: 'c-1' };
    const first = await call(createCustomerMutation, { input }, owner);
    const retry = await call(createCustomerMutation, { input }, owner);
    expect(retry.data).toEqual(first.data);
    expect(codeOf(await call(createCustomerMutation, { input: { ...input, name: 'Dorothea' } }, owner))).toBe('IDEMPOTENCY_KEY_REUSED');
    const manager = await staffWithRole(owner, 'MANAGER');
    expect(codeOf(await call(createCustomerMutation, { input }, manager))).toBe('IDEMPOTENCY_KEY_REUSED');
    const list = await call('{ customers(search: "dora") { id } }', {}, viewer);
    expect(list.data).toEqual({ customers: [{ id: first.data!.createCustomer.id }] });
  });

  it('register and sign in to one organization with customer tokens', async () => {
    const { payload } = await signUpOwner();
    const organizationId = payload.user.organization.id;
    const email = `cust.${Date.now()}@example.com`;
    const registerMutation = `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { ${authFields} } }`;
    const registered = await call(registerMutation, { input: { organizationId, name: 'Cy', email, password } });
    expect(registered.data!.registerCustomer).toMatchObject({ user: null, customer: { name: 'Cy', email } });
    const identity = await identityOf(registered.data!.registerCustomer.accessToken);
    expect(identity).toEqual({ kind: 'customer', subjectId: registered.data!.registerCustomer.customer.id, organizationId });
    expect((await call('{ meCustomer { email } me { id } }', {}, identity)).data).toEqual({ meCustomer: { email }, me: null });

    const signIn =
      'mutation($o: ID!, $e: String!, $p: String!) { signInCustomer(organizationId: $o, email: $e, password: $p) { refreshToken customer { id } } }';
    expect((await call(signIn, { o: organizationId, e: email, p: password })).data!.signInCustomer.customer.id).toBe(
      identity.kind === 'customer' && identity.subjectId,
    );
    expect(codeOf(await call(signIn, { o: organizationId, e: email, p: 'wrong password!' }))).toBe('UNAUTHENTICATED');
  });
});

describe('entities', () => {
  it('give Business.staff to staff of the caller organization only', async () => {
    const { payload, identity } = await signUpOwner();
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Business { staff { id role } } } }';
    const reps = { r: [{ __typename: 'Business', id: '00000000-0000-4000-8000-000000000001' }] };
    expect((await call(query, reps, identity)).data).toEqual({ _entities: [{ staff: [{ id: payload.user.id, role: 'OWNER' }] }] });
    expect((await call(query, reps)).data).toEqual({ _entities: [{ staff: [] }] });
  });
});

describe('requests not signed by the gateway', () => {
  it('are UNAUTHENTICATED, without a header or with a forged one', async () => {
    const missing = await post('{ me { id } }', {}, {});
    expect(codeOf(missing)).toBe('UNAUTHENTICATED');
    const forged = await post('{ me { id } }', {}, { [identityHeader]: JSON.stringify({ kind: 'staff', role: 'OWNER' }) });
    expect(codeOf(forged)).toBe('UNAUTHENTICATED');
  });
});
