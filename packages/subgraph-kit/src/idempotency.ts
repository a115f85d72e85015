import { createHash } from 'node:crypto';
import type { Identity } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';

/**
 * One rule for every create mutation that takes an idempotency key (as payment APIs do): a key
 * belongs to the caller who first used it, for the input it was first used with. A retry (same
 * caller, same input) gets the first result; anything else is refused with
 * IDEMPOTENCY_KEY_REUSED and writes nothing. Refused rather than given a new object: the key
 * columns stay unique per tenant (or queue), and whoever learns a key cannot tell more than that
 * it is taken.
 *
 * What is stored beside the key is one hash of the caller's scope and the canonical input, so
 * neither the input nor the caller can be read back from it. A row from before this rule has
 * no fingerprint: nobody can prove it is theirs, so its key is refused too (keys only serve
 * retries of moments ago).
 */
export function idempotencyFingerprint(identity: Identity, input: unknown): string {
  return createHash('sha256').update(callerScope(identity)).update('\n').update(canonicalJson(input)).digest('hex');
}

/** Throws unless the row was created by this caller with this input. */
export function assertSameRequest(stored: { idempotencyFingerprint: string | null }, fingerprint: string): void {
  if (stored.idempotencyFingerprint !== fingerprint) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for another request; send a new key for a new request.', {
      field: 'idempotencyKey',
    });
  }
}

/**
 * Who a key belongs to: the signed-in subject, or for an anonymous caller the gateway's
 * fingerprint of its address and user agent (a walk-in has no account).
 */
export function callerScope(identity: Identity): string {
  if (identity.kind === 'anonymous') return `anonymous:${identity.clientFingerprint ?? 'unknown'}`;
  return `${identity.kind}:${identity.subjectId}`;
}

/**
 * JSON with object keys sorted and absent values dropped (null and undefined alike: a retry may
 * send `notes: null` where the first request left it out), so the same input always hashes the
 * same. The idempotency key itself is not part of the input.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Date) return value.toISOString();
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([key, v]) => v !== null && v !== undefined && key !== 'idempotencyKey')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, v]) => [key, canonical(v)]));
}
