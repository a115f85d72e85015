import { credentialsOf, reserveSubscription, tokenExpiry, type Connection } from './connections';

describe('connection_init credentials', () => {
  it('reads the bearer token or the partner key, in either spelling, and ignores anything else', () => {
    expect(credentialsOf({ authorization: 'Bearer abc' })).toEqual({ authorization: 'Bearer abc', apiKey: undefined });
    expect(credentialsOf({ Authorization: 'Bearer abc', 'x-api-key': 'wlq_live_x' })).toEqual({ authorization: 'Bearer abc', apiKey: 'wlq_live_x' });
    expect(credentialsOf({ apiKey: 'wlq_live_y', authorization: 42 })).toEqual({ authorization: undefined, apiKey: 'wlq_live_y' });
    expect(credentialsOf(undefined)).toEqual({ authorization: undefined, apiKey: undefined });
  });

  it('knows when a bearer token expires (its exp claim), and nothing about anything else', () => {
    const payload = Buffer.from(JSON.stringify({ sub: 'u', exp: 1_900_000_000 })).toString('base64url');
    expect(tokenExpiry({ authorization: `Bearer h.${payload}.s` })).toBe(1_900_000_000_000);
    expect(tokenExpiry({ authorization: 'Bearer not-a-jwt' })).toBeUndefined();
    expect(tokenExpiry({ apiKey: 'wlq_live_x' })).toBeUndefined();
  });
});

describe('the per-connection cap', () => {
  it('refuses beyond the cap, and a released slot (once) can be taken again', () => {
    const connection = { active: 0 } as Connection;
    const releases = [reserveSubscription(connection, 2), reserveSubscription(connection, 2)];
    expect(() => reserveSubscription(connection, 2)).toThrow(expect.objectContaining({ code: 'TOO_MANY_SUBSCRIPTIONS' }));
    releases[0]();
    releases[0]();
    expect(connection.active).toBe(1);
    expect(() => reserveSubscription(connection, 2)).not.toThrow();
  });
});
