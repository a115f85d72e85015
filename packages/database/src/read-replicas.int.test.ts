import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '@waitlessq/config';
import { createLogger, metricsRegistry } from '@waitlessq/observability';
import { createRedis, type RedisResources } from '@waitlessq/redis';
import { createTestDatabase, type TestDatabase } from '@waitlessq/testkit';
import { createDatabase, runInRequestScope, type Database } from './index';

// Every test here reads from the streaming replica that scripts/replica/start-replica.sh runs on
// port 5433, and the servers themselves say which one answered. One file, so that pausing and
// stopping the replica never overlaps another test of this suite.
const scripts = path.resolve(__dirname, '../../../scripts/replica');
const replicaAdminUrl = 'postgresql://postgres@127.0.0.1:5433/postgres';

let testDb: TestDatabase;
let replicaUrl: string;
let redis: RedisResources;
const opened: Database[] = [];

async function query<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function openDatabase(env: Record<string, string> = {}): Promise<Database> {
  const config = loadConfig('queue', {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: testDb.url,
    DATABASE_REPLICA_URLS: replicaUrl,
    DATABASE_REPLICA_CHECK_INTERVAL_MS: '200',
    ...env,
  });
  const db = await createDatabase(config.database, createLogger('replica-test', 'silent'), { writeMarks: redis.store });
  opened.push(db);
  return db;
}

const anonymous = <T>(fn: () => Promise<T>) => runInRequestScope({ actorKey: null }, fn);
const newOrganization = (db: Database, actorKey: string | null) =>
  runInRequestScope({ actorKey }, () => db.prisma.organization.create({ data: { name: 'Replica test', slug: `rt-${randomBytes(6).toString('hex')}` } }));
const pauseReplay = () => query(replicaAdminUrl, 'SELECT pg_wal_replay_pause()');
const resumeReplay = () => query(replicaAdminUrl, 'SELECT pg_wal_replay_resume() WHERE pg_is_wal_replay_paused()');
const script = (name: string) => execFileSync(path.join(scripts, name), { stdio: 'pipe', timeout: 60_000 });
const usableMetric = async () => (await metricsRegistry.getSingleMetricAsString('wlq_db_replica_usable')).match(/replica="127\.0\.0\.1:5433"} (\d)/)?.[1];

/** The last statement of each of our replica connections, as the replica itself reports them. */
const replicaStatements = () =>
  query<{ query: string }>(replicaUrl, `SELECT query FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'waitlessq-replica-0'`);

beforeAll(async () => {
  const standby = await query<{ r: boolean }>(replicaAdminUrl, 'SELECT pg_is_in_recovery() AS r').catch(() => []);
  if (standby[0]?.r !== true) {
    throw new Error('No streaming replica answers on 127.0.0.1:5433. Start it (as root) with scripts/replica/start-replica.sh; .ci/run does.');
  }
  await resumeReplay();
  testDb = await createTestDatabase();
  const url = new URL(testDb.url);
  url.port = '5433';
  replicaUrl = url.toString();
  // The new database reaches the replica through the WAL.
  await until('the test database exists on the replica', () => query(replicaUrl, 'SELECT 1 AS ok').then((rows) => rows.length === 1));
  redis = createRedis({ kind: 'redis', url: 'redis://127.0.0.1:6379', keyPrefix: `wlq-test-${randomBytes(4).toString('hex')}:` });
});

afterAll(async () => {
  await Promise.allSettled(opened.map((db) => db.close()));
  await resumeReplay().catch(() => undefined);
  await redis?.close();
  await testDb?.drop();
});

describe('a replica that lags (replay paused)', () => {
  // Checked once, before the pause: the checker must not notice the pause, so the replica stays in use
  // and is simply behind, as a replica under load is.
  const env = { DATABASE_REPLICA_CHECK_INTERVAL_MS: '600000', DATABASE_READ_YOUR_WRITES_MS: '1000' };
  let db: Database;
  let otherProcess: Database;

  beforeAll(async () => {
    db = await openDatabase(env);
    otherProcess = await openDatabase(env);
    expect(db.replicaStates()).toEqual([expect.objectContaining({ usable: true })]);
    await pauseReplay();
  });
  afterAll(() => resumeReplay());

  it('serves reads from the replica and writes from the primary, as the servers show', async () => {
    const org = await newOrganization(db, 'staff:writer');
    expect(await query(testDb.url, 'SELECT 1 FROM "Organization" WHERE id = $1', [org.id])).toHaveLength(1);
    expect(await anonymous(() => db.prisma.organization.findUnique({ where: { id: org.id } }))).toBeNull();

    const onReplica = await replicaStatements();
    expect(onReplica.some((row) => row.query.includes('"Organization"'))).toBe(true);
    const onPrimary = await query<{ application_name: string; query: string }>(
      testDb.url,
      `SELECT application_name, query FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'waitlessq-%'`,
    );
    expect(onPrimary.map((row) => row.application_name)).not.toContain('waitlessq-replica-0');
    expect(onPrimary.some((row) => row.application_name === 'waitlessq-primary' && /INSERT INTO/i.test(row.query))).toBe(true);

    // A read-only raw query goes where a model read would; the primary client is the primary.
    expect(await anonymous(() => db.prisma.$queryRaw`SELECT pg_is_in_recovery() AS r`)).toEqual([{ r: true }]);
    expect(await anonymous(() => db.primary.$queryRaw`SELECT pg_is_in_recovery() AS r`)).toEqual([{ r: false }]);
    expect(await anonymous(() => db.replica().$queryRaw`SELECT pg_is_in_recovery() AS r`)).toEqual([{ r: true }]);
  });

  it('labels each measured operation and statement with the server that answered it', async () => {
    const counted = async (name: string, labels: Record<string, string>) => {
      const values = (await metricsRegistry.getSingleMetric(name)!.get()).values;
      const found = values.find(
        (v) =>
          (name !== 'wlq_db_query_duration_seconds' || (v as { metricName?: string }).metricName?.endsWith('_count')) &&
          Object.entries(labels).every(([k, x]) => v.labels[k] === x),
      );
      return found?.value ?? 0;
    };
    const replicaRead = { model: 'Organization', action: 'findMany', target: 'replica' };
    const [reads, replicaStatements, primaryStatements] = await Promise.all([
      counted('wlq_db_query_duration_seconds', replicaRead),
      counted('wlq_db_statements_total', { target: 'replica' }),
      counted('wlq_db_statements_total', { target: 'primary' }),
    ]);
    await anonymous(() => db.prisma.organization.findMany({ where: { slug: 'nobody' } }));
    expect(await counted('wlq_db_query_duration_seconds', replicaRead)).toBe(reads + 1);
    expect(await counted('wlq_db_statements_total', { target: 'replica' })).toBe(replicaStatements + 1);
    expect(await counted('wlq_db_statements_total', { target: 'primary' })).toBe(primaryStatements);
  });

  it('reads its own write in the request that wrote, while others read the replica', async () => {
    const seen = await runInRequestScope({ actorKey: 'customer:walk-in' }, async () => {
      const org = await db.prisma.organization.create({ data: { name: 'Mine', slug: `rt-${randomBytes(6).toString('hex')}` } });
      return db.prisma.organization.findUnique({ where: { id: org.id } });
    });
    expect(seen).not.toBeNull();
    const id = seen!.id;
    expect(await runInRequestScope({ actorKey: 'customer:someone-else' }, () => db.prisma.organization.findUnique({ where: { id } }))).toBeNull();
    expect(await anonymous(() => db.prisma.organization.count({ where: { id } }))).toBe(0);
    // Outside any request nobody knows what was written: the primary answers.
    expect(await db.prisma.organization.findUnique({ where: { id } })).not.toBeNull();
  });

  it('sends a read-only raw statement where a model read would go, and raw statements that write to the primary', async () => {
    const org = await newOrganization(db, 'staff:raw-reader');
    const rawRead = (actorKey: string, primary = false) =>
      runInRequestScope({ actorKey, primary }, () => db.prisma.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Organization" WHERE "id" = ${org.id}::uuid`);
    expect(await rawRead('staff:someone-else')).toEqual([]); // the lagging replica
    expect(await rawRead('staff:raw-reader')).toEqual([{ id: org.id }]); // read-your-writes
    expect(await rawRead('staff:someone-else', true)).toEqual([{ id: org.id }]); // a mutation
    const unsafe = await runInRequestScope({ actorKey: null }, () => db.prisma.$queryRawUnsafe<{ r: boolean }[]>('SELECT pg_is_in_recovery() AS r'));
    expect(unsafe).toEqual([{ r: true }]);
    const locked = await runInRequestScope(
      { actorKey: null },
      () => db.prisma.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Organization" WHERE "id" = ${org.id}::uuid FOR UPDATE`,
    );
    expect(locked).toEqual([{ id: org.id }]); // FOR UPDATE: the primary
  });

  it('reads from the primary from the first statement of a mutation, even what another actor just wrote', async () => {
    const invitation = await newOrganization(db, 'staff:inviter');
    const read = (primary: boolean) =>
      runInRequestScope({ actorKey: 'staff:invitee', primary }, () => db.prisma.organization.findUnique({ where: { id: invitation.id } }));
    expect(await read(false)).toBeNull(); // a query may read the lagging replica
    expect(await read(true)).toMatchObject({ id: invitation.id });
  });

  it("sends the actor's next requests, in any process, to the primary for the window only", async () => {
    const org = await newOrganization(db, 'staff:window');
    const read = (from: Database) => runInRequestScope({ actorKey: 'staff:window' }, () => from.prisma.organization.findUnique({ where: { id: org.id } }));
    expect(await read(db)).not.toBeNull();
    expect(await read(otherProcess)).not.toBeNull();
    // A window of 1 s is kept for 2 to 3 s (whole seconds in Redis, plus one); then the lagging replica answers.
    await until('the window is over', async () => (await read(otherProcess)) === null, 5_000);
  });

  it('treats a transaction, and raw SQL that writes, as writes', async () => {
    const org = await newOrganization(db, null);
    const viaTransaction = await runInRequestScope({ actorKey: 'staff:tx' }, async () => {
      await db.prisma.$transaction(async (tx) => tx.organization.count());
      return db.prisma.organization.findUnique({ where: { id: org.id } });
    });
    expect(viaTransaction).not.toBeNull();

    const renamed = await runInRequestScope({ actorKey: 'staff:raw' }, async () => {
      await db.prisma.$executeRaw`UPDATE "Organization" SET name = 'Renamed' WHERE id = ${org.id}::uuid`;
      return db.prisma.organization.findUnique({ where: { id: org.id } });
    });
    expect(renamed?.name).toBe('Renamed');
    expect(await runInRequestScope({ actorKey: 'staff:raw' }, () => db.prisma.organization.findUnique({ where: { id: org.id } }))).toMatchObject({
      name: 'Renamed',
    });
    expect(await anonymous(() => db.prisma.organization.findUnique({ where: { id: org.id } }))).toBeNull();
  });
});

describe('replica health', () => {
  it('skips a replica whose replay is paused, and uses it again once it resumes', async () => {
    const db = await openDatabase();
    expect(db.replicaStates()[0]).toMatchObject({ usable: true, lagBytes: expect.any(Number) });
    expect(await usableMetric()).toBe('1');
    try {
      await pauseReplay();
      await until('the checker skips the paused replica', async () => db.replicaStates()[0].reason === 'replay paused');
      expect(await usableMetric()).toBe('0');
      const org = await newOrganization(db, null);
      expect(await anonymous(() => db.prisma.organization.findUnique({ where: { id: org.id } }))).not.toBeNull();
    } finally {
      await resumeReplay();
    }
    await until('the replica is used again', async () => db.replicaStates()[0].usable);
    expect(await usableMetric()).toBe('1');
    expect(await metricsRegistry.getSingleMetricAsString('wlq_db_replica_lag_bytes')).toMatch(/wlq_db_replica_lag_bytes\{replica="127\.0\.0\.1:5433"} \d+/);
  });

  it('keeps reading from the primary while the replica is stopped, and moves back when it returns', async () => {
    const db = await openDatabase();
    const org = await newOrganization(db, null);
    const read = () => anonymous(() => db.prisma.organization.findUnique({ where: { id: org.id } }));
    await until('the replica has the row', read);
    try {
      script('stop-replica.sh');
      // At once, before the checker has noticed: the failed replica read is retried on the primary.
      for (let i = 0; i < 5; i += 1) expect(await read()).toMatchObject({ id: org.id });
      await until('the replica is skipped', async () => db.replicaStates()[0].reason?.startsWith('down'));
      expect(await read()).toMatchObject({ id: org.id });
      expect(await usableMetric()).toBe('0');
    } finally {
      script('start-replica.sh');
    }
    await until('the replica is used again', async () => db.replicaStates()[0].usable);
    expect(await read()).toMatchObject({ id: org.id });
    // The restarted replica has only new connections: ours ran that read.
    expect((await replicaStatements()).some((row) => row.query.includes('"Organization"'))).toBe(true);
  });
});
