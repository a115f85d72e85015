import { loadConfig, sandboxOrigins } from './index';

const production = {
  NODE_ENV: 'production',
  JWT_SECRET: 'j'.repeat(32),
  IDENTITY_SIGNING_SECRET: 'i'.repeat(32),
  VISIT_TOKEN_SECRET: 'v'.repeat(32),
  DATABASE_URL: 'postgresql://db/app',
  REDIS_URL: 'redis://redis:6379',
};

describe('edge configuration', () => {
  it('opens introspection and Sandbox in development only, and closes CORS elsewhere', () => {
    expect(loadConfig('gateway', {}).edge).toMatchObject({ introspection: true, corsOrigins: sandboxOrigins, trustProxy: false });
    expect(loadConfig('gateway', production).edge).toMatchObject({ introspection: false, corsOrigins: [] });
    expect(loadConfig('gateway', { ...production, INTROSPECTION_ENABLED: 'true' }).edge.introspection).toBe(true);
  });

  it('reads origins, proxies and limits', () => {
    const { edge } = loadConfig('gateway', {
      CORS_ORIGINS: 'https://a.test, https://b.test',
      TRUST_PROXY: 'loopback, 10.0.0.0/8',
      MAX_QUERY_DEPTH: '0',
      RATE_LIMIT_PER_USER: '5',
    });
    expect(edge.corsOrigins).toEqual(['https://a.test', 'https://b.test']);
    expect(edge.trustProxy).toEqual(['loopback', '10.0.0.0/8']);
    expect(edge.limits.maxDepth).toBe(0);
    expect(edge.rateLimits.perUser).toEqual({ points: 5, windowSeconds: 60 });
    expect(loadConfig('gateway', { TRUST_PROXY: '2' }).edge.trustProxy).toBe(2);
    expect(loadConfig('gateway', { TRUST_PROXY: 'true' }).edge.trustProxy).toBe(true);
  });

  it('reports malformed values with the others', () => {
    expect(() => loadConfig('gateway', { INTROSPECTION_ENABLED: 'yes', MAX_BODY_BYTES: '0', PORT: 'x' })).toThrow(
      /INTROSPECTION_ENABLED[\s\S]*MAX_BODY_BYTES|PORT[\s\S]*INTROSPECTION_ENABLED/,
    );
  });
});
