import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';

/**
 * What the read router knows about the request it serves. Mutable on purpose: a write marks
 * the scope, and every later read of the same request sees the mark.
 */
export interface RequestScope {
  /** Who is calling (`staff:<id>`, `customer:<id>`, `visit-token:<sha>`), or null for anonymous. */
  actorKey: string | null;
  /** The request's id (the gateway's x-request-id), for logs written below the resolvers (slow queries). */
  requestId?: string;
  /** The request has written (or opened a transaction): its reads go to the primary. */
  wrote: boolean;
  /** When this request last told the write tracker about its actor (one record per second). */
  recordedAt?: number;
  /** Whether the actor wrote within the read-your-writes window; asked once per request. */
  actorWroteRecently?: Promise<boolean>;
}

// AsyncLocalStorage because Prisma's query extension, where reads are routed, never sees the
// GraphQL context. A client per request (`$extends`) that the context could carry costs nothing
// a benchmark could see, but every feature holds the shared client from start-up; on Node 24
// (AsyncContextFrame) the store costs 0.2-0.5 % of a subgraph's CPU, not worth that rework
// (loadtests/async-scope/RESULTS.md; the 3 % once measured is the async-hooks stores of Node 22 and older).
const storage = new AsyncLocalStorage<RequestScope>();

/**
 * Runs `fn` (and everything it starts) in a fresh request scope. Reads may use a replica only
 * inside a scope: code outside one (scripts, tests asserting rows, background work) cannot know
 * whether it just wrote, so it reads from the primary. `primary` sends every read of the scope
 * to the primary from the start: a mutation checks what it is about to change (an invitation
 * another actor just created, a slot's bookings) and must not decide on a lagging copy.
 */
export function runInRequestScope<T>(init: { actorKey: string | null; requestId?: string; primary?: boolean }, fn: () => T): T {
  return storage.run({ actorKey: init.actorKey, requestId: init.requestId, wrote: init.primary ?? false }, () => {
    const result = fn();
    // A PrismaPromise is lazy: it runs when first awaited, which must happen inside the scope.
    return isPromiseLike(result) ? (Promise.resolve(result) as T) : result;
  });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

/**
 * Names the actor once the request learns who it is beyond the verified identity (an anonymous
 * walk-in presenting its visit token), so that its next requests read their own writes too.
 */
export function setRequestActor(actorKey: string | null): void {
  const scope = storage.getStore();
  if (!scope || scope.actorKey === actorKey) return;
  scope.actorKey = actorKey;
  scope.recordedAt = undefined;
  scope.actorWroteRecently = undefined;
}

/** The actor key of whoever holds a visit token; the token itself never leaves the process. */
export function visitTokenActorKey(visitToken: string): string {
  return `visit-token:${createHash('sha256').update(visitToken).digest('hex').slice(0, 32)}`;
}
