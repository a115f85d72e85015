import { Client } from 'pg';
import { createTokenService } from '@waitlessq/auth';
import { createTestDatabase, errorCode, graphEnv, graphql, graphqlOk, startGraph, testSecrets, type RunningGraph, type TestDatabase } from '@waitlessq/testkit';

// The foundation's scenario, end to end: four subgraphs and the gateway as separate processes
// on the real PostgreSQL and Redis, spoken to over HTTP as a frontend would.

const { JWT_SECRET: jwtSecret } = testSecrets;

let db: TestDatabase;
let graph: RunningGraph;
let api: string;
let sql: Client;

beforeAll(async () => {
  db = await createTestDatabase();
  graph = await startGraph(graphEnv(db));
  api = graph.gateway.url;
  sql = new Client({ connectionString: db.url });
  await sql.connect();
}, 90_000);

afterAll(async () => {
  await sql?.end();
  await graph?.stop();
  await db?.drop();
});

const SIGN_UP = /* GraphQL */ `
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      accessToken
      refreshToken
      user {
        id
        email
        role
        organization {
          id
          name
        }
      }
    }
  }
`;

async function signUp(organizationName: string, email: string) {
  const data = await graphqlOk<{ signUp: { accessToken: string; refreshToken: string; user: { id: string; organization: { id: string; name: string } } } }>(
    api,
    {
      query: SIGN_UP,
      variables: { input: { organizationName, name: 'Owner', email, password: 'a-long-password-1' } },
    },
  );
  return data.signUp;
}

async function setUpQueue(token: string) {
  const { createBusiness } = await graphqlOk<{ createBusiness: { id: string } }>(api, {
    token,
    query: `mutation($input: CreateBusinessInput!) { createBusiness(input: $input) { id } }`,
    variables: { input: { name: 'Riverside Clinic', timezone: 'Europe/Berlin' } },
  });
  const { createService } = await graphqlOk<{ createService: { id: string } }>(api, {
    token,
    query: `mutation($input: CreateServiceInput!) { createService(input: $input) { id } }`,
    variables: { input: { businessId: createBusiness.id, name: 'Check-up', durationMinutes: 15 } },
  });
  const { createQueue } = await graphqlOk<{ createQueue: { id: string } }>(api, {
    token,
    query: `mutation($input: CreateQueueInput!) { createQueue(input: $input) { id status } }`,
    variables: { input: { businessId: createBusiness.id, name: 'Walk-ins', capacity: 10 } },
  });
  return { businessId: createBusiness.id, serviceId: createService.id, queueId: createQueue.id };
}

const JOIN = /* GraphQL */ `
  mutation Join($input: JoinQueueInput!) {
    joinQueue(input: $input) {
      visitToken
      visit {
        id
        ticket
        status
        position
      }
    }
  }
`;

const QUEUE = /* GraphQL */ `
  query Queue($id: ID!) {
    queue(id: $id) {
      id
      status
      waitingCount
      waiting {
        id
        ticket
        position
      }
      business {
        id
        name
      }
    }
  }
`;

describe('the federated graph', () => {
  let owner: Awaited<ReturnType<typeof signUp>>;
  let ids: Awaited<ReturnType<typeof setUpQueue>>;
  const visits: { id: string; ticket: string; token: string }[] = [];
  let customerId: string;

  it('signs up an owner whose organization resolves through the business subgraph', async () => {
    owner = await signUp('Riverside Health', 'owner@riverside.test');
    expect(owner.user.organization.name).toBe('Riverside Health');
    const me = await graphqlOk<{ me: { email: string; role: string } }>(api, { token: owner.accessToken, query: '{ me { email role } }' });
    expect(me.me).toEqual({ email: 'owner@riverside.test', role: 'OWNER' });
  });

  it('three customers join and hold positions 1, 2, 3', async () => {
    ids = await setUpQueue(owner.accessToken);
    const { registerCustomer } = await graphqlOk<{ registerCustomer: { accessToken: string; customer: { id: string } } }>(api, {
      query: `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { accessToken customer { id } } }`,
      variables: { input: { organizationId: owner.user.organization.id, name: 'Ada Customer', email: 'ada@example.test', password: 'ada-password-123' } },
    });
    customerId = registerCustomer.customer.id;

    const first = await graphqlOk<{ joinQueue: { visitToken: string; visit: { id: string; ticket: string; position: number } } }>(api, {
      token: registerCustomer.accessToken,
      query: JOIN,
      variables: { input: { queueId: ids.queueId, serviceId: ids.serviceId } },
    });
    visits.push({ id: first.joinQueue.visit.id, ticket: first.joinQueue.visit.ticket, token: first.joinQueue.visitToken });
    for (const name of ['Ben Walk-in', 'Cleo Walk-in']) {
      const walkIn = await graphqlOk<{ joinQueue: { visitToken: string; visit: { id: string; ticket: string; position: number } } }>(api, {
        query: JOIN,
        variables: { input: { queueId: ids.queueId, name, serviceId: ids.serviceId } },
      });
      visits.push({ id: walkIn.joinQueue.visit.id, ticket: walkIn.joinQueue.visit.ticket, token: walkIn.joinQueue.visitToken });
    }
    expect(visits.map((v) => v.ticket)).toEqual(['A-001', 'A-002', 'A-003']);

    const { queue } = await graphqlOk<{ queue: { waitingCount: number; waiting: { id: string; position: number }[]; business: { name: string } } }>(api, {
      token: owner.accessToken,
      query: QUEUE,
      variables: { id: ids.queueId },
    });
    expect(queue.waitingCount).toBe(3);
    expect(queue.waiting.map((v) => [v.id, v.position])).toEqual(visits.map((v, i) => [v.id, i + 1]));
    expect(queue.business.name).toBe('Riverside Clinic');
  });

  it('callNext calls the first and the others move up', async () => {
    const { callNext } = await graphqlOk<{ callNext: { id: string; status: string; calledAt: string } }>(api, {
      token: owner.accessToken,
      query: `mutation($id: ID!) { callNext(queueId: $id) { id status calledAt } }`,
      variables: { id: ids.queueId },
    });
    expect(callNext).toMatchObject({ id: visits[0].id, status: 'CALLED' });
    expect(callNext.calledAt).toBeTruthy();

    const { queue } = await graphqlOk<{ queue: { waiting: { id: string; position: number }[] } }>(api, {
      token: owner.accessToken,
      query: QUEUE,
      variables: { id: ids.queueId },
    });
    expect(queue.waiting.map((v) => [v.id, v.position])).toEqual([
      [visits[1].id, 1],
      [visits[2].id, 2],
    ]);
  });

  it("resolves a visit's customer and service through the gateway", async () => {
    const { visit } = await graphqlOk<{
      visit: { customer: { id: string; name: string }; service: { name: string; durationMinutes: number }; queue: { business: { name: string } } };
    }>(api, {
      token: owner.accessToken,
      query: `query($id: ID!) { visit(id: $id) { ticket customer { id name } service { name durationMinutes } queue { business { name } } } }`,
      variables: { id: visits[0].id },
    });
    expect(visit.customer).toEqual({ id: customerId, name: 'Ada Customer' });
    expect(visit.service).toEqual({ name: 'Check-up', durationMinutes: 15 });
    expect(visit.queue.business.name).toBe('Riverside Clinic');

    const { customer } = await graphqlOk<{ customer: { visits: { id: string }[] } }>(api, {
      token: owner.accessToken,
      query: `query($id: ID!) { customer(id: $id) { visits { id } } }`,
      variables: { id: customerId },
    });
    expect(customer.visits.map((v) => v.id)).toEqual([visits[0].id]);
  });

  it('lets a walk-in watch their own visit with its token, and nobody else', async () => {
    const mine = await graphqlOk<{ visit: { ticket: string; position: number } }>(api, {
      query: `query($id: ID!, $token: String) { visit(id: $id, visitToken: $token) { ticket position } }`,
      variables: { id: visits[1].id, token: visits[1].token },
    });
    expect(mine.visit).toEqual({ ticket: 'A-002', position: 1 });
    const wrong = await graphql(api, {
      query: `query($id: ID!, $token: String) { visit(id: $id, visitToken: $token) { ticket } }`,
      variables: { id: visits[1].id, token: visits[2].token },
    });
    expect(errorCode(wrong)).toBe('NOT_FOUND');
  });
});

describe('refusals leave the database unchanged', () => {
  let owner: Awaited<ReturnType<typeof signUp>>;
  let other: Awaited<ReturnType<typeof signUp>>;
  let ids: Awaited<ReturnType<typeof setUpQueue>>;

  const counts = async () => {
    const { rows } = await sql.query(
      `SELECT (SELECT count(*) FROM "Visit")::int AS visits, (SELECT count(*) FROM "VisitEvent")::int AS events,
              (SELECT coalesce(sum("lastNumber"), 0) FROM "TicketCounter")::int AS tickets, (SELECT count(*) FROM "Queue")::int AS queues`,
    );
    return rows[0];
  };

  beforeAll(async () => {
    owner = await signUp('Hilltop Salon Group', 'owner@hilltop.test');
    other = await signUp('Elsewhere Inc', 'owner@elsewhere.test');
    ids = await setUpQueue(owner.accessToken);
  });

  it('a closed queue refuses to be joined with QUEUE_CLOSED', async () => {
    await graphqlOk(api, { token: owner.accessToken, query: `mutation($id: ID!) { closeQueue(queueId: $id) { status } }`, variables: { id: ids.queueId } });
    const before = await counts();
    const result = await graphql(api, { query: JOIN, variables: { input: { queueId: ids.queueId, name: 'Late' } } });
    expect(errorCode(result)).toBe('QUEUE_CLOSED');
    expect(await counts()).toEqual(before);
  });

  it("another organization's queue is NOT_FOUND, for reads and writes", async () => {
    const before = await counts();
    const read = await graphql(api, { token: other.accessToken, query: QUEUE, variables: { id: ids.queueId } });
    expect(errorCode(read)).toBe('NOT_FOUND');
    expect(JSON.stringify(read.data ?? {})).not.toContain('Riverside');
    const write = await graphql(api, {
      token: other.accessToken,
      query: `mutation($id: ID!) { callNext(queueId: $id) { id } }`,
      variables: { id: ids.queueId },
    });
    expect(errorCode(write)).toBe('NOT_FOUND');
    expect(await counts()).toEqual(before);
  });

  it('an expired token is UNAUTHENTICATED at the gateway', async () => {
    const tokens = createTokenService({ secret: jwtSecret, ttlSeconds: 1 });
    const expired = await tokens.signAccessToken({ sub: owner.user.id, org: owner.user.organization.id, kind: 'staff', role: 'OWNER' });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const before = await counts();
    const result = await graphql(api, {
      token: expired,
      query: `mutation($input: CreateQueueInput!) { createQueue(input: $input) { id } }`,
      variables: { input: { businessId: ids.businessId, name: 'Sneaky' } },
    });
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
    expect(await counts()).toEqual(before);
  });

  it('a forged identity header sent straight to a subgraph is UNAUTHENTICATED', async () => {
    const before = await counts();
    const forged = JSON.stringify({ kind: 'staff', subjectId: owner.user.id, organizationId: owner.user.organization.id, role: 'OWNER' });
    for (const header of [forged, 'eyJhbGciOiJub25lIn0.eyJpZGVudGl0eSI6e319.']) {
      const result = await graphql(graph.subgraphs.queue.url, {
        headers: { 'x-waitlessq-identity': header },
        query: `mutation($id: ID!) { openQueue(queueId: $id) { status } }`,
        variables: { id: ids.queueId },
      });
      expect(errorCode(result)).toBe('UNAUTHENTICATED');
    }
    expect(await counts()).toEqual(before);
    const { rows } = await sql.query(`SELECT status FROM "Queue" WHERE id = $1`, [ids.queueId]);
    expect(rows[0].status).toBe('CLOSED');
  });
});
