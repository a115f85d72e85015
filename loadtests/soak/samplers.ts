/**
 * What the soak samples every few seconds, each reading attributed to the service that holds
 * it where the server can tell: PostgreSQL backends and Redis clients by their client port,
 * matched to the service processes' sockets (processes.ts localPorts).
 */
import Redis from 'ioredis';
import { Client } from 'pg';
import { adminDatabaseUrl, testRedisUrl, type RunningService } from '@waitlessq/testkit';
import { localPorts, residentBytes } from '../processes';
import { scrape } from '../scrape';

export interface SoakReadings {
  /** Resident memory and V8 heap in use (nodejs_heap_size_used_bytes) of each service, MiB. */
  rssMiB: Record<string, number>;
  heapMiB: Record<string, number>;
  /** PostgreSQL backends on the run's database, by service ("other": no service's socket). */
  pgConnections: Record<string, number>;
  /** The same by application_name, as pg_stat_activity shows it. */
  pgByApplication: Record<string, number>;
  /** Redis clients by service (the Redis is shared: only the services' own are counted). */
  redisClients: Record<string, number>;
  /** The whole Redis's used_memory: shared with other runs, shown for context, not judged. */
  redisUsedMemoryMiB: number;
  /** The event log of the run's queues: streams, entries and bytes (MEMORY USAGE). */
  eventLog: { streams: number; entries: number; kib: number };
  /** Outbox rows not yet relayed, and the oldest one's age. */
  outbox: { rows: number; oldestSeconds: number };
  /** BullMQ jobs waiting in the run's queues. */
  jobsWaiting: number;
}

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

export class Sampler {
  private readonly pg = new Client({ connectionString: adminDatabaseUrl, application_name: 'soak-sampler' });
  private readonly redis = new Redis(testRedisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  private readonly runDb: Client;

  constructor(
    private readonly services: readonly RunningService[],
    private readonly databaseName: string,
    databaseUrl: string,
    private readonly keyPrefix: string,
  ) {
    this.runDb = new Client({ connectionString: databaseUrl, application_name: 'soak-sampler' });
  }

  async connect(): Promise<void> {
    await Promise.all([this.pg.connect(), this.runDb.connect(), this.redis.connect()]);
  }

  async close(): Promise<void> {
    await Promise.all([this.pg.end(), this.runDb.end()]);
    this.redis.disconnect();
  }

  async sample(): Promise<SoakReadings> {
    const byPid = new Map(this.services.map((service) => [service.process.pid!, service.name as string]));
    const ports = localPorts([...byPid.keys()]);
    const owner = (port: number) => byPid.get(ports.get(port) ?? -1) ?? 'other';
    const count = (into: Record<string, number>, key: string) => void (into[key] = (into[key] ?? 0) + 1);

    const rssMiB: Record<string, number> = {};
    const heapMiB: Record<string, number> = {};
    await Promise.all(
      this.services.map(async (service) => {
        rssMiB[service.name] = mib(residentBytes(service.process.pid!));
        heapMiB[service.name] = mib(await scrape(service.baseUrl, 'nodejs_heap_size_used_bytes'));
      }),
    );

    const pgConnections: Record<string, number> = {};
    const pgByApplication: Record<string, number> = {};
    const backends = await this.pg.query<{ client_port: number | null; application_name: string }>(
      `SELECT client_port, application_name FROM pg_stat_activity WHERE datname = $1 AND application_name <> 'soak-sampler'`,
      [this.databaseName],
    );
    for (const row of backends.rows) {
      count(pgConnections, owner(row.client_port ?? -1));
      count(pgByApplication, row.application_name || '(none)');
    }

    const redisClients: Record<string, number> = {};
    const list = (await this.redis.call('CLIENT', 'LIST')) as string;
    for (const line of list.split('\n')) {
      const port = /\baddr=[^ ]*:(\d+) /.exec(line)?.[1];
      if (!port) continue;
      const name = owner(Number(port));
      if (name !== 'other') count(redisClients, name);
    }
    const info = (await this.redis.info('memory')).match(/used_memory:(\d+)/)?.[1];

    const eventLog = { streams: 0, entries: 0, kib: 0 };
    for (const key of await this.scan(`${this.keyPrefix}events:*queue:*:log`)) {
      const [entries, bytes] = await Promise.all([this.redis.xlen(key), this.redis.call('MEMORY', 'USAGE', key) as Promise<number | null>]);
      eventLog.streams += 1;
      eventLog.entries += entries;
      eventLog.kib += Math.round((bytes ?? 0) / 1024);
    }
    let jobsWaiting = 0;
    for (const key of await this.scan(`${this.keyPrefix}jobs:*:wait`)) jobsWaiting += await this.redis.llen(key);

    const outbox = await this.runDb.query<{ rows: string; oldest: number | null }>(
      `SELECT count(*) AS rows, EXTRACT(EPOCH FROM now() - min("createdAt"))::float AS oldest FROM "OutboxEvent"`,
    );
    return {
      rssMiB,
      heapMiB,
      pgConnections,
      pgByApplication,
      redisClients,
      redisUsedMemoryMiB: mib(Number(info ?? 0)),
      eventLog,
      outbox: { rows: Number(outbox.rows[0].rows), oldestSeconds: Math.max(0, Math.round((outbox.rows[0].oldest ?? 0) * 10) / 10) },
      jobsWaiting,
    };
  }

  private async scan(pattern: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  }
}
