import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { createIdentitySigner, identityHeader } from '@waitlessq/auth';
import { freePort } from '@waitlessq/config';
import { basebackup, initCluster, promote, waitFor, withClient, workDirectory, type Cluster } from './cluster';
import { createSchema, databaseUrl, restoredPrefix, seedQueue, startVisitWriter, writtenVisitIds } from './workload';

// Drill 2: failover. A throw-away primary streams to a replica made with pg_basebackup (as
// scripts/replica/start-replica.sh makes the test replica); visits are being written when the
// primary is killed; the replica is promoted; the queue subgraph, started on the promoted server,
// takes a join; the visits acknowledged before the kill are counted on it.

export interface FailoverDrillOptions {
  /**
   * Synchronous replication (synchronous_standby_names names the replica, synchronous_commit on):
   * a commit is acknowledged once the replica has flushed its WAL, so a failover loses nothing
   * acknowledged, and writes stop while the replica is down. Asynchronous (false, PostgreSQL's
   * default and our test replica's): the primary acknowledges before the replica has the WAL,
   * so what it had not received yet is lost.
   */
  synchronous?: boolean;
  visits?: number;
  log?: (line: string) => void;
}

export interface FailoverDrillReport {
  replication: 'synchronous' | 'asynchronous';
  visitsCommitted: number;
  /** Acknowledged visits on the promoted replica (the first ones in commit order). */
  visitsOnPromoted: number;
  lostVisits: number;
  /** From the kill to the promoted replica committing a write. */
  promotedRtoSeconds: number;
  /** From the kill to the join answered by a queue subgraph started on the promoted replica. */
  serviceRtoSeconds: number;
  joinedVisitId: string;
  loadAverage: number[];
}

const root = path.resolve(__dirname, '../..');
const queueEntry = path.join(root, 'subgraphs/queue/dist/main.js');
const replicaName = 'drill_replica';
const seconds = (from: number, to: number) => Math.round(to - from) / 1000;

export async function runFailoverDrill(options: FailoverDrillOptions = {}): Promise<FailoverDrillReport> {
  const synchronous = options.synchronous ?? true;
  const log = options.log ?? (() => undefined);
  if (!existsSync(queueEntry)) throw new Error(`${path.relative(root, queueEntry)} is missing: npm run build first`);
  const work = await workDirectory('wlq-dr-failover-');
  const layout = async (name: string) => ({
    dataDir: path.join(work.dir, name),
    port: await freePort(),
    socketDir: work.dir,
    logFile: path.join(work.dir, `${name}.log`),
  });
  let primary: Cluster | undefined;
  let replica: Cluster | undefined;
  let queueService: ChildProcess | undefined;
  try {
    primary = await initCluster(await layout('primary'));
    await primary.start();
    await createSchema(primary.url());
    const queue = await seedQueue(databaseUrl(primary.url()));

    log('pg_basebackup, starting the replica');
    replica = await basebackup(primary, await layout('replica'), replicaName);
    await replica.start();
    const streams = (state: 'sync' | 'async') => async () =>
      withClient(primary!.url(), async (client) => {
        const { rows } = await client.query(`SELECT 1 FROM pg_stat_replication WHERE application_name = $1 AND state = 'streaming' AND sync_state = $2`, [
          replicaName,
          state,
        ]);
        return rows.length === 1;
      });
    await waitFor(streams('async'), 30_000, 'the replica to stream');
    if (synchronous) {
      // Only now: with a synchronous standby named and not connected, every commit waits for it.
      await withClient(primary.url(), async (client) => {
        await client.query(`ALTER SYSTEM SET synchronous_standby_names = '${replicaName}'`);
        await client.query('ALTER SYSTEM SET synchronous_commit = on');
        await client.query('SELECT pg_reload_conf()');
      });
      await waitFor(streams('sync'), 30_000, 'the replica to be the synchronous standby');
    }

    log('writing visits, killing the primary');
    const writer = await startVisitWriter(databaseUrl(primary.url()), queue);
    await writer.waitForMore(options.visits ?? 200);
    const killedAt = Date.now();
    await primary.kill();
    await writer.stop();
    const committed = writer.committed;

    log('promoting the replica');
    await promote(replica);
    const url = databaseUrl(replica.url());
    await waitFor(async () => withClient(url, async (client) => !(await client.query('SELECT pg_is_in_recovery() AS r')).rows[0].r), 30_000, 'the promotion');
    await withClient(url, (client) =>
      client.query(
        `INSERT INTO "Visit" (id, "organizationId", "queueId", "businessId", "customerName", status, "joinedAt", "updatedAt") VALUES (gen_random_uuid(), $1, $2, $3, 'After the failover', 'WAITING', now(), now())`,
        [queue.organizationId, queue.queueId, queue.businessId],
      ),
    );
    const promotedRtoSeconds = seconds(killedAt, Date.now());
    const onPromoted = restoredPrefix(committed, await writtenVisitIds(url), writer.inFlight());
    if (synchronous && onPromoted < committed.length) throw new Error(`synchronous replication lost ${committed.length - onPromoted} acknowledged visits`);

    log('starting the queue subgraph on the promoted replica, joining');
    const secrets = { JWT_SECRET: secret(), IDENTITY_SIGNING_SECRET: secret(), VISIT_TOKEN_SECRET: secret() };
    const port = await freePort();
    // Redis in memory (no REDIS_URL) and no read replicas: the drill is about the primary database.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: url,
      ...secrets,
    };
    delete env.REDIS_URL;
    delete env.DATABASE_REPLICA_URLS;
    queueService = spawn(process.execPath, [queueEntry], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    queueService.stdout?.on('data', (chunk) => (output += chunk));
    queueService.stderr?.on('data', (chunk) => (output += chunk));
    const service = queueService;
    await waitFor(
      async () => {
        if (service.exitCode !== null) throw new Error('exited');
        return (await fetch(`http://127.0.0.1:${port}/ready`)).ok;
      },
      60_000,
      'the queue subgraph to be ready',
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    });
    const joinedVisitId = await join(`http://127.0.0.1:${port}/graphql`, secrets.IDENTITY_SIGNING_SECRET, queue.queueId);
    const serviceRtoSeconds = seconds(killedAt, Date.now());
    const stored = await withClient(url, (client) => client.query(`SELECT 1 FROM "Visit" WHERE id = $1`, [joinedVisitId]));
    if (stored.rowCount !== 1) throw new Error(`the joined visit ${joinedVisitId} is not on the promoted replica`);

    return {
      replication: synchronous ? 'synchronous' : 'asynchronous',
      visitsCommitted: committed.length,
      visitsOnPromoted: onPromoted,
      lostVisits: committed.length - onPromoted,
      promotedRtoSeconds,
      serviceRtoSeconds,
      joinedVisitId,
      loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
    };
  } catch (error) {
    for (const [name, server] of [
      ['primary', primary],
      ['replica', replica],
    ] as const) {
      if (server) (error as Error).message += `\n--- ${name} PostgreSQL log (last 2000 characters) ---\n${server.log().slice(-2000)}`;
    }
    throw error;
  } finally {
    await stopProcess(queueService);
    await Promise.all([primary?.kill().catch(() => undefined), replica?.kill().catch(() => undefined)]);
    if (!process.env.DR_KEEP) work.remove();
  }
}

const secret = () => randomBytes(32).toString('base64url');

/** joinQueue as a visitor who scanned the door's QR code (anonymous), signed as the gateway signs it. */
async function join(url: string, identitySecret: string, queueId: string): Promise<string> {
  const header = await createIdentitySigner(identitySecret).sign({ kind: 'anonymous' });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [identityHeader]: header },
    body: JSON.stringify({
      query: 'mutation($input: JoinQueueInput!) { joinQueue(input: $input) { visit { id status ticketNumber } } }',
      variables: { input: { queueId, name: 'Joined after the failover' } },
    }),
  });
  const body = (await response.json()) as { data?: { joinQueue?: { visit: { id: string; status: string } } }; errors?: unknown[] };
  const visit = body.data?.joinQueue?.visit;
  if (!response.ok || body.errors?.length || !visit || visit.status !== 'WAITING')
    throw new Error(`joinQueue failed: ${response.status} ${JSON.stringify(body)}`);
  return visit.id;
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
