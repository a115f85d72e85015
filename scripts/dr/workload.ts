import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { withClient } from './cluster';

// The drills' data: the project's schema (the Prisma migrations, in order) and visits written
// into it one transaction at a time, each recorded once its COMMIT is acknowledged.

const migrationsDir = path.resolve(__dirname, '../../prisma/migrations');
export const drillDatabase = 'waitlessq';
const walkInPrefix = 'Drill walk-in ';

/** Creates the database and applies every migration, as the test kit's template does. */
export async function createSchema(serverUrl: string): Promise<void> {
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${drillDatabase}`));
  const migrations = readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  await withClient(databaseUrl(serverUrl), async (client) => {
    for (const name of migrations) await client.query(readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8'));
  });
}

export function databaseUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${drillDatabase}`;
  return url.toString();
}

export interface OpenQueue {
  organizationId: string;
  businessId: string;
  queueId: string;
}

/** An organization with one business and one open queue, written straight into the tables. */
export async function seedQueue(url: string): Promise<OpenQueue> {
  const ids = { organizationId: randomUUID(), businessId: randomUUID(), queueId: randomUUID() };
  const suffix = ids.organizationId.slice(0, 8);
  await withClient(url, async (client) => {
    await client.query('BEGIN');
    await client.query(`INSERT INTO "Organization" (id, name, slug, "updatedAt") VALUES ($1, $2, $3, now())`, [
      ids.organizationId,
      `Drill ${suffix}`,
      `drill-${suffix}`,
    ]);
    await client.query(`INSERT INTO "Business" (id, "organizationId", name, slug, timezone, "updatedAt") VALUES ($1, $2, $3, $4, 'Europe/Berlin', now())`, [
      ids.businessId,
      ids.organizationId,
      `Drill clinic ${suffix}`,
      `drill-clinic-${suffix}`,
    ]);
    await client.query(`INSERT INTO "Queue" (id, "organizationId", "businessId", name, "updatedAt") VALUES ($1, $2, $3, 'Walk-ins', now())`, [
      ids.queueId,
      ids.organizationId,
      ids.businessId,
    ]);
    await client.query('COMMIT');
  });
  return ids;
}

export interface CommittedVisit {
  id: string;
  /** When the COMMIT was acknowledged (this machine's clock, as the server's). */
  committedAt: Date;
  /** The server's WAL insert position after the commit (asked next): the visit is in any copy of the WAL up to here. */
  lsnAfterCommit?: string;
}

/**
 * Writes walk-in visits, each in its own transaction (autocommit), until `stop()`; `committed`
 * holds the acknowledged ones in commit order. `mark()` returns the server's clock between two
 * visits: a recovery target time that every visit before it precedes and every visit after it follows.
 */
export interface VisitWriter {
  committed: CommittedVisit[];
  /** The visit whose INSERT was sent but not acknowledged when the writer stopped on an error: committed or not, nobody knows. */
  inFlight(): string | undefined;
  mark(): Promise<{ time: string; after: number }>;
  /** Waits until `count` more visits are committed (for at most a minute by default). */
  waitForMore(count: number, timeoutMs?: number): Promise<void>;
  /** Stops after the visit in flight; the error that stopped it early, if any. */
  stop(): Promise<Error | undefined>;
}

export async function startVisitWriter(url: string, queue: OpenQueue): Promise<VisitWriter> {
  const client = new Client({ connectionString: url });
  // A killed server ends the connection with an error event; the loop sees it as a failed query.
  client.on('error', () => undefined);
  await client.connect();
  const committed: CommittedVisit[] = [];
  let inFlight: string | undefined;
  let stopping = false;
  let ended = false;
  let marker: { resolve(value: { time: string; after: number }): void; reject(error: unknown): void } | undefined;
  const loop = (async (): Promise<Error | undefined> => {
    try {
      while (!stopping) {
        if (marker) {
          const pending = marker;
          marker = undefined;
          try {
            const { rows } = await client.query<{ time: string }>(
              `SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' AS time`,
            );
            pending.resolve({ time: rows[0].time, after: committed.length });
          } catch (error) {
            pending.reject(error);
            throw error;
          }
        }
        const id = randomUUID();
        inFlight = id;
        await client.query(
          `INSERT INTO "Visit" (id, "organizationId", "queueId", "businessId", "customerName", status, "joinedAt", "updatedAt") VALUES ($1, $2, $3, $4, $5, 'WAITING', now(), now())`,
          [id, queue.organizationId, queue.queueId, queue.businessId, `${walkInPrefix}${committed.length + 1}`],
        );
        inFlight = undefined;
        const visit: CommittedVisit = { id, committedAt: new Date() };
        committed.push(visit);
        const { rows } = await client.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn');
        visit.lsnAfterCommit = rows[0].lsn;
      }
      return undefined;
    } catch (error) {
      return error as Error;
    } finally {
      ended = true;
      await client.end().catch(() => undefined);
    }
  })();
  return {
    committed,
    inFlight: () => inFlight,
    mark: () => (ended ? Promise.reject(new Error('the visit writer stopped')) : new Promise((resolve, reject) => (marker = { resolve, reject }))),
    waitForMore: async (count, timeoutMs = 60_000) => {
      const target = committed.length + count;
      const deadline = Date.now() + timeoutMs;
      while (committed.length < target) {
        if (ended) throw new Error(`the visit writer stopped: ${String(await loop)}`);
        if (Date.now() > deadline) throw new Error(`${committed.length} visits committed after ${timeoutMs / 1000} s, not ${target}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    stop: async () => {
      stopping = true;
      return loop;
    },
  };
}

/** The ids of the visits the writer wrote that the database at `url` has. */
export async function writtenVisitIds(url: string): Promise<Set<string>> {
  const { rows } = await withClient(url, (client) => client.query<{ id: string }>(`SELECT id FROM "Visit" WHERE "customerName" LIKE $1`, [`${walkInPrefix}%`]));
  return new Set(rows.map((row) => row.id));
}

/**
 * How many of the committed visits the database has, checking that they are the first ones in
 * commit order (WAL is replayed in order: a gap would be a lost transaction) and that it has no
 * visit of the writer's never acknowledged, but the one in flight when the writer was cut off.
 */
export function restoredPrefix(committed: CommittedVisit[], restored: Set<string>, inFlight?: string): number {
  let count = 0;
  while (count < committed.length && restored.has(committed[count].id)) count += 1;
  const later = committed.slice(count).filter((visit) => restored.has(visit.id));
  if (later.length) throw new Error(`visit ${count + 1} is missing but ${later.length} committed after it are there`);
  const known = new Set(committed.map((visit) => visit.id));
  const unknown = [...restored].filter((id) => !known.has(id) && id !== inFlight);
  if (unknown.length) throw new Error(`${unknown.length} visits that were never written`);
  return count;
}

/** LSN text ("16/B374D848") as a number of bytes. */
export function lsnBytes(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}
