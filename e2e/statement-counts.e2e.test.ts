import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, graphEnv, graphqlOk, startGraph, type RunningGraph, type TestDatabase } from '@waitlessq/testkit';

// DataLoader everywhere, proven from outside: the gateway and the four subgraphs run as their
// own processes on the real PostgreSQL, and each subgraph reports the SQL statements it sent
// on /metrics (wlq_db_statements_total, counted below Prisma: BEGIN and COMMIT included). The
// same operation over 10 rows and over 500 rows must cost every subgraph the same number.
// Caches are off, so every read reaches the database.

const subgraphNames = ['user', 'business', 'queue', 'pwa'] as const;
type SubgraphName = (typeof subgraphNames)[number];
type Counts = Record<SubgraphName, number>;

let db: TestDatabase;
let graph: RunningGraph;
let sql: Client;
let token: string;
let organizationId: string;
const fixtures = new Map<number, { businessId: string; queueId: string; customerId: string }>();

const QUEUE_WITH_LINE = /* GraphQL */ `
  query QueueWithLine($id: ID!) {
    queue(id: $id) {
      name
      status
      waitingCount
      nextTickets
      business {
        name
      }
      waiting(first: 500) {
        ticket
        position
        estimatedWaitMinutes
        customer {
          name
        }
        service {
          name
          business {
            name
          }
        }
        queue {
          name
        }
      }
    }
  }
`;

const BUSINESS_WITH_SERVICES_AND_QUEUES = /* GraphQL */ `
  query BusinessWithServicesAndQueues($id: ID) {
    business(id: $id) {
      name
      services {
        name
        durationMinutes
        business {
          name
        }
      }
      queues {
        name
        status
        waitingCount
        business {
          name
        }
      }
    }
  }
`;

const CUSTOMER_VISITS = /* GraphQL */ `
  query CustomerVisits($id: ID!) {
    customer(id: $id) {
      name
      visits(first: 100) {
        ticket
        status
        service {
          name
          business {
            name
          }
        }
        queue {
          name
          waitingCount
        }
      }
    }
  }
`;

const JOINED_FIELDS = /* GraphQL */ `
  fragment Joined on Visit {
    ticket
    position
    estimatedWaitMinutes
    queue {
      name
      waitingCount
    }
  }
`;

const JOIN_QUEUE = /* GraphQL */ `
  mutation JoinQueue($input: JoinQueueInput!) {
    joinQueue(input: $input) {
      visit {
        id
        ...Joined
      }
    }
  }
  ${JOINED_FIELDS}
`;

const VISIT_AS_JOINED = /* GraphQL */ `
  query VisitAsJoined($id: ID!) {
    visit(id: $id) {
      ...Joined
    }
  }
  ${JOINED_FIELDS}
`;

async function statementCounts(): Promise<Counts> {
  const entries = await Promise.all(
    subgraphNames.map(async (name) => {
      const text = await (await fetch(`${graph.subgraphs[name].baseUrl}/metrics`)).text();
      const total = [...text.matchAll(/^wlq_db_statements_total\{[^}]*\} (\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
      return [name, total] as const;
    }),
  );
  return Object.fromEntries(entries) as Counts;
}

/**
 * Runs the operation and answers its data and the statements each subgraph sent for it;
 * `relayed`: also those of the outbox relay its change starts (after the answer), counted once
 * the outbox is empty and the counts have settled.
 */
async function measured<T>(query: string, variables: Record<string, unknown>, { relayed = false } = {}): Promise<{ data: T; statements: Counts }> {
  const before = await statementCounts();
  const data = await graphqlOk<T>(graph.gateway.url, { query, variables, token });
  let after = await statementCounts();
  for (let settled = !relayed; !settled;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const pending = Number((await sql.query('SELECT count(*) FROM "OutboxEvent"')).rows[0].count);
    const now = await statementCounts();
    settled = pending === 0 && subgraphNames.every((name) => now[name] === after[name]);
    after = now;
  }
  const statements = Object.fromEntries(subgraphNames.map((name) => [name, after[name] - before[name]])) as Counts;
  return { data, statements };
}

/**
 * One business with `size` services and `size` queues; its first queue has `size` waiting
 * visits, each with its own customer and one of the services; one customer has min(size, 100)
 * past visits across the queues. Written with set-based SQL: 500 joins through the API would
 * only measure joinQueue.
 */
async function createFixture(size: number): Promise<{ businessId: string; queueId: string; customerId: string }> {
  const { createBusiness } = await graphqlOk<{ createBusiness: { id: string } }>(graph.gateway.url, {
    token,
    query: 'mutation($input: CreateBusinessInput!) { createBusiness(input: $input) { id } }',
    variables: { input: { name: `Branch ${size}`, timezone: 'UTC' } },
  });
  const businessId = createBusiness.id;
  const tag = `s${size}`;
  await sql.query(
    `INSERT INTO "Service" (id, "organizationId", "businessId", name, "durationMinutes", "updatedAt")
     SELECT gen_random_uuid(), $1, $2, 'Service ' || lpad(i::text, 4, '0'), 5 + i % 30, now() FROM generate_series(1, $3) i`,
    [organizationId, businessId, size],
  );
  await sql.query(
    `INSERT INTO "Queue" (id, "organizationId", "businessId", name, "serviceIds", "createdAt", "updatedAt")
     SELECT gen_random_uuid(), $1, $2, 'Queue ' || lpad(i::text, 4, '0'), '{}', now() - make_interval(secs => $3 - i), now() FROM generate_series(1, $3) i`,
    [organizationId, businessId, size],
  );
  await sql.query(
    `INSERT INTO "Customer" (id, "organizationId", name, "updatedAt")
     SELECT gen_random_uuid(), $1, $2 || ' customer ' || lpad(i::text, 4, '0'), now() FROM generate_series(1, $3) i`,
    [organizationId, tag, size],
  );
  const queueId = (await sql.query(`SELECT id FROM "Queue" WHERE "businessId" = $1 ORDER BY name LIMIT 1`, [businessId])).rows[0].id as string;
  await sql.query(
    `WITH c AS (SELECT id, name, row_number() OVER (ORDER BY name) AS rn FROM "Customer" WHERE "organizationId" = $1 AND name LIKE $2 || ' %'),
          s AS (SELECT id, row_number() OVER (ORDER BY name) - 1 AS k, count(*) OVER () AS n FROM "Service" WHERE "businessId" = $3)
     INSERT INTO "Visit" (id, "organizationId", "queueId", "businessId", "serviceId", "customerId", "customerName", status,
                          "ticketDay", "ticketNumber", ticket, "joinedAt", "lineAt", "createdAt", "updatedAt")
     SELECT gen_random_uuid(), $1, $4, $3, s.id, c.id, c.name, 'WAITING', current_date, c.rn, 'A-' || lpad(c.rn::text, 3, '0'),
            now() - make_interval(secs => 100000 - c.rn::int), now() - make_interval(secs => 100000 - c.rn::int), now(), now()
     FROM c JOIN s ON s.k = (c.rn - 1) % s.n`,
    [organizationId, tag, businessId, queueId],
  );
  // The day's ticket counter, as the joins would have left it (a walk-in joining takes the next).
  await sql.query(`INSERT INTO "TicketCounter" ("queueId", "day", "lastNumber") VALUES ($1, current_date, $2)`, [queueId, size]);
  const customerId = (await sql.query(`SELECT id FROM "Customer" WHERE name = $1`, [`${tag} customer 0001`])).rows[0].id as string;
  await sql.query(
    `WITH q AS (SELECT id, row_number() OVER (ORDER BY name) AS rn FROM "Queue" WHERE "businessId" = $2),
          s AS (SELECT id, row_number() OVER (ORDER BY name) AS rn FROM "Service" WHERE "businessId" = $2)
     INSERT INTO "Visit" (id, "organizationId", "queueId", "businessId", "serviceId", "customerId", "customerName", status,
                          "ticketDay", "ticketNumber", ticket, "joinedAt", "doneAt", "createdAt", "updatedAt")
     SELECT gen_random_uuid(), $1, q.id, $2, s.id, $3, 'Regular', 'DONE', current_date - q.rn::int, 1, 'A-001',
            now() - make_interval(days => q.rn::int), now() - make_interval(days => q.rn::int), now() - make_interval(days => q.rn::int), now()
     FROM q JOIN s ON s.rn = q.rn WHERE q.rn <= LEAST($4, 100)`,
    [organizationId, businessId, customerId, size],
  );
  await sql.query('ANALYZE');
  return { businessId, queueId, customerId };
}

beforeAll(async () => {
  db = await createTestDatabase();
  graph = await startGraph(
    graphEnv(db, {
      REDIS_KEY_PREFIX: `e2e-statements:${db.name}:`,
      CACHE_TTL_SECONDS: '0',
      // The point is 500 rows in one operation: the gateway's cost and depth limits would refuse it.
      MAX_QUERY_COST: '0',
      MAX_QUERY_DEPTH: '0',
      // The counts are the whole process's: the outbox sweep's query (every second by default)
      // would land in some of them. Nothing here needs it (every relay runs after its mutation).
      OUTBOX_SWEEP_INTERVAL_MS: '3600000',
    }),
  );
  sql = new Client({ connectionString: db.url });
  await sql.connect();
  const { signUp } = await graphqlOk<{ signUp: { accessToken: string; user: { organization: { id: string } } } }>(graph.gateway.url, {
    query: 'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken user { organization { id } } } }',
    variables: { input: { organizationName: 'Counting Clinic', name: 'Owner', email: `owner-${randomUUID()}@count.test`, password: 'a-long-password-1' } },
  });
  token = signUp.accessToken;
  organizationId = signUp.user.organization.id;
  for (const size of [10, 500]) fixtures.set(size, await createFixture(size));
}, 120_000);

afterAll(async () => {
  await sql?.end();
  await graph?.stop();
  await db?.drop();
});

describe('SQL statements per subgraph do not grow with the rows an operation returns', () => {
  it('a queue with its waiting visits, each with customer, service and business', async () => {
    type Data = { queue: { waitingCount: number; waiting: { position: number; customer: { name: string }; service: { business: { name: string } } }[] } };
    const runs = [];
    for (const size of [10, 500]) {
      const run = await measured<Data>(QUEUE_WITH_LINE, { id: fixtures.get(size)!.queueId });
      expect(run.data.queue.waitingCount).toBe(size);
      expect(run.data.queue.waiting).toHaveLength(size);
      expect(run.data.queue.waiting[size - 1]).toMatchObject({
        position: size,
        customer: { name: expect.stringContaining('customer') },
        service: { business: { name: `Branch ${size}` } },
      });
      runs.push(run.statements);
    }
    expect(runs[1]).toEqual(runs[0]);
    // queue: the summary (the queue with its line and service times, one statement), the line
    // with its waiting visits (one statement, visits/line-read.ts). user: the customers.
    // business: the services, their businesses, the queue's business (a separate fetch).
    expect(runs[0]).toEqual({ queue: 2, user: 1, business: 3, pwa: 0 });
  });

  it('a business with its services and queues', async () => {
    type Data = { business: { services: unknown[]; queues: { waitingCount: number }[] } };
    const runs = [];
    for (const size of [10, 500]) {
      const run = await measured<Data>(BUSINESS_WITH_SERVICES_AND_QUEUES, { id: fixtures.get(size)!.businessId });
      expect(run.data.business.services).toHaveLength(size);
      expect(run.data.business.queues).toHaveLength(size);
      expect(run.data.business.queues[0].waitingCount).toBe(size);
      runs.push(run.statements);
    }
    expect(runs[1]).toEqual(runs[0]);
    // business: the business, its services, the queues' business. queue: the queues, their lines.
    expect(runs[0]).toEqual({ queue: 2, user: 0, business: 3, pwa: 0 });
  });

  it("a customer's visits (the API pages them by 100 at most)", async () => {
    type Data = { customer: { visits: { queue: { name: string }; service: { business: { name: string } } }[] } };
    const runs = [];
    for (const size of [10, 500]) {
      const run = await measured<Data>(CUSTOMER_VISITS, { id: fixtures.get(size)!.customerId });
      // Also in line in the first queue: one visit more than the fixture's history.
      expect(run.data.customer.visits).toHaveLength(Math.min(size + 1, 100));
      expect(run.data.customer.visits[0].service.business.name).toBe(`Branch ${size}`);
      runs.push(run.statements);
    }
    expect(runs[1]).toEqual(runs[0]);
    // queue: the visit ids (a window query), the visits, their queues, the queues' lines.
    // user: the customer. business: the services, their businesses.
    expect(runs[0]).toEqual({ queue: 4, user: 1, business: 2, pwa: 0 });
  });

  // Last: it adds a visit to each fixture's first queue.
  it('a walk-in joining, with its position, estimate and queue in the answer', async () => {
    type Answer = { id: string; ticket: string; position: number; estimatedWaitMinutes: number; queue: { name: string; waitingCount: number } };
    const runs = [];
    for (const size of [10, 500]) {
      const run = await measured<{ joinQueue: { visit: Answer } }>(
        JOIN_QUEUE,
        { input: { queueId: fixtures.get(size)!.queueId, name: 'Counted walk-in' } },
        { relayed: true },
      );
      const { id, ...answer } = run.data.joinQueue.visit;
      expect(answer).toMatchObject({ ticket: `A-${String(size + 1).padStart(3, '0')}`, position: size + 1, queue: { waitingCount: size + 1 } });
      expect(answer.estimatedWaitMinutes).toBeGreaterThan(0);
      // What the join answered from its own read is what a read after it answers.
      const { visit } = await graphqlOk<{ visit: Answer }>(graph.gateway.url, { query: VISIT_AS_JOINED, variables: { id }, token });
      expect(visit).toEqual(answer);
      runs.push(run.statements);
    }
    expect(runs[1]).toEqual(runs[0]);
    // queue, the join: the queue; BEGIN, its lock, the line with the service times and the next
    // ticket (visits/line-read.ts), the visit, its history event, COMMIT. The answer reads
    // nothing more: the line as the join committed it answers it (context.ts rememberLine).
    // Then the relay: BEGIN, its lock, the outbox rows, the event's read with its sequence, the
    // waiting visits' latest estimates (the fixture wrote none), COMMIT. Before the join read its
    // line and ticket in one statement, primed the answer with it, and the event's read issued
    // its sequence: 17.
    expect(runs[0]).toEqual({ queue: 13, user: 0, business: 0, pwa: 0 });
  });
});
