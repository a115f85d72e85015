import { Prisma } from './generated/prisma/client';

/** A unique constraint refused the write (P2002): the row exists already. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/** The driver adapter's account of a failed query (its kind, the SQLSTATE), when Prisma kept one. */
export function driverCause(error: Prisma.PrismaClientKnownRequestError): { kind?: string; originalCode?: string } | undefined {
  return (error.meta as { driverAdapterError?: { cause?: { kind?: string; originalCode?: string } } } | undefined)?.driverAdapterError?.cause;
}

/**
 * The database had no connection for this request in time: the pool's wait ran out (pg-pool
 * throws a plain Error for it; Prisma's own pool says P2024) or the server refused one more
 * (SQLSTATE 53300). Load, not a fault of the request: it may be retried.
 */
export function isDatabaseBusy(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    const cause = driverCause(error);
    return error.code === 'P2024' || cause?.kind === 'TooManyConnections' || cause?.originalCode === '53300';
  }
  return error instanceof Error && error.message === 'timeout exceeded when trying to connect';
}
