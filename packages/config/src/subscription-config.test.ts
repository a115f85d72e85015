import { ConfigError, loadConfig } from './index';

describe('WebSocket limits', () => {
  it('default to a small message cap, a buffer cap and per-minute budgets', () => {
    expect(loadConfig('gateway', {}).subscriptions).toMatchObject({
      maxPayloadBytes: 64 * 1024,
      maxBufferedBytes: 1024 * 1024,
      rateLimits: {
        connectionsPerAddress: { points: 300, windowSeconds: 60 },
        connectionsPerCredential: { points: 120, windowSeconds: 60 },
        subscribesPerConnection: { points: 120, windowSeconds: 60 },
      },
    });
  });

  it('reads each setting; a budget of 0 is off, a cap of 0 is refused', () => {
    const { subscriptions } = loadConfig('gateway', {
      SUBSCRIPTIONS_MAX_PAYLOAD_BYTES: '1024',
      SUBSCRIPTIONS_MAX_BUFFERED_BYTES: '2048',
      SUBSCRIPTIONS_RATE_LIMIT_WINDOW_SECONDS: '10',
      SUBSCRIPTIONS_CONNECTIONS_PER_ADDRESS: '0',
      SUBSCRIPTIONS_CONNECTIONS_PER_CREDENTIAL: '3',
      SUBSCRIPTIONS_SUBSCRIBES_PER_CONNECTION: '5',
    });
    expect(subscriptions).toMatchObject({
      maxPayloadBytes: 1024,
      maxBufferedBytes: 2048,
      rateLimits: { connectionsPerAddress: { points: 0, windowSeconds: 10 }, connectionsPerCredential: { points: 3 }, subscribesPerConnection: { points: 5 } },
    });
    expect(() => loadConfig('gateway', { SUBSCRIPTIONS_MAX_PAYLOAD_BYTES: '0' })).toThrow(ConfigError);
  });
});
