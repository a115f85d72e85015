import { AppError } from '@waitlessq/errors';
import { id, isUuid, parse } from '@waitlessq/validation';

/**
 * Ids are uuid columns: a malformed id names nothing, so it is NOT_FOUND (PostgreSQL would
 * otherwise fail the statement and the client would see an internal error).
 */
export function requireObjectId(value: string, what: string): string {
  if (!isUuid(value)) throw new AppError('NOT_FOUND', `No ${what} with this id.`);
  return value;
}

/** An id given as input that must be well formed: BAD_USER_INPUT naming the field. */
export function requireInputId(value: string, field: string): string {
  return parse(id(), value, field);
}
