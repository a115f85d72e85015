/**
 * The one catalogue of error codes the API answers with (docs/DESIGN.md). Clients switch on
 * `extensions.code`; the message is safe to show and never carries internals.
 */
export const errorCodes = {
  UNAUTHENTICATED: 'No valid credentials were sent, or they expired.',
  FORBIDDEN: 'The caller is known but its role does not allow this.',
  NOT_FOUND: 'No such object, or it belongs to another organization.',
  BAD_USER_INPUT: 'An argument is malformed or out of range.',
  CONFLICT: 'The object already exists (a unique field is taken).',
  IDEMPOTENCY_KEY_REUSED: 'This idempotency key was used for another request (another input or another caller); send a new key.',
  INVALID_TRANSITION: 'The visit or queue is not in a state that allows this.',
  QUEUE_FULL: 'The queue has reached its capacity.',
  QUEUE_CLOSED: 'The queue is paused or closed.',
  SLOT_UNAVAILABLE: 'The appointment slot is taken, past, or not offered; choose another.',
  CANCELLATION_WINDOW_PASSED: 'It is too late to change or cancel this appointment online; contact the business.',
  RATE_LIMITED: 'Too many requests; retry later.',
  PERSISTED_QUERY_NOT_FOUND: 'The persisted query hash is unknown.',
  OPERATION_NOT_ALLOWED: 'This operation is not allowed for these credentials.',
  SEQUENCE_TOO_OLD: 'The events after this sequence are no longer kept; subscribe without afterSequence and read the current state.',
  TOO_MANY_SUBSCRIPTIONS: 'This connection holds as many subscriptions as it may; complete one or open another connection.',
  PERSISTED_QUERY_HASH_MISMATCH: 'The persisted query hash is not the SHA-256 of the query sent with it.',
  QUERY_TOO_DEEP: 'The operation nests fields deeper than the gateway allows.',
  QUERY_TOO_COMPLEX: 'The operation would fetch more objects than the gateway allows.',
  TOO_MANY_ALIASES: 'The operation uses more aliases than the gateway allows.',
  TOO_MANY_ROOT_FIELDS: 'The operation selects more root fields than the gateway allows.',
  TOO_MANY_TOKENS: 'The document is longer than the gateway allows.',
  PAYLOAD_TOO_LARGE: 'The request body is larger than the gateway allows.',
  REQUEST_TIMEOUT: 'The request took longer than the gateway allows.',
  INTROSPECTION_DISABLED: 'Introspection is not enabled for these credentials.',
  SERVICE_UNAVAILABLE: 'A part this needs is down for a moment (the event log during a Redis restart); retry shortly.',
  INTERNAL_SERVER_ERROR: 'Something went wrong on our side.',
} as const;

export type ErrorCode = keyof typeof errorCodes;

/** A failure the domain expects and the client can act on. Anything else is masked. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = errorCodes[code],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
