import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { Client } from 'pg';
import { PrismaClient, type Prisma } from '@waitlessq/database';
import { createTestDatabase, type TestDatabase } from '@waitlessq/testkit';
import { createQueueLoaders } from '../subgraphs/queue/src/queues/loaders';
import { readQueueEvent } from '../subgraphs/queue/src/events/snapshot';
import { readLines } from '../subgraphs/queue/src/visits/line';
import { createVisitLoaders } from '../subgraphs/queue/src/visits/loaders';

// The hot queries use an index, on a realistic amount of data: 100,000 visits across 1,000
// queues (most of them history, a few waiting in each line), customers, sessions, counters.
// Each query is the SQL the code sends: Prisma's statements are captured below the client
// (the driver adapter), raw statements are the code's own text. PostgreSQL plans each with
// its parameters, and the plan must name the index (and no sequential scan of the table).

type Captured = { sql: string; args: unknown[] };
type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: PlanNode[] };

let db: TestDatabase;
let sql: Client;
let prisma: PrismaClient;
const captured: Captured[] = [];

/** A client whose driver adapter records every statement it is asked to send. */
function recordingClient(url: string): PrismaClient {
  const factory = new PrismaPg({ connectionString: url, max: 2 });
  const record = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (property === 'queryRaw' || property === 'executeRaw') {
          return (query: Captured) => {
            captured.push({ sql: query.sql, args: query.args });
            return (value as (q: Captured) => unknown).call(object, query);
          };
        }
        return (value as (...a: unknown[]) => unknown).bind(object);
      },
    });
  const adapter = Object.create(factory) as typeof factory;
  adapter.connect = async () => record(await factory.connect());
  return new PrismaClient({ adapter });
}

/** The statements `run` sends, as the driver adapter received them. */
async function statementsOf(run: () => Promise<unknown>): Promise<Captured[]> {
  const from = captured.length;
  await run();
  return captured.slice(from);
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

async function planOf(statement: Captured): Promise<PlanNode[]> {
  const { rows } = await sql.query(`EXPLAIN (FORMAT JSON) ${statement.sql}`, statement.args);
  return nodes((rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0].Plan);
}

/** Asserts the plan reads `table` through `index` and never scans it sequentially. */
async function expectIndex(statement: Captured, table: string, index: string): Promise<void> {
  const plan = await planOf(statement);
  const onTable = plan.filter((node) => node['Relation Name'] === table || node['Index Name'] === index);
  expect({ sql: statement.sql, indexes: onTable.map((node) => node['Index Name'] ?? node['Node Type']) }).toEqual({
    sql: statement.sql,
    indexes: expect.arrayContaining([index]),
  });
  expect(onTable.filter((node) => node['Node Type'] === 'Seq Scan')).toEqual([]);
}

const ids: { queueId: string; businessId: string; organizationId: string; customerId: string; slug: string; visitIds: string[]; tokenHash: string } =
  {} as never;

beforeAll(async () => {
  db = await createTestDatabase();
  sql = new Client({ connectionString: db.url });
  await sql.connect();
  // 100 organizations, 1,000 businesses and queues, 20,000 customers, 100,000 visits (5 waiting
  // per queue, the rest done, over 20 days), one history event per visit, ticket counters,
  // 20,000 refresh sessions.
  await sql.query(`
    INSERT INTO "Organization" (id, name, slug, "updatedAt")
      SELECT gen_random_uuid(), 'Org ' || i, 'org-' || i, now() FROM generate_series(1, 100) i;
    INSERT INTO "Business" (id, "organizationId", name, slug, timezone, "updatedAt")
      SELECT gen_random_uuid(), o.id, 'Business ' || o.n || '-' || i, 'business-' || o.n || '-' || i, 'UTC', now()
      FROM (SELECT id, row_number() OVER () AS n FROM "Organization") o, generate_series(1, 10) i;
    INSERT INTO "Service" (id, "organizationId", "businessId", name, "durationMinutes", "updatedAt")
      SELECT gen_random_uuid(), b."organizationId", b.id, 'Service ' || i, 15, now() FROM "Business" b, generate_series(1, 3) i;
    INSERT INTO "Queue" (id, "organizationId", "businessId", name, "serviceIds", "updatedAt")
      SELECT gen_random_uuid(), "organizationId", id, 'Main', '{}', now() FROM "Business";
    CREATE TEMP TABLE q AS SELECT id, "organizationId", "businessId", row_number() OVER (ORDER BY id) - 1 AS n FROM "Queue";
    INSERT INTO "Customer" (id, "organizationId", name, "updatedAt")
      SELECT gen_random_uuid(), (SELECT id FROM "Organization" ORDER BY id LIMIT 1 OFFSET i % 100), 'Customer ' || i, now()
      FROM generate_series(1, 20000) i;
    CREATE TEMP TABLE c AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM "Customer";
    INSERT INTO "Visit" (id, "organizationId", "queueId", "businessId", "customerId", "customerName", status, priority,
                         "ticketDay", "ticketNumber", ticket, "joinedAt", "createdAt", "updatedAt")
      SELECT gen_random_uuid(), q."organizationId", q.id, q."businessId",
             CASE WHEN v.i % 3 = 0 THEN c.id END, 'Visitor ' || v.i,
             (CASE WHEN v.k < 5 THEN 'WAITING' ELSE 'DONE' END)::"VisitStatus", (v.i % 7 = 0)::int,
             current_date - v.k / 5, v.k % 5 + 1, 'A-' || lpad((v.k % 5 + 1)::text, 3, '0'),
             now() - make_interval(days => v.k / 5, secs => v.k), now() - make_interval(days => v.k / 5, secs => v.k), now()
      FROM (SELECT i, i % 1000 AS queue, i / 1000 AS k FROM generate_series(0, 99999) i) v
      JOIN q ON q.n = v.queue
      JOIN c ON c.n = v.i % 20000;
    INSERT INTO "VisitEvent" (id, "visitId", "organizationId", "queueId", "toStatus", "actorKind", at)
      SELECT gen_random_uuid(), id, "organizationId", "queueId", status, 'staff', "createdAt" FROM "Visit";
    INSERT INTO "TicketCounter" ("queueId", day, "lastNumber")
      SELECT q.id, current_date - d, 5 FROM q, generate_series(0, 19) d;
    INSERT INTO "RefreshSession" (id, "familyId", "subjectKind", "subjectId", "organizationId", "tokenHash", "expiresAt")
      SELECT gen_random_uuid(), gen_random_uuid(), 'STAFF', gen_random_uuid(), (SELECT id FROM "Organization" LIMIT 1), md5(i::text), now() + interval '30 days'
      FROM generate_series(1, 20000) i;
    ANALYZE;
  `);
  const queue = (
    await sql.query(
      `SELECT q.id, q."businessId", q."organizationId", b.slug FROM "Queue" q JOIN "Business" b ON b.id = q."businessId" ORDER BY q.id LIMIT 1 OFFSET 500`,
    )
  ).rows[0];
  const customer = (await sql.query(`SELECT "customerId" AS id FROM "Visit" WHERE "customerId" IS NOT NULL ORDER BY id LIMIT 1`)).rows[0];
  const visits = (await sql.query(`SELECT id FROM "Visit" WHERE "queueId" = $1 AND status = 'WAITING'`, [queue.id])).rows;
  Object.assign(ids, {
    queueId: queue.id,
    businessId: queue.businessId,
    organizationId: queue.organizationId,
    slug: queue.slug,
    customerId: customer.id,
    visitIds: visits.map((row: { id: string }) => row.id),
    tokenHash: (await sql.query(`SELECT md5('777') AS h`)).rows[0].h,
  });
  prisma = recordingClient(db.url);
}, 60_000);

afterAll(async () => {
  await prisma?.$disconnect();
  await sql?.end();
  await db?.drop();
});

describe('the hot queries use an index on 100,000 visits', () => {
  it('has the data it claims', async () => {
    const { rows } = await sql.query(`SELECT (SELECT count(*) FROM "Visit")::int AS visits, (SELECT count(*) FROM "Queue")::int AS queues,
      (SELECT count(*) FROM "Visit" WHERE status = 'WAITING')::int AS waiting`);
    expect(rows[0]).toEqual({ visits: 100_000, queues: 1_000, waiting: 5_000 });
    expect(ids.visitIds).toHaveLength(5);
  });

  it('the waiting line of a queue, in order (positions, estimates, waitingCount)', async () => {
    const [statement] = await statementsOf(() => readLines(prisma, [ids.queueId]));
    await expectIndex(statement, 'Visit', 'Visit_queueId_status_priority_lineAt_ticketNumber_idx');
  });

  it("a change's event: the queue's visits in line, booked appointments and the visits it named, in one read", async () => {
    const change = { kind: 'CALLED' as const, visitIds: ids.visitIds.slice(0, 1) };
    const [statement] = await statementsOf(() => readQueueEvent(prisma, ids.queueId, change));
    const plan = await planOf(statement);
    expect(plan.filter((node) => node['Relation Name'] === 'Visit' && node['Node Type'] === 'Seq Scan')).toEqual([]);
    expect(plan.some((node) => node['Index Name']?.startsWith('Visit_'))).toBe(true);
  });

  it("callNext's pick of the first waiting visit", async () => {
    // The selecting part of visit-service.ts's callNext statement, verbatim.
    await expectIndex(
      {
        sql: `SELECT "id" FROM "Visit"
              WHERE "queueId" = $1::uuid AND "status" = 'WAITING'::"VisitStatus"
              ORDER BY "priority" DESC, "lineAt" ASC, "ticketNumber" ASC, "id" ASC
              LIMIT 1
              FOR UPDATE`,
        args: [ids.queueId],
      },
      'Visit',
      'Visit_queueId_status_priority_lineAt_ticketNumber_idx',
    );
  });

  it("a customer's visits, newest first (Customer.visits)", async () => {
    const loaders = createVisitLoaders(prisma, {
      kind: 'staff',
      subjectId: randomUUID(),
      organizationId: ids.organizationId,
      role: 'STAFF',
      platformAdmin: false,
    });
    const [statement] = await statementsOf(() => loaders.visitIdsByCustomer.load({ customerId: ids.customerId, first: 20 }));
    await expectIndex(statement, 'Visit', 'Visit_customerId_createdAt_idx');
  });

  it('the visits, history and queues of a request (DataLoader batches by id and parent)', async () => {
    const visitLoaders = createVisitLoaders(prisma, { kind: 'service', subjectId: 'queue' });
    const [visits] = await statementsOf(() => visitLoaders.visitById.loadMany(ids.visitIds));
    await expectIndex(visits, 'Visit', 'Visit_pkey');
    const [history] = await statementsOf(() => visitLoaders.historyByVisit.loadMany(ids.visitIds));
    await expectIndex(history, 'VisitEvent', 'VisitEvent_visitId_at_idx');
    const queueLoaders = createQueueLoaders(prisma, { kind: 'service', subjectId: 'queue' });
    const [queues] = await statementsOf(() => queueLoaders.queuesByBusiness.load(ids.businessId));
    await expectIndex(queues, 'Queue', 'Queue_businessId_idx');
  });

  it('a business by slug (the PWA address) and its services', async () => {
    const [bySlug] = await statementsOf(() => prisma.business.findUnique({ where: { slug: ids.slug } }));
    await expectIndex(bySlug, 'Business', 'Business_slug_key');
    const [services] = await statementsOf(() =>
      prisma.service.findMany({ where: { businessId: { in: [ids.businessId] }, active: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    );
    await expectIndex(services, 'Service', 'Service_businessId_name_idx');
  });

  it("joinQueue's ticket counter upsert finds its row through the primary key", async () => {
    // join-visit.ts's statement, verbatim; EXPLAIN without ANALYZE writes nothing.
    const statement = {
      sql: `INSERT INTO "TicketCounter" ("queueId", "day", "lastNumber")
            VALUES ($1::uuid, $2::date, 1)
            ON CONFLICT ("queueId", "day") DO UPDATE SET "lastNumber" = "TicketCounter"."lastNumber" + 1
            RETURNING "lastNumber"`,
      args: [ids.queueId, new Date().toISOString().slice(0, 10)],
    };
    const { rows } = await sql.query(`EXPLAIN (FORMAT JSON) ${statement.sql}`, statement.args);
    const plan = (rows[0]['QUERY PLAN'] as { Plan: { 'Conflict Arbiter Indexes'?: string[] } }[])[0].Plan;
    expect(plan['Conflict Arbiter Indexes']).toEqual(['TicketCounter_pkey']);
  });

  it('a refresh session by the hash of its token, and its family', async () => {
    const [session] = await statementsOf(() => prisma.refreshSession.findUnique({ where: { tokenHash: ids.tokenHash } }));
    await expectIndex(session, 'RefreshSession', 'RefreshSession_tokenHash_key');
    const familyId = (await sql.query(`SELECT "familyId" FROM "RefreshSession" WHERE "tokenHash" = $1`, [ids.tokenHash])).rows[0].familyId;
    const [family] = await statementsOf(() =>
      prisma.refreshSession.count({ where: { familyId, revokedAt: { not: null } } } satisfies Prisma.RefreshSessionCountArgs),
    );
    await expectIndex(family, 'RefreshSession', 'RefreshSession_familyId_idx');
  });
});
