import { AppError } from '@waitlessq/errors';
import type { SubscriptionTarget } from './events';
import { createAuthorizationCache, type Authorize } from './authorization-cache';
import type { Caller } from './caller';

const caller = (key: string, kind: 'partner' | 'anonymous' = 'partner'): Caller =>
  ({ key, identity: kind === 'partner' ? { kind, subjectId: key, organizationId: 'o' } : { kind }, signedIdentity: async () => '' }) as Caller;

function counting(answer: (args: Record<string, unknown>) => Promise<SubscriptionTarget>) {
  const calls: Record<string, unknown>[] = [];
  const authorize: Authorize = (_field, args) => {
    calls.push(args);
    return answer(args);
  };
  return { calls, authorize };
}

describe('the authorization cache', () => {
  it('asks once for a thousand concurrent subscribes of one caller to one queue, and again for another queue or caller', async () => {
    const { calls, authorize } = counting(async (args) => ({ queueId: String(args.queueId), finished: false }));
    const cache = createAuthorizationCache(authorize, { ttlMs: 10_000, maxEntries: 100 });
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => cache.authorize('queueUpdated', { queueId: 'q1', afterSequence: i }, caller('k1'), `r${i}`)),
    );
    expect(answers.every((answer) => answer.queueId === 'q1')).toBe(true);
    expect(calls).toHaveLength(1);
    await cache.authorize('queueUpdated', { queueId: 'q2' }, caller('k1'), 'r');
    await cache.authorize('queueUpdated', { queueId: 'q1' }, caller('k2'), 'r');
    expect(calls).toHaveLength(3);
  });

  it('reuses a refusal, forgets an outage, and asks again after the TTL or once the caller is forgotten', async () => {
    let outcome: 'refuse' | 'fail' | 'allow' = 'refuse';
    const { calls, authorize } = counting(async (args) => {
      if (outcome === 'refuse') throw new AppError('NOT_FOUND', 'no such queue');
      if (outcome === 'fail') throw new Error('connection refused');
      return { queueId: String(args.queueId), finished: false };
    });
    const cache = createAuthorizationCache(authorize, { ttlMs: 50, maxEntries: 100 });
    const subscribe = () => cache.authorize('queueUpdated', { queueId: 'q' }, caller('k'), 'r');
    await expect(subscribe()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(subscribe()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(calls).toHaveLength(1);

    await new Promise((resolve) => setTimeout(resolve, 60));
    outcome = 'fail';
    await expect(subscribe()).rejects.toThrow('connection refused');
    outcome = 'allow';
    await expect(subscribe()).resolves.toMatchObject({ queueId: 'q' });
    expect(calls).toHaveLength(3);

    cache.forget('k');
    await subscribe();
    expect(calls).toHaveLength(4);
  });

  it('refuses what needs no call without asking or caching, and stays within its size', async () => {
    const { calls, authorize } = counting(async (args) => ({ queueId: String(args.visitId), finished: false }));
    const cache = createAuthorizationCache(authorize, { ttlMs: 10_000, maxEntries: 3 });
    await expect(cache.authorize('visitUpdated', { visitId: 'v' }, caller('anon', 'anonymous'), 'r')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(calls).toHaveLength(0);
    for (let i = 0; i < 10; i += 1) await cache.authorize('queueUpdated', { queueId: `q${i}` }, caller('k'), 'r');
    expect(cache.size).toBeLessThanOrEqual(3);
  });
});
