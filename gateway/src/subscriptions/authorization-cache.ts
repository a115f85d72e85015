import { AppError } from '@waitlessq/errors';
import type { Caller } from './caller';
import type { SubscriptionTarget } from './events';
import { accessArguments, precheck, type SubscriptionField } from './fields';

export type Authorize = (field: SubscriptionField, args: Record<string, unknown>, caller: Caller, requestId: string) => Promise<SubscriptionTarget>;

export interface AuthorizationCache {
  authorize: Authorize;
  /** Drops every answer given to this caller (its key was revoked). */
  forget(callerKey: string): void;
  /** Drops one answer that no longer holds (the visit moved to another queue, or ended). */
  forgetAnswer(field: SubscriptionField, args: Record<string, unknown>, caller: Caller): void;
  readonly size: number;
}

export interface AuthorizationCacheOptions {
  /** How long an answer, allowed or refused, is reused. */
  ttlMs: number;
  maxEntries: number;
}

interface Entry {
  answer: Promise<SubscriptionTarget>;
  callerKey: string;
  expiresAt: number;
}

/**
 * Authorization of subscribes without amplification: the queue subgraph's answer for one
 * caller (identity key) and one access question (the queue, or the visit and its token) is
 * reused for a short while, and concurrent subscribes share the call in flight, so a thousand
 * display screens of one partner key opening their subscriptions cost one call, not a
 * thousand. Refusals (NOT_FOUND, FORBIDDEN) are reused as well: a flood of refused subscribes
 * costs no more. An outage is not: the next subscribe asks again.
 *
 * In this process's memory: each replica asks once per (caller, question) per TTL. A visit
 * subscription that ends because its visit moved to another queue or ended drops its answer
 * (the client subscribes again and must be sent to the new queue). What the TTL can leave
 * stale: a visit that ended on another replica is still reported unfinished (its final event
 * then completes the subscription for a client resuming with afterSequence); a role change
 * reaches subgraphs with the next access token anyway. Key revocation is checked on every
 * subscribe (server.ts), and drops the caller's answers.
 */
export function createAuthorizationCache(authorize: Authorize, options: AuthorizationCacheOptions): AuthorizationCache {
  const entries = new Map<string, Entry>();
  const evictExpired = (now: number) => {
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
  };
  return {
    get size() {
      return entries.size;
    },
    authorize(field, args, caller, requestId) {
      // Refusals that need no call are not worth a place in the cache.
      const refused = precheck(field, caller.identity, args);
      if (refused) return Promise.reject(refused);
      const key = keyOf(field, args, caller);
      const now = Date.now();
      const cached = entries.get(key);
      if (cached && cached.expiresAt > now) return cached.answer;
      if (entries.size >= options.maxEntries) {
        evictExpired(now);
        if (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value as string);
      }
      const answer = authorize(field, args, caller, requestId);
      const entry: Entry = { answer, callerKey: caller.key, expiresAt: now + options.ttlMs };
      entries.set(key, entry);
      answer.catch((error: unknown) => {
        if (!(error instanceof AppError) && entries.get(key) === entry) entries.delete(key);
      });
      return answer;
    },
    forget(callerKey) {
      for (const [key, entry] of entries) if (entry.callerKey === callerKey) entries.delete(key);
    },
    forgetAnswer(field, args, caller) {
      entries.delete(keyOf(field, args, caller));
    },
  };
}

const keyOf = (field: SubscriptionField, args: Record<string, unknown>, caller: Caller) => `${caller.key}\n${field}\n${JSON.stringify(accessArguments(args))}`;
