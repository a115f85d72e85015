import { AsyncLocalStorage } from 'node:async_hooks';
import { Counter, Histogram } from 'prom-client';
import { metricsRegistry, type Logger } from '@waitlessq/observability';
import type { Prisma, PrismaClient } from './generated/prisma/client';
import { currentRequestScope } from './request-scope';

/** Which server answered: the primary, or one of the read replicas. */
export type QueryTarget = 'primary' | 'replica';

type AdapterFactory = Prisma.PrismaClientOptionsWithAdapter['adapter'];

let instruments: { duration: Histogram<'model' | 'action' | 'target'>; statements: Counter<'target'> } | undefined;

/** Created once per process: the services of an all-in-one start share the registry. */
function queryInstruments() {
  instruments ??= {
    duration: new Histogram({
      name: 'wlq_db_query_duration_seconds',
      help: 'Duration of Prisma operations, by model, action and the server that answered',
      labelNames: ['model', 'action', 'target'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10],
      registers: [metricsRegistry],
    }),
    statements: new Counter({
      name: 'wlq_db_statements_total',
      help: 'SQL statements sent to PostgreSQL (BEGIN and COMMIT included), by the server that received them',
      labelNames: ['target'],
      registers: [metricsRegistry],
    }),
  };
  return instruments;
}

/**
 * Counts every SQL statement a client sends, below Prisma: one operation may be several
 * statements (an interactive transaction is BEGIN, its statements and COMMIT), and the
 * number of statements is what must not grow with the rows a request returns.
 */
export function countStatements<T extends AdapterFactory>(factory: T, target: QueryTarget): T {
  const statements = queryInstruments().statements.labels({ target });
  const counted = <Q extends object>(queryable: Q): Q =>
    new Proxy(queryable, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (property === 'queryRaw' || property === 'executeRaw') {
          return (...args: unknown[]) => {
            statements.inc();
            return (value as (...a: unknown[]) => unknown).apply(object, args);
          };
        }
        if (property === 'startTransaction') {
          // The adapter sends BEGIN itself, on the connection, below what this proxy sees.
          return async (...args: unknown[]) => {
            statements.inc();
            return counted(await (value as (...a: unknown[]) => Promise<object>).apply(object, args));
          };
        }
        return (value as (...a: unknown[]) => unknown).bind(object);
      },
    });
  // Everything else (provider, name, shadow databases) is the factory's own.
  const wrapped = Object.create(factory) as T;
  wrapped.connect = async () => counted(await factory.connect());
  return wrapped;
}

/**
 * Set by the read router once it has chosen the server of an operation (see measureQueries).
 * A store because the router runs inside this extension's `query(args)`, which passes nothing
 * back but the result; it is counted in the request scope's cost (request-scope.ts).
 */
const routedTo = new AsyncLocalStorage<{ target: QueryTarget }>();

export function noteQueryTarget(target: QueryTarget): void {
  const note = routedTo.getStore();
  if (note) note.target = target;
}

export interface MeasureOptions {
  /** The server this client talks to, unless the read router (layered inside) says otherwise. */
  target: QueryTarget;
  slowQueryMs: number;
  logger: Logger;
}

/**
 * Times every operation of a client (model and raw, inside transactions too). Prisma runs the
 * extension added first outermost, so this must be the first one: on the routed client it
 * wraps the read router, which notes the server it chose for each operation.
 */
export function measureQueries(client: PrismaClient, options: MeasureOptions): PrismaClient {
  const { duration } = queryInstruments();
  const { logger, slowQueryMs } = options;
  const measured = client.$extends({
    name: 'waitlessq-query-metrics',
    query: {
      async $allOperations({ model, operation, args, query }) {
        const note = { target: options.target };
        const started = process.hrtime.bigint();
        let failed = false;
        try {
          // Awaited inside run(): a PrismaPromise starts when awaited, and the router must see `note`.
          return await routedTo.run(note, async () => await query(args));
        } catch (error) {
          failed = true;
          throw error;
        } finally {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          duration.observe({ model: model ?? 'raw', action: operation, target: note.target }, seconds);
          if (seconds * 1000 >= slowQueryMs) {
            const requestId = currentRequestScope()?.requestId;
            logger.warn(
              { requestId, model: model ?? 'raw', action: operation, target: note.target, durationMs: Math.round(seconds * 1000), failed },
              'slow database query',
            );
          }
        }
      },
    },
  });
  return measured as unknown as PrismaClient;
}
