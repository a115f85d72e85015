import { readReplicas } from '@prisma/extension-read-replicas';
import type { Logger } from '@waitlessq/observability';
import { Prisma, type PrismaClient } from './generated/prisma/client';
import { driverCause, isDatabaseBusy } from './prisma-errors';
import { noteQueryTarget } from './query-metrics';
import { currentRequestScope, type RequestScope } from './request-scope';
import type { WriteTracker } from './write-tracker';

/** The model operations that only read (the same list @prisma/extension-read-replicas routes). */
const readOperations = new Set([
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'findUnique',
  'findUniqueOrThrow',
  'groupBy',
  'aggregate',
  'count',
  'findRaw',
  'aggregateRaw',
]);

const readOnlyStatement = /^\s*(select|with|values|show|explain|table)\b/i;
const changesData = /\b(insert|update|delete|merge|truncate|nextval|setval|pg_advisory\w*|for\s+(no\s+key\s+)?update|for\s+(key\s+)?share)\b/i;

/**
 * Whether a raw query may change data (or take a lock). Raw queries always run on the primary;
 * this only decides whether they mark the request as a writer. When unsure it says yes, which
 * costs nothing but a few primary reads.
 */
export function rawQueryWrites(operation: string, args: unknown): boolean {
  let sql: string | undefined;
  if (operation === '$queryRawUnsafe' && Array.isArray(args)) sql = String(args[0]);
  if (operation === '$queryRaw' && args && typeof args === 'object' && 'strings' in args) sql = (args as { strings: string[] }).strings.join(' ');
  return sql === undefined || !readOnlyStatement.test(sql) || changesData.test(sql);
}

/** Driver errors (see @prisma/driver-adapter-utils) that mean the server is not there for us. */
const unreachable = new Set([
  'DatabaseNotReachable',
  'DatabaseDoesNotExist',
  'ConnectionClosed',
  'SocketTimeout',
  'TlsConnectionError',
  'AuthenticationFailed',
  'DatabaseAccessDenied',
]);

/**
 * Whether a failed replica read should be retried on the primary: the replica could not answer
 * (unreachable, shutting down, connection lost, pool exhausted, query cancelled by a recovery
 * conflict), as opposed to a query that would fail the same way anywhere (validation, not
 * found, constraint, statement timeout).
 */
export function replicaCouldNotAnswer(error: unknown): { retry: boolean; replicaDown: boolean } {
  if (error instanceof Prisma.PrismaClientValidationError) return { retry: false, replicaDown: false };
  // There, but with no connection for this query (its pool's wait ran out, or too many clients).
  if (isDatabaseBusy(error)) return { retry: true, replicaDown: false };
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    const { kind = '', originalCode: sqlState = '' } = driverCause(error) ?? {};
    // SQLSTATE classes 08 (connection exception) and 57P (shutdown, crash, starting up).
    if (error.code.startsWith('P1') || unreachable.has(kind) || /^(08|57P)/.test(sqlState)) return { retry: true, replicaDown: true };
    // A write conflict or deadlock: this query, not the replica.
    if (error.code === 'P2034' || kind === 'TransactionWriteConflict') return { retry: true, replicaDown: false };
    return { retry: false, replicaDown: false };
  }
  // Not a query error at all (a dropped socket surfaces as a plain Error).
  return { retry: true, replicaDown: true };
}

export interface ReadRouterOptions {
  /** The primary, unmeasured: the replica readers are built on it. */
  primary: PrismaClient;
  /** What the routed client is built on (the primary as measured, see query-metrics.ts). */
  routedBase: PrismaClient;
  replicas: PrismaClient[];
  /** Indexes of the replicas healthy enough to read from now. */
  usableReplicas(): number[];
  markReplicaDown(index: number, error: Error): void;
  tracker: WriteTracker;
  logger: Logger;
}

/**
 * The routed client: writes, transactions and raw statements that may write on the primary;
 * model reads and read-only raw statements on a healthy replica unless read-your-writes needs
 * the primary.
 *
 * @prisma/extension-read-replicas picks a replica at random from the fixed list it was given,
 * which would keep sending reads to a replica that is down or lagging. So there is one instance
 * of the extension per replica, each over a list of one: its "random" pick is that replica, our
 * health checker chooses which instance serves a read, and each read still runs through the
 * extension's own routing (reads to its replica; anything else, and anything inside a
 * transaction, to the primary). This extension sits on the primary client itself, so
 * `query(args)` always means "run it on the primary".
 */
export function createReadRouter(options: ReadRouterOptions) {
  const { primary, routedBase, tracker, logger } = options;
  const readers = options.replicas.map((replica) => primary.$extends(readReplicas({ replicas: [replica] })));

  const pickReplica = (): number | undefined => {
    const usable = options.usableReplicas();
    return usable.length === 0 ? undefined : usable[Math.floor(Math.random() * usable.length)];
  };

  const mayUseReplica = async (scope: RequestScope | undefined): Promise<boolean> => {
    if (!scope || scope.wrote) return false;
    if (scope.actorKey === null) return true;
    const actorKey = scope.actorKey;
    scope.actorWroteRecently ??= tracker.wroteRecently(actorKey).catch((error: Error) => {
      logger.warn({ err: error, actorKey, requestId: scope.requestId }, 'could not read the write marks; reading from the primary');
      return true;
    });
    const wroteRecently = await scope.actorWroteRecently;
    // The request may have written while we asked.
    return !wroteRecently && !scope.wrote;
  };

  /** Marks the request a writer at once; tells the tracker (other requests) at most once a second. */
  const noteWrite = async (scope: RequestScope | undefined): Promise<void> => {
    if (!scope) return;
    scope.wrote = true;
    const now = Date.now();
    if (scope.actorKey === null || (scope.recordedAt !== undefined && now - scope.recordedAt < 1000)) return;
    scope.recordedAt = now;
    // The actor just learned it wrote, so a lost mark costs read-your-writes, never the write.
    await tracker
      .recordWrite(scope.actorKey)
      .catch((error: Error) => logger.warn({ err: error, requestId: scope.requestId }, 'could not share a write mark; this process keeps it'));
  };

  const readFromReplica = async (index: number, model: string, operation: string, args: unknown, onPrimary: () => Promise<unknown>) => {
    try {
      noteQueryTarget('replica');
      const delegate = (readers[index] as unknown as Record<string, Record<string, (args: unknown) => Promise<unknown>>>)[model];
      return await delegate[operation](args);
    } catch (error) {
      const verdict = replicaCouldNotAnswer(error);
      if (!verdict.retry) throw error;
      if (verdict.replicaDown) options.markReplicaDown(index, error as Error);
      logger.warn({ err: error, model, operation }, 'replica read failed; reading from the primary');
      noteQueryTarget('primary');
      return onPrimary();
    }
  };

  const readRawFromReplica = async (index: number, operation: '$queryRaw' | '$queryRawUnsafe', args: unknown, onPrimary: () => Promise<unknown>) => {
    try {
      noteQueryTarget('replica');
      const replica = (readers[index] as unknown as { $replica(): Record<typeof operation, (...args: unknown[]) => Promise<unknown>> }).$replica();
      // $queryRaw's args are its Prisma.Sql; $queryRawUnsafe's the statement and its values.
      return await (operation === '$queryRaw' ? replica.$queryRaw(args) : replica.$queryRawUnsafe(...(args as unknown[])));
    } catch (error) {
      const verdict = replicaCouldNotAnswer(error);
      if (!verdict.retry) throw error;
      if (verdict.replicaDown) options.markReplicaDown(index, error as Error);
      logger.warn({ err: error, operation }, 'replica read failed; reading from the primary');
      noteQueryTarget('primary');
      return onPrimary();
    }
  };

  const routed = routedBase.$extends({
    name: 'waitlessq-read-router',
    query: {
      async $allOperations(params) {
        const { model, operation, args, query } = params;
        const scope = currentRequestScope();
        // Undocumented but stable (the read-replicas extension relies on it): set inside $transaction.
        const internal = (params as unknown as { __internalParams?: { transaction?: unknown } }).__internalParams;
        // A transaction counts as a write whatever it does, and never leaves the primary.
        const inTransaction = Boolean(internal?.transaction);
        if (!inTransaction && model && readOperations.has(operation)) {
          const index = (await mayUseReplica(scope)) ? pickReplica() : undefined;
          return index === undefined ? query(args) : readFromReplica(index, model, operation, args, () => query(args));
        }
        if (!inTransaction && (operation === '$queryRaw' || operation === '$queryRawUnsafe') && !rawQueryWrites(operation, args)) {
          // A read-only raw statement (a hot read built as JSON by PostgreSQL) follows the rules of a model read.
          const index = (await mayUseReplica(scope)) ? pickReplica() : undefined;
          return index === undefined ? query(args) : readRawFromReplica(index, operation, args, () => query(args));
        }
        const [, result] = await Promise.all([noteWrite(scope), query(args)]);
        return result;
      },
    },
  });

  return {
    // Same surface as the PrismaClient (the extension adds no methods): features keep their types.
    prisma: routed as unknown as PrismaClient,
    /** The index of a healthy replica for an explicit read, if any (create-database hands out its measured client). */
    pickReplica,
  };
}
