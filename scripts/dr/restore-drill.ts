import { loadavg } from 'node:os';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { freePort } from '@waitlessq/config';
import { initCluster, ownedDirectory, waitFor, withClient, workDirectory, type Cluster } from './cluster';
import { drillPgbackrest } from './pgbackrest';
import { createSchema, databaseUrl, lsnBytes, restoredPrefix, seedQueue, startVisitWriter, writtenVisitIds, type OpenQueue } from './workload';

// Drill 1: backup and restore. A throw-away primary archives its WAL with pgBackRest (the
// deployed configuration) and takes a full backup; visits keep being written; then the primary
// dies and its data directory is deleted. It is restored twice from the repository: to the
// latest point the archive holds, and to a chosen time. Every visit is accounted for.

export interface RestoreDrillOptions {
  /** archive_timeout of the drill's primary, in seconds (production: 60, deploy/pgbackrest/postgresql.conf). */
  archiveTimeoutSeconds?: number;
  /** Visits written before and after the recovery target time, and after it is archived. */
  visitsPerPhase?: number;
  log?: (line: string) => void;
}

export interface RestoreDrillReport {
  visitsCommitted: number;
  archiveTimeoutSeconds: number;
  backupSeconds: number;
  /** The database cluster backed up, and the full backup in the repository (compressed). */
  databaseBytes: number;
  backupBytes: number;
  latest: {
    /** Committed visits back after the restore: the first `restored` in commit order, none missing between. */
    restored: number;
    /** Visits whose WAL the archive had before the primary died: these at least must be back. */
    archivedBeforeDestruction: number;
    lostVisits: number;
    /** From the commit of the last visit restored to the destruction: the data lost, in time. */
    rpoSeconds: number;
    /** From the destruction to the restored primary committing a write. */
    rtoSeconds: number;
  };
  pointInTime: {
    target: string;
    /** Visits committed before the target: exactly these must be back. */
    expected: number;
    restored: number;
    /** From the start of the restore to the restored primary committing a write. */
    rtoSeconds: number;
  };
  loadAverage: number[];
}

const seconds = (from: number, to: number) => Math.round(to - from) / 1000;

export async function runRestoreDrill(options: RestoreDrillOptions = {}): Promise<RestoreDrillReport> {
  const archiveTimeoutSeconds = options.archiveTimeoutSeconds ?? 1;
  const perPhase = options.visitsPerPhase ?? 100;
  const log = options.log ?? (() => undefined);
  const work = await workDirectory('wlq-dr-restore-');
  const port = await freePort();
  const layout = { dataDir: path.join(work.dir, 'pgdata'), port, socketDir: work.dir, logFile: path.join(work.dir, 'postgresql.log') };
  let primary: Cluster | undefined;
  try {
    const pgbackrest = await drillPgbackrest(work.dir, layout);
    primary = await initCluster(layout);
    primary.configure([
      ...pgbackrest.postgresSettings(),
      '# The drill: archive a segment every second it has writes',
      `archive_timeout = ${archiveTimeoutSeconds}`,
    ]);
    await primary.start();
    await createSchema(primary.url());
    const url = databaseUrl(primary.url());
    const queue = await seedQueue(url);

    log('stanza-create, check, full backup');
    await pgbackrest.run('stanza-create');
    await pgbackrest.run('check');
    const backupStarted = Date.now();
    await pgbackrest.run('backup', ['--type=full']);
    const backupEnded = Date.now();
    const backupSeconds = seconds(backupStarted, backupEnded);
    const backupSizes = await backupSize(pgbackrest.run);

    log('writing visits');
    const writer = await startVisitWriter(url, queue);
    await writer.waitForMore(perPhase);
    // pgBackRest keeps a backup's stop time in whole seconds and restores to a time only from a
    // backup that stopped before it: a target within the backup's last second finds none.
    await waitFor(() => Date.now() >= backupEnded + 1_100, 5_000, 'a target time past the backup');
    const target = await writer.mark();
    await writer.waitForMore(perPhase);
    // A point-in-time restore needs WAL past the target in the archive (a commit after it).
    const firstAfterTarget = lsnBytes(writer.committed[target.after].lsnAfterCommit!);
    await waitFor(async () => (await archivedEnd(url)) >= firstAfterTarget, 30_000, 'the WAL after the target time to be archived');
    await writer.waitForMore(perPhase);
    const stopped = await writer.stop();
    if (stopped) throw stopped;
    const committed = writer.committed;
    const archived = await archivedEnd(url);

    log('destroying the primary');
    const destroyedAt = Date.now();
    await primary.kill();
    rmSync(layout.dataDir, { recursive: true, force: true });

    log('restoring to the latest point');
    await ownedDirectory(layout.dataDir);
    await pgbackrest.run('restore');
    await primary.start();
    await acceptsWrites(url, queue);
    const latestRto = seconds(destroyedAt, Date.now());
    const latest = restoredPrefix(committed, await writtenVisitIds(url));
    const archivedBeforeDestruction = committed.filter((visit) => visit.lsnAfterCommit && lsnBytes(visit.lsnAfterCommit) <= archived).length;
    if (latest < archivedBeforeDestruction)
      throw new Error(`only ${latest} visits restored, but ${archivedBeforeDestruction} were archived before the primary died`);

    log(`restoring to ${target.time}`);
    await primary.stop();
    const pitrStarted = Date.now();
    await pgbackrest.run('restore', ['--delta', '--type=time', `--target=${target.time}`, '--target-action=promote', '--target-timeline=current']);
    await primary.start();
    await acceptsWrites(url, queue);
    const pitrRto = seconds(pitrStarted, Date.now());
    const pointInTime = restoredPrefix(committed, await writtenVisitIds(url));
    if (pointInTime !== target.after) throw new Error(`the restore to ${target.time} has ${pointInTime} visits, not the ${target.after} committed before it`);
    await primary.stop();

    return {
      visitsCommitted: committed.length,
      archiveTimeoutSeconds,
      backupSeconds,
      ...backupSizes,
      latest: {
        restored: latest,
        archivedBeforeDestruction,
        lostVisits: committed.length - latest,
        rpoSeconds: latest === committed.length ? 0 : seconds(latest === 0 ? destroyedAt : committed[latest - 1].committedAt.getTime(), destroyedAt),
        rtoSeconds: latestRto,
      },
      pointInTime: { target: target.time, expected: target.after, restored: pointInTime, rtoSeconds: pitrRto },
      loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
    };
  } catch (error) {
    if (primary) (error as Error).message += `\n--- PostgreSQL log (last 3000 characters) ---\n${primary.log().slice(-3000)}`;
    throw error;
  } finally {
    await primary?.kill().catch(() => undefined);
    if (!process.env.DR_KEEP) work.remove();
  }
}

/** The end of the last WAL segment the archiver has pushed (0 before the first). */
async function archivedEnd(url: string): Promise<bigint> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ wal: string | null; size: string }>(
      `SELECT last_archived_wal AS wal, pg_size_bytes(current_setting('wal_segment_size'))::text AS size FROM pg_stat_archiver`,
    );
    const wal = rows[0].wal;
    if (!wal || !/^[0-9A-F]{24}$/.test(wal)) return 0n;
    // TTTTTTTTXXXXXXXXYYYYYYYY: timeline, then the segment number split into "log" and "seg".
    const segmentSize = BigInt(rows[0].size);
    const perLog = 0x100000000n / segmentSize;
    const segment = BigInt(`0x${wal.slice(8, 16)}`) * perLog + BigInt(`0x${wal.slice(16, 24)}`);
    return (segment + 1n) * segmentSize;
  });
}

/** The sizes `pgbackrest info` reports for the newest backup. */
async function backupSize(run: (command: string, args?: string[]) => Promise<string>): Promise<{ databaseBytes: number; backupBytes: number }> {
  type Info = { backup?: { info?: { size?: number; repository?: { size?: number } } }[] }[];
  const newest = (JSON.parse(await run('info', ['--output=json'])) as Info)[0]?.backup?.at(-1)?.info;
  if (newest?.size === undefined || newest.repository?.size === undefined) throw new Error('pgbackrest info lists no backup');
  return { databaseBytes: newest.size, backupBytes: newest.repository.size };
}

/** Waits for the restored server to leave recovery, then commits one visit through it. */
async function acceptsWrites(url: string, queue: OpenQueue): Promise<void> {
  await waitFor(
    async () => withClient(url, async (client) => !(await client.query('SELECT pg_is_in_recovery() AS r')).rows[0].r),
    60_000,
    'the end of recovery',
  );
  await withClient(url, (client) =>
    client.query(
      `INSERT INTO "Visit" (id, "organizationId", "queueId", "businessId", "customerName", status, "joinedAt", "updatedAt") VALUES (gen_random_uuid(), $1, $2, $3, 'After the restore', 'WAITING', now(), now())`,
      [queue.organizationId, queue.queueId, queue.businessId],
    ),
  );
}
