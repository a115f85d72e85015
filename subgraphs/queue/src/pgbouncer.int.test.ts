import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { anonymous, freePort, ok, type SeededTenant } from '@waitlessq/testkit';
import { startQueueHarness, type QueueHarness } from './test-support/harness';
import { callNextOp, createQueueOp, joinOp, queueOp } from './test-support/operations';

// The queue subgraph's hardest path (interactive transactions that lock the queue row, raw
// upserts, reads) through a PgBouncer in transaction mode, as production may run it: more
// client connections than server connections, statements multiplexed between transactions.
// PgBouncer comes from the distribution (apt-get install pgbouncer); without it this suite is
// skipped and says so.

const binary = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((candidate) => spawnSync(candidate, ['--version']).status === 0);
const describeWithBouncer = binary ? describe : describe.skip;
if (!binary) console.warn('pgbouncer.int.test.ts skipped: no pgbouncer binary (apt-get install pgbouncer)');

const serverConnections = 2;
let bouncer: ChildProcess;
let port: number;
let dir: string;
let harness: QueueHarness;
let tenant: SeededTenant;
let databaseName: string;

async function admin<T = Record<string, unknown>>(command: string): Promise<T[]> {
  // The admin console speaks the simple query protocol only.
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'pgbouncer' });
  await client.connect();
  try {
    const result: { rows: T[] } = await client.query({ text: command, queryMode: 'simple' } as never);
    return result.rows;
  } finally {
    await client.end();
  }
}

async function startBouncer(): Promise<void> {
  port = await freePort();
  dir = mkdtempSync(path.join(tmpdir(), 'wlq-pgbouncer-'));
  chmodSync(dir, 0o755);
  writeFileSync(path.join(dir, 'userlist.txt'), '"postgres" ""\n');
  writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      '* = host=127.0.0.1 port=5432',
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${path.join(dir, 'userlist.txt')}`,
      'admin_users = postgres',
      'pool_mode = transaction',
      `default_pool_size = ${serverConnections}`,
      'max_client_conn = 200',
      // node-postgres sends statement_timeout as a startup parameter, which PgBouncer refuses
      // unless told to ignore it; the timeout then comes from the server (ALTER ROLE/DATABASE).
      'ignore_startup_parameters = statement_timeout',
      '',
    ].join('\n'),
  );
  // PgBouncer refuses to run as root; -u drops to the postgres user.
  const asRoot = process.getuid?.() === 0 ? ['-u', 'postgres'] : [];
  bouncer = spawn(binary!, [...asRoot, path.join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  bouncer.stderr?.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await admin('SHOW VERSION');
      return;
    } catch (error) {
      if (Date.now() > deadline || bouncer.exitCode !== null) throw new Error(`pgbouncer did not start: ${String(error)}\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describeWithBouncer('the queue subgraph through PgBouncer in transaction mode', () => {
  beforeAll(async () => {
    await startBouncer();
    harness = await startQueueHarness((db) => {
      databaseName = db.name;
      return {
        DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/${db.name}`,
        // Ten client connections share two server connections.
        DATABASE_POOL_SIZE: '10',
        DATABASE_STATEMENT_TIMEOUT_MS: '1234',
      };
    });
    tenant = await harness.createTenant();
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    bouncer?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('joins 40 walk-ins at once (locking transactions, raw upserts), calls, and reads the line, over two server connections', async () => {
    const queueId = ok(
      await harness.call<{ createQueue: { id: string } }>(tenant.staff('MANAGER'), createQueueOp, {
        input: { businessId: tenant.businessId, name: 'Bounced' },
      }),
    ).createQueue.id;
    const joins = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        harness.call<{ joinQueue: { visit: { ticketNumber: number } } }>(anonymous, joinOp, { input: { queueId, name: `Walk-in ${i}` } }),
      ),
    );
    const numbers = joins.map((response) => ok(response).joinQueue.visit.ticketNumber).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));

    expect(ok(await harness.call<{ callNext: { ticketNumber: number } }>(tenant.staff('STAFF'), callNextOp, { queueId })).callNext.ticketNumber).toBe(1);
    const line = ok(
      await harness.call<{ queue: { waitingCount: number; waiting: { position: number }[] } }>(tenant.staff('VIEWER'), queueOp, { id: queueId }),
    ).queue;
    expect(line.waitingCount).toBe(39);
    expect(line.waiting.map((visit) => visit.position)).toEqual(Array.from({ length: 39 }, (_, i) => i + 1));

    const pools = await admin<{ database: string; sv_active: string; sv_idle: string; sv_used: string }>('SHOW POOLS');
    const ours = pools.find((pool) => pool.database === databaseName)!;
    expect(Number(ours.sv_active) + Number(ours.sv_idle) + Number(ours.sv_used)).toBeLessThanOrEqual(serverConnections);
    const stats = await admin<{ database: string; total_xact_count: string }>('SHOW STATS');
    expect(Number(stats.find((row) => row.database === databaseName)!.total_xact_count)).toBeGreaterThan(40);
  });

  it('drops the statement_timeout startup parameter: the server-side setting applies instead', async () => {
    const timeout = async () => (await harness.prisma.$queryRaw<{ statement_timeout: string }[]>`SHOW statement_timeout`)[0].statement_timeout;
    expect(await timeout()).toBe('0');
    const direct = new Client({ connectionString: `postgresql://postgres@127.0.0.1:5432/${databaseName}` });
    await direct.connect();
    try {
      await direct.query(`ALTER DATABASE "${databaseName}" SET statement_timeout = '2500ms'`);
    } finally {
      await direct.end();
    }
    // New server connections read it; drop the old ones.
    await admin(`RECONNECT ${databaseName}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await timeout()).toBe('2500ms');
  });
});
