import { ConfigError, loadConfig } from './index';

describe('loadConfig', () => {
  it('starts with development defaults when nothing is configured', () => {
    const config = loadConfig('queue', {});
    expect(config.database.kind).toBe('embedded');
    expect(config.redis.kind).toBe('memory');
    expect(config.port).toBe(4003);
    expect(Object.isFrozen(config.auth)).toBe(true);
  });

  it('refuses to start in production without secrets, naming every missing one', () => {
    let error: unknown;
    try {
      loadConfig('gateway', { NODE_ENV: 'production' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['JWT_SECRET', 'IDENTITY_SIGNING_SECRET', 'VISIT_TOKEN_SECRET', 'DATABASE_URL', 'REDIS_URL']) {
      expect(problems).toContain(name);
    }
  });

  it('reports malformed values together', () => {
    expect(() => loadConfig('user', { PORT: 'x', DATABASE_URL: 'nope', JWT_SECRET: 'short' })).toThrow(
      /PORT[\s\S]*DATABASE_URL[\s\S]*JWT_SECRET|PORT[\s\S]*JWT_SECRET/,
    );
  });

  it('uses the database and Redis when their URLs are set', () => {
    const config = loadConfig('user', {
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/app',
      DATABASE_REPLICA_URLS: 'postgresql://a/b, postgresql://c/d',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(config.database).toMatchObject({ kind: 'postgres', replicaUrls: ['postgresql://a/b', 'postgresql://c/d'] });
    expect(config.redis.kind).toBe('redis');
  });

  it('uses a Redis Cluster when REDIS_CLUSTER_NODES lists its nodes, and refuses an entry that is not host:port', () => {
    const config = loadConfig('gateway', { REDIS_CLUSTER_NODES: 'redis-0:7000, 10.0.0.2:7001' });
    expect(config.redis).toMatchObject({
      kind: 'redis',
      url: undefined,
      clusterNodes: [
        { host: 'redis-0', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
    });
    expect(loadConfig('gateway', { REDIS_URL: 'redis://127.0.0.1:6379' }).redis.clusterNodes).toBeUndefined();
    expect(() => loadConfig('gateway', { REDIS_CLUSTER_NODES: 'redis-0:7000,redis-1' })).toThrow(/REDIS_CLUSTER_NODES: "redis-1" is not host:port/);
  });

  it('reads the optional VAPID public key for web push; empty is unset, a malformed one is refused', () => {
    const key = `B${'x'.repeat(86)}`;
    expect(loadConfig('pwa', { VAPID_PUBLIC_KEY: key }).push).toMatchObject({ vapidPublicKey: key });
    expect(loadConfig('pwa', { VAPID_PUBLIC_KEY: '' }).push).toMatchObject({ vapidPublicKey: null });
    expect(loadConfig('pwa', {}).push).toMatchObject({ vapidPublicKey: null });
    expect(() => loadConfig('pwa', { VAPID_PUBLIC_KEY: 'not a key' })).toThrow(/VAPID_PUBLIC_KEY: must be a VAPID public key/);
  });
});
