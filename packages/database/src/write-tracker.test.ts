import { runInRequestScope, currentRequestScope, setRequestActor, visitTokenActorKey } from './request-scope';
import { createWriteTracker } from './write-tracker';

describe('createWriteTracker', () => {
  it('remembers an actor for at least the window, rounded up to whole seconds plus one', async () => {
    const stored: { key: string; ttl: number }[] = [];
    const store = { get: async () => null, set: async (key: string, _v: string, ttl: number) => void stored.push({ key, ttl }) };
    await createWriteTracker(1500, store).recordWrite('staff:1');
    expect(stored).toEqual([{ key: 'db:wrote:staff:1', ttl: 3 }]);
  });

  it('answers from the store', async () => {
    const tracker = createWriteTracker(5000);
    expect(await tracker.wroteRecently('customer:1')).toBe(false);
    await tracker.recordWrite('customer:1');
    expect(await tracker.wroteRecently('customer:1')).toBe(true);
    expect(await tracker.wroteRecently('customer:2')).toBe(false);
  });

  it('keeps a mark the shared store refused in this process, and still reports the failure', async () => {
    let down = true;
    const shared = new Map<string, string>();
    const store = {
      get: async (key: string) => {
        if (down) throw new Error('redis down');
        return shared.get(key) ?? null;
      },
      set: async (key: string, value: string) => {
        if (down) throw new Error('redis down');
        shared.set(key, value);
      },
    };
    const tracker = createWriteTracker(5000, store);
    await expect(tracker.recordWrite('staff:1')).rejects.toThrow('redis down');
    down = false;
    expect(await tracker.wroteRecently('staff:1')).toBe(true);
    expect(await tracker.wroteRecently('staff:2')).toBe(false);
  });

  it('remembers nothing with a window of zero', async () => {
    const tracker = createWriteTracker(0);
    await tracker.recordWrite('staff:1');
    expect(await tracker.wroteRecently('staff:1')).toBe(false);
  });
});

describe('request scope', () => {
  it('follows the async work started inside it, and only that', async () => {
    const seen = await runInRequestScope({ actorKey: 'staff:1' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return currentRequestScope()?.actorKey;
    });
    expect(seen).toBe('staff:1');
    expect(currentRequestScope()).toBeUndefined();
  });

  it('takes a later actor (a visit token holder) and forgets what it knew about the previous one', () => {
    runInRequestScope({ actorKey: null }, () => {
      const scope = currentRequestScope()!;
      scope.actorWroteRecently = Promise.resolve(false);
      setRequestActor(visitTokenActorKey('secret-token'));
      expect(scope.actorKey).toMatch(/^visit-token:[0-9a-f]{32}$/);
      expect(scope.actorKey).not.toContain('secret');
      expect(scope.actorWroteRecently).toBeUndefined();
    });
  });
});
