/**
 * The part of @waitlessq/redis's KeyValueStore the tracker needs (structurally the same, so
 * `runtime.redis.store` fits without this package depending on Redis).
 */
export interface WriteMarkStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
}

/** Remembers which actors wrote recently, across every process that shares the store. */
export interface WriteTracker {
  recordWrite(actorKey: string): Promise<void>;
  wroteRecently(actorKey: string): Promise<boolean>;
}

/**
 * A mark with a time to live rather than a timestamp: processes compare no clocks, and the
 * store forgets old marks by itself. Store expiry counts whole seconds, so the TTL is rounded
 * up and one second added for the per-request de-duplication of marks (the router records at
 * most once a second per request): the window is never shorter than configured, at most ~2 s
 * longer, which only sends a few more reads to the primary.
 */
export function createWriteTracker(windowMs: number, shared?: WriteMarkStore): WriteTracker {
  const store = shared ?? createMemoryMarks();
  const ttlSeconds = Math.ceil(windowMs / 1000) + 1;
  const key = (actorKey: string) => `db:wrote:${actorKey}`;
  // Marks this process could not share (the store was down): this process still reads its
  // actors' writes from the primary, and so does every other while the store is down (a failed
  // look-up counts as a recent write, see read-router.ts).
  const unshared = shared ? createMemoryMarks() : null;
  return {
    recordWrite: async (actorKey) => {
      if (windowMs <= 0) return;
      try {
        await store.set(key(actorKey), '1', ttlSeconds);
      } catch (error) {
        await unshared?.set(key(actorKey), '1', ttlSeconds);
        throw error;
      }
    },
    wroteRecently: async (actorKey) => {
      if (windowMs <= 0) return false;
      if (unshared && (await unshared.get(key(actorKey))) !== null) return true;
      return (await store.get(key(actorKey))) !== null;
    },
  };
}

/** One process only (the embedded default and tests); Redis shares the marks between replicas of a service. */
function createMemoryMarks(now: () => number = Date.now): WriteMarkStore {
  const marks = new Map<string, number>();
  let sweptAt = 0;
  return {
    get: async (key) => {
      const expiresAt = marks.get(key);
      if (expiresAt === undefined) return null;
      if (expiresAt > now()) return '1';
      marks.delete(key);
      return null;
    },
    set: async (key, _value, ttlSeconds) => {
      // Expired marks are swept (at most once a second), so the map stays as small as the active actors.
      if (now() - sweptAt > 1000) {
        sweptAt = now();
        for (const [k, at] of marks) if (at <= sweptAt) marks.delete(k);
      }
      marks.set(key, now() + ttlSeconds * 1000);
    },
  };
}
