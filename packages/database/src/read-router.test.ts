import { Prisma } from './generated/prisma/client';
import { rawQueryWrites, replicaCouldNotAnswer } from './read-router';

const sql = (text: string) => ({ strings: [text], values: [] });

describe('rawQueryWrites', () => {
  it('lets plain reads through as reads', () => {
    expect(rawQueryWrites('$queryRaw', sql('SELECT id, "updatedAt" FROM "Visit" WHERE "queueId" = '))).toBe(false);
    expect(rawQueryWrites('$queryRawUnsafe', ['WITH ranked AS (SELECT 1) SELECT * FROM ranked'])).toBe(false);
  });

  it('counts statements that change data or take locks as writes', () => {
    expect(rawQueryWrites('$queryRaw', sql('UPDATE "TicketCounter" SET next = next + 1 RETURNING next'))).toBe(true);
    expect(rawQueryWrites('$queryRaw', sql('WITH moved AS (DELETE FROM "Visit" RETURNING id) SELECT count(*) FROM moved'))).toBe(true);
    expect(rawQueryWrites('$queryRaw', sql('SELECT id FROM "Visit" WHERE status = \'WAITING\' FOR UPDATE SKIP LOCKED'))).toBe(true);
    expect(rawQueryWrites('$queryRawUnsafe', ['SELECT pg_advisory_xact_lock($1)', 1])).toBe(true);
    expect(rawQueryWrites('$queryRawUnsafe', ['INSERT INTO t VALUES (1) RETURNING *'])).toBe(true);
  });

  it('counts what it cannot read as a write', () => {
    expect(rawQueryWrites('$queryRawTyped', { sql: 'SELECT 1' })).toBe(true);
  });
});

describe('replicaCouldNotAnswer', () => {
  const known = (code: string, cause?: Record<string, string>) =>
    new Prisma.PrismaClientKnownRequestError('x', { code, clientVersion: '7', meta: cause && { driverAdapterError: { cause } } });

  it('retries on the primary, and skips the replica, when the server is unreachable', () => {
    expect(replicaCouldNotAnswer(known('P1001'))).toEqual({ retry: true, replicaDown: true });
    expect(replicaCouldNotAnswer(new Error('Connection terminated unexpectedly'))).toEqual({ retry: true, replicaDown: true });
    // What a replica that is shutting down answers a query in flight.
    expect(replicaCouldNotAnswer(known('P2010', { kind: 'postgres', originalCode: '57P01' }))).toEqual({ retry: true, replicaDown: true });
    expect(replicaCouldNotAnswer(known('P2010', { kind: 'DatabaseDoesNotExist', originalCode: '3D000' }))).toEqual({ retry: true, replicaDown: true });
  });

  it('retries without skipping the replica when only the pool or a recovery conflict failed', () => {
    expect(replicaCouldNotAnswer(known('P2024'))).toEqual({ retry: true, replicaDown: false });
    expect(replicaCouldNotAnswer(known('P2034'))).toEqual({ retry: true, replicaDown: false });
    expect(replicaCouldNotAnswer(known('P2010', { kind: 'TransactionWriteConflict', originalCode: '40001' }))).toEqual({ retry: true, replicaDown: false });
    expect(replicaCouldNotAnswer(known('P2010', { kind: 'TooManyConnections', originalCode: '53300' }))).toEqual({ retry: true, replicaDown: false });
    // pg-pool's own wait running out is a plain Error: the replica is there, its pool is full.
    expect(replicaCouldNotAnswer(new Error('timeout exceeded when trying to connect'))).toEqual({ retry: true, replicaDown: false });
  });

  it('does not retry errors that the primary would give as well', () => {
    expect(replicaCouldNotAnswer(known('P2025'))).toEqual({ retry: false, replicaDown: false });
    expect(replicaCouldNotAnswer(known('P2010', { kind: 'postgres', originalCode: '57014' }))).toEqual({ retry: false, replicaDown: false });
    expect(replicaCouldNotAnswer(new Prisma.PrismaClientValidationError('bad', { clientVersion: '7' }))).toEqual({ retry: false, replicaDown: false });
  });
});
