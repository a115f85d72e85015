import { Prisma } from './generated/prisma/client';

/** A unique constraint refused the write (P2002): the row exists already. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/**
 * The database had no connection for this request in time: the pool's wait ran out (pg-pool
 * throws a plain Error for it; Prisma's own pool says P2024) or the server refused one more
 * (SQLSTATE 53300). Load, not a fault of the request: it may be retried.
 */
export function isDatabaseBusy(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    const sqlState = (error.meta as { driverAdapterError?: { cause?: { originalCode?: string } } } | undefined)?.driverAdapterError?.cause?.originalCode;
    return error.code === 'P2024' || sqlState === '53300';
  }
  return error instanceof Error && error.message === 'timeout exceeded when trying to connect';
}
