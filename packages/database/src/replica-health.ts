import pg from 'pg';
import { Gauge } from 'prom-client';
import { metricsRegistry, type Logger } from '@waitlessq/observability';

/** What one check learned from a replica. */
export interface ReplicaProbe {
  inRecovery: boolean;
  paused: boolean;
  /** `pg_last_wal_replay_lsn()`, e.g. `0/3000148`; null when the server is not a standby. */
  replayLsn: string | null;
}

export interface ReplicaState {
  name: string;
  usable: boolean;
  /** Bytes of the primary's WAL not yet replayed; null when unknown. */
  lagBytes: number | null;
  /** Why it is skipped (`down: ...`, `replay paused`, `lagging`, ...); null when usable. */
  reason: string | null;
}

export interface ReplicaHealthOptions {
  primaryUrl: string;
  replicas: { name: string; url: string }[];
  intervalMs: number;
  maxLagBytes: number;
  logger: Logger;
}

export interface ReplicaHealth {
  /** Indexes (into `replicas`) of the replicas reads may use now. */
  usable(): number[];
  states(): ReplicaState[];
  /** A read on the replica failed for want of the server: skip it until a check says otherwise. */
  markDown(index: number, error: Error): void;
  /** Checks every replica now (the checker also does, every interval). */
  check(): Promise<void>;
  stop(): Promise<void>;
}

/** `X/Y` (two hex halves of a 64-bit WAL position) as a number of bytes. */
export function parseLsn(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

/**
 * Replay timestamps are useless for lag on an idle primary (nothing to replay, the "lag" grows
 * with the clock), so lag is the distance between the primary's WAL position and the replica's
 * replay position, in bytes.
 */
export function assessReplica(name: string, probe: ReplicaProbe | Error, primaryLsn: string | null, maxLagBytes: number): ReplicaState {
  if (probe instanceof Error) return { name, usable: false, lagBytes: null, reason: `down: ${probe.message}` };
  if (!probe.inRecovery || probe.replayLsn === null) return { name, usable: false, lagBytes: null, reason: 'not a standby (promoted?)' };
  const lag = primaryLsn === null ? null : parseLsn(primaryLsn) - parseLsn(probe.replayLsn);
  const lagBytes = lag === null ? null : Number(lag > 0n ? lag : 0n);
  if (probe.paused) return { name, usable: false, lagBytes, reason: 'replay paused' };
  if (lagBytes !== null && lagBytes > maxLagBytes) return { name, usable: false, lagBytes, reason: `lagging ${lagBytes} bytes` };
  return { name, usable: true, lagBytes, reason: null };
}

let gauges: { lag: Gauge<'replica'>; usable: Gauge<'replica'> } | undefined;
function replicaGauges() {
  gauges ??= {
    lag: new Gauge({
      name: 'wlq_db_replica_lag_bytes',
      help: "Bytes of the primary's WAL the replica has not replayed yet",
      labelNames: ['replica'],
      registers: [metricsRegistry],
    }),
    usable: new Gauge({
      name: 'wlq_db_replica_usable',
      help: '1 when reads may use the replica (up, replaying, within the lag limit), else 0',
      labelNames: ['replica'],
      registers: [metricsRegistry],
    }),
  };
  return gauges;
}

/**
 * Checks every replica each interval on a dedicated connection per server (not the query
 * pools, so a saturated pool never looks like a dead replica), one check at a time.
 */
export function createReplicaHealth(options: ReplicaHealthOptions): ReplicaHealth {
  const { logger, maxLagBytes } = options;
  const timeoutMs = Math.max(1000, options.intervalMs);
  const pool = (url: string) => {
    const p = new pg.Pool({
      connectionString: url,
      max: 1,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      statement_timeout: timeoutMs,
      application_name: 'waitlessq-replica-health',
    });
    // An idle connection dies with its server; the next check reports it.
    p.on('error', () => undefined);
    return p;
  };
  const primary = pool(options.primaryUrl);
  const replicas = options.replicas.map((replica) => ({ ...replica, pool: pool(replica.url) }));
  const metrics = replicaGauges();
  // Until the first check answers, no replica is trusted.
  let states: ReplicaState[] = replicas.map(({ name }) => ({ name, usable: false, lagBytes: null, reason: 'not checked yet' }));
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> | undefined;

  const publish = (next: ReplicaState[]) => {
    next.forEach((state, i) => {
      const before = states[i];
      if (before.usable !== state.usable) {
        if (state.usable) logger.info({ replica: state.name, lagBytes: state.lagBytes }, 'replica usable');
        else logger.warn({ replica: state.name, reason: state.reason }, 'replica skipped');
      }
      metrics.usable.set({ replica: state.name }, state.usable ? 1 : 0);
      if (state.lagBytes !== null) metrics.lag.set({ replica: state.name }, state.lagBytes);
    });
    states = next;
  };

  const probe = async (p: pg.Pool): Promise<ReplicaProbe | Error> => {
    try {
      const { rows } = await p.query<{ recovery: boolean; paused: boolean; replay: string | null }>(
        'SELECT pg_is_in_recovery() AS recovery, pg_last_wal_replay_lsn()::text AS replay, ' +
          'CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END AS paused',
      );
      return { inRecovery: rows[0].recovery, paused: rows[0].paused, replayLsn: rows[0].replay };
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  };

  const runCheck = async () => {
    // The primary first: a replica read after it can only be closer, never reported ahead.
    const primaryLsn = await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn').then(
      ({ rows }) => rows[0].lsn,
      () => null,
    );
    const probes = await Promise.all(replicas.map((replica) => probe(replica.pool)));
    if (!stopped) publish(probes.map((p, i) => assessReplica(replicas[i].name, p, primaryLsn, maxLagBytes)));
  };

  const check = () => {
    running ??= runCheck().finally(() => (running = undefined));
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void check().finally(schedule), options.intervalMs);
    // The checker never keeps a process alive by itself.
    timer.unref();
  };
  schedule();

  return {
    usable: () => states.flatMap((state, i) => (state.usable ? [i] : [])),
    states: () => states.map((state) => ({ ...state })),
    markDown: (index, error) => {
      if (!states[index]?.usable) return;
      publish(states.map((state, i) => (i === index ? { ...state, usable: false, reason: `down: ${error.message}` } : state)));
    },
    check,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
      for (const { name } of replicas) {
        metrics.usable.remove({ replica: name });
        metrics.lag.remove({ replica: name });
      }
      await Promise.all([primary.end(), ...replicas.map((replica) => replica.pool.end())]);
    },
  };
}
